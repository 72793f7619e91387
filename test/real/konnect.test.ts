import { strict as assert } from "assert";
import * as path from "path";
import { KonnectServer } from "../support/konnectServer";
import { makeTestPki } from "../kuma/tls";
import { REPO } from "./support/peers";
import { CliResult, PulumiSandbox } from "./support/sandbox";
import { describeWithUpstream } from "../support/upstream";

const TOKEN = "kpat_CANARYrealengine0123456789abcdefABCDEF";

interface PreviewStep {
  op: string;
  urn: string;
}

describeWithUpstream(
  "Konnect through the real Pulumi engine: crawl's control plane, certificate, service and route against the OpenAPI-checked fake",
  function () {
    this.timeout(240_000);
    let konnect: KonnectServer;
    let sandbox: PulumiSandbox;
    let program: string;
    const outputs: CliResult[] = [];

    const pulumi = async (args: string[], input?: string): Promise<CliResult> => {
      const result = await sandbox.cli([...args, "--stack", "konnect"], program, { input });
      outputs.push(result);
      assert.equal(result.code, 0, `pulumi ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
      return result;
    };
    const previewSteps = async (): Promise<PreviewStep[]> =>
      JSON.parse((await pulumi(["preview", "--json"])).stdout).steps ?? [];
    const only = <T>(values: Iterable<T>): T => {
      const all = [...values];
      assert.equal(all.length, 1, `expected exactly one, got ${all.length}`);
      return all[0];
    };

    before(async () => {
      konnect = await KonnectServer.start({ token: TOKEN });
      sandbox = new PulumiSandbox();
      program = sandbox.stage("konnect", path.join(REPO, "test/real/programs/konnect"), ["tsconfig.json"]);
      await pulumi(["stack", "init"]);
      await pulumi(["config", "set", "baseUrl", konnect.baseUrl]);
      await pulumi(["config", "set", "upstreamHost", "10.0.1.10"]);
      await pulumi(["config", "set", "paths", JSON.stringify(["/onprem"])]);
      await pulumi(["config", "set", "certPem"], makeTestPki().caCertPem);
      await pulumi(["config", "set", "--secret", "cloud-migration-journey:konnectToken"], TOKEN);
    });
    after(async () => {
      await konnect?.close();
      sandbox?.dispose();
    });
    afterEach(() =>
      assert.deepEqual(konnect.violations, [], "every request and answer keeps to the published OpenAPI"),
    );

    it("up creates the control plane, then pins the certificate, then the service, then the route", async () => {
      await pulumi(["up", "--yes", "--skip-preview"]);
      const creates = konnect.requests
        .filter((r) => r.method === "POST")
        .map((r) => r.path.replace(/[0-9a-f-]{36}/g, "{id}"));
      assert.deepEqual(creates, [
        "/control-planes",
        "/control-planes/{id}/dp-client-certificates",
        "/control-planes/{id}/core-entities/services",
        "/control-planes/{id}/core-entities/routes",
      ]);
      const controlPlane = only(konnect.controlPlanes.values());
      assert.equal(controlPlane.name, "journey-real-engine");
      assert.equal(only(konnect.routes.values()).entity.paths[0], "/onprem");
      const stack = JSON.parse((await pulumi(["stack", "output", "--json"])).stdout);
      assert.equal(stack.controlPlaneId, controlPlane.id);
    });

    it("a changed description is one in-place update of the control plane, and the id stays", async () => {
      const before = only(konnect.controlPlanes.values()).id;
      await pulumi(["config", "set", "description", "crawl's control plane, renamed"]);
      const changes = (await previewSteps()).filter((s) => s.op !== "same");
      assert.deepEqual(
        changes.map((s) => [s.op, s.urn.split("::").pop()]),
        [["update", "control-plane"]],
      );
      await pulumi(["up", "--yes", "--skip-preview"]);
      const controlPlane = only(konnect.controlPlanes.values());
      assert.equal(controlPlane.id, before);
      assert.equal(controlPlane.description, "crawl's control plane, renamed");
    });

    it("refresh notices a route deleted behind Pulumi's back, and the next up puts it back", async () => {
      konnect.routes.clear();
      await pulumi(["refresh", "--yes", "--skip-preview"]);
      const state = JSON.parse((await pulumi(["stack", "export"])).stdout);
      assert.ok(
        !state.deployment.resources.some((r: { urn: string }) => r.urn.endsWith("::onprem-route-route")),
        "refresh drops the route from state",
      );
      await pulumi(["up", "--yes", "--skip-preview"]);
      assert.equal(only(konnect.routes.values()).entity.name, "onprem");
    });

    it("destroy deletes the route, the service, the certificate and the control plane, in that order", async () => {
      const from = konnect.requests.length;
      await pulumi(["destroy", "--yes", "--skip-preview"]);
      const deletes = konnect.requests
        .slice(from)
        .filter((r) => r.method === "DELETE")
        .map((r) => r.path.replace(/[0-9a-f-]{36}/g, "{id}"));
      assert.deepEqual(deletes, [
        "/control-planes/{id}/core-entities/routes/{id}",
        "/control-planes/{id}/core-entities/services/{id}",
        "/control-planes/{id}/dp-client-certificates/{id}",
        "/control-planes/{id}",
      ]);
      assert.equal(
        konnect.controlPlanes.size + konnect.certificates.size + konnect.services.size + konnect.routes.size,
        0,
      );
    });

    it("the token appears nowhere in plaintext: not in the state, not in anything the CLI printed", () => {
      assert.ok(!sandbox.stateText().includes(TOKEN), "state");
      for (const { stdout, stderr } of outputs) assert.ok(!`${stdout}${stderr}`.includes(TOKEN), "CLI output");
    });
  },
);
