import { strict as assert } from "assert";
import * as path from "path";
import { REPO } from "./support/peers";
import { CliResult, PulumiSandbox } from "./support/sandbox";

interface PreviewStep {
  op: string;
  urn: string;
}

/**
 * CloudZone's cp token and MeshSidecar's mesh rule moved from the stack's top to under their
 * components with `aliases: [{ parent: pulumi.rootStackResource }]`: the real engine takes that
 * alias for the old URN, and moves the resource instead of replacing it.
 */
describe("an alias to the stack's top, through the real Pulumi engine", function () {
  this.timeout(180_000);
  let sandbox: PulumiSandbox;
  let program: string;
  const TYPE = "pulumi-nodejs:dynamic/aliases:Token";
  const AT_TOP = `urn:pulumi:aliases::cloud-migration-journey::${TYPE}::zone-cp-token`;
  const UNDER = `urn:pulumi:aliases::cloud-migration-journey::journey:test:Owner$${TYPE}::zone-cp-token`;

  const pulumi = async (args: string[]): Promise<CliResult> => {
    const result = await sandbox.cli([...args, "--stack", "aliases"], program);
    assert.equal(result.code, 0, `pulumi ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
    return result;
  };
  const previewSteps = async (): Promise<PreviewStep[]> =>
    JSON.parse((await pulumi(["preview", "--json"])).stdout).steps ?? [];
  const token = async () => {
    const state = JSON.parse((await pulumi(["stack", "export"])).stdout);
    const found = state.deployment.resources.filter((r: { type: string }) => r.type === TYPE);
    assert.equal(found.length, 1);
    return found[0] as { urn: string; id: string };
  };

  before(async () => {
    sandbox = new PulumiSandbox();
    program = sandbox.stage("aliases", path.join(REPO, "test/real/programs/aliases"), ["tsconfig.json"]);
    await pulumi(["stack", "init"]);
    await pulumi(["up", "--yes", "--skip-preview"]);
  });
  after(() => sandbox?.dispose());

  it("declared at the stack's top, the token's URN has no parent type", async () => {
    assert.equal((await token()).urn, AT_TOP);
  });

  it("under the component without an alias: the preview deletes and creates it", async () => {
    await pulumi(["config", "set", "moved", "true"]);
    await pulumi(["config", "set", "alias", "false"]);
    const steps = (await previewSteps()).filter((s) => s.urn.endsWith("::zone-cp-token"));
    assert.deepEqual(steps.map((s) => [s.op, s.urn]).sort(), [
      ["create", UNDER],
      ["delete", AT_TOP],
    ]);
  });

  it("under the component with `{ parent: pulumi.rootStackResource }`: the same resource, moved; nothing created, deleted or replaced", async () => {
    await pulumi(["config", "set", "alias", "true"]);
    const steps = await previewSteps();
    assert.deepEqual(
      steps.filter((s) => s.op !== "same"),
      [],
      JSON.stringify(steps.map((s) => [s.op, s.urn])),
    );
    const before = await token();
    await pulumi(["up", "--yes", "--skip-preview"]);
    const after = await token();
    assert.deepEqual([after.urn, after.id], [UNDER, before.id], "the old id under the new URN");
    assert.deepEqual(
      (await previewSteps()).filter((s) => s.op !== "same"),
      [],
      "and the next preview has nothing to do",
    );
  });
});
