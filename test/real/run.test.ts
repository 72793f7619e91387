import { strict as assert } from "assert";
import * as path from "path";
import { KumaClient } from "../../providers/kuma/client";
import type { UniversalResource } from "../../render/kuma";
import { makeTestPki } from "../kuma/tls";
import { startKumaServer, KumaServer } from "../support/kumaServer";
import { evaluateJourney, ofType, unwrapSecret } from "../support/journey";
import { MeshStandIn } from "./support/meshStandIn";
import { REPO } from "./support/peers";
import { CliResult, PulumiSandbox, run } from "./support/sandbox";
import { crawlStandIn, deployStandIn, walkStandIn } from "./support/standInStacks";
import { describeWithUpstream } from "../support/upstream";

const KUMA_TOKEN = "kuma-admin-CANARYtoken0123456789";
const SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nCANARYrealrunkey\n-----END OPENSSH PRIVATE KEY-----";
const SERVED_ONLY = ["labels", "creationTime", "modificationTime", "kri"];
const MICROSERVICE = "microservice_microservice_svc_8080";
/** Warnings the control plane may return that do not fail the test, each with why. */
const EXPECTED_WARNINGS: Record<string, string> = {
  "Kuma control plane: targetRef kind MeshService is deprecated (injected)":
    "injected by the test to prove warnings reach journey's output",
};

interface JourneyRun extends CliResult {
  events: Array<Record<string, any>>;
}

/** Where `secret` appears in `text`, shown with the secret masked; undefined when it does not. */
function leakIn(text: string, secret: string): string | undefined {
  const at = text.indexOf(secret);
  return at < 0
    ? undefined
    : text
        .slice(Math.max(0, at - 300), at + secret.length + 100)
        .split(secret)
        .join("<SECRET>");
}

/** The Kuma resources the offline plan renders for run at `weight`: what the CP must hold. */
async function renderedAt(weight: number): Promise<Record<string, unknown>> {
  const migrations = [
    {
      name: "disputes",
      pathPrefix: "/monolith/resources/card/dispute",
      rewritePrefix: "/disputes",
      to: "microservice",
      weight,
    },
  ];
  const { run } = await evaluateJourney("run", { config: { run: { migrations } } });
  const resources = ofType(run.resources, "pulumi-nodejs:dynamic/kuma:Resource").map(
    (r) => unwrapSecret(r.inputs.resource) as UniversalResource,
  );
  return Object.fromEntries(resources.map((r) => [`${r.type}/${r.name}`, r]));
}

describeWithUpstream(
  "the run phase on the real Pulumi engine, driven by journey (kuma-cp stands in as the OpenAPI-checked fake)",
  function () {
    this.timeout(900_000);
    let sandbox: PulumiSandbox;
    let kuma: KumaServer;
    let mesh: MeshStandIn;
    let project: string;
    const printed: string[] = [];
    const warnings: string[] = [];

    const journey = async (...args: string[]): Promise<JourneyRun> => {
      const result = await run(
        process.execPath,
        [path.join(REPO, "bin/journey.js"), ...args, "--json"],
        REPO,
        sandbox.processEnv({ JOURNEY_PROJECT_DIR: project, CI: "true" }),
      );
      printed.push(result.stdout, result.stderr);
      const events = result.stdout
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line));
      warnings.push(
        ...events.filter((e) => e.type === "diagnostic" && e.severity === "warning").map((e) => e.message as string),
      );
      return { ...result, events };
    };
    const held = (): Record<string, unknown> =>
      Object.fromEntries(
        kuma
          .paths()
          .filter((p) => p.startsWith("/meshes/default/"))
          .map((p) => {
            const served = kuma.stored(p)!;
            return [
              `${served.type}/${served.name}`,
              Object.fromEntries(Object.entries(served).filter(([k]) => !SERVED_ONLY.includes(k))),
            ];
          }),
      );
    const share = async (requests: number): Promise<number> => {
      const from = mesh.received.length;
      for (let i = 0; i < requests; i++) await fetch(`${mesh.url}/mesh/card/dispute`);
      return mesh.received.slice(from).filter((r) => r.service === MICROSERVICE).length / requests;
    };

    before(async () => {
      const pki = makeTestPki();
      kuma = await startKumaServer({ tls: pki.server, adminToken: KUMA_TOKEN });
      const kumaApi = { url: kuma.url, caCertPem: pki.caCertPem, token: KUMA_TOKEN };
      await new KumaClient(kumaApi).put({ type: "Mesh", name: "default" } as UniversalResource);
      mesh = await MeshStandIn.start(kuma, MICROSERVICE);
      sandbox = new PulumiSandbox();
      await deployStandIn(sandbox, "crawl", crawlStandIn(mesh.url, SSH_KEY));
      await deployStandIn(sandbox, "walk", walkStandIn(mesh.url, kumaApi, SSH_KEY));
      project = sandbox.stage("project", REPO, ["phases", "components", "config", "providers", "render"]);
    });
    after(async () => {
      if (process.env.DEBUG_PRINTED) require("fs").writeFileSync(process.env.DEBUG_PRINTED, printed.join("\n"));
      await mesh?.close();
      await kuma?.close();
      sandbox?.dispose();
    });
    afterEach(() => {
      assert.deepEqual(kuma.violations, [], "every request keeps to Kuma's published REST contract");
      assert.deepEqual(
        warnings.splice(0).filter((w) => !(w in EXPECTED_WARNINGS)),
        [],
        "a warning the control plane returned that nobody expected",
      );
    });

    it("journey up run: the control plane holds exactly the policies the offline plan renders at weight 0", async () => {
      const up = await journey("up", "run");
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.deepEqual(held(), await renderedAt(0));
      assert.equal(await share(200), 0);
    });

    for (const [steps, weight] of [
      ["10", 10],
      ["50", 50],
      ["100", 100],
    ] as const) {
      it(`journey shift to ${weight}%: a preview of exactly one update, then the control plane holds what the plan renders at ${weight}`, async () => {
        const shift = await journey("shift", "disputes", "--steps", steps, "--bake", "1s");
        assert.equal(shift.code, 0, shift.stdout + shift.stderr);
        const previews = shift.events.filter((e) => e.type === "phase-finished" && e.action === "preview");
        assert.equal(previews.length, 1);
        assert.deepEqual(
          Object.entries(previews[0].changes).filter(([op, n]) => op !== "same" && (n as number) > 0),
          [["update", 1]],
        );
        assert.deepEqual(held(), await renderedAt(weight));
        const measured = await share(weight === 100 ? 50 : 2000);
        assert.ok(
          Math.abs(measured * 100 - weight) <= 3,
          `at ${weight}% the stand-in data plane sent ${(measured * 100).toFixed(1)}% to the microservice`,
        );
      });
    }

    it("journey rollback sets the last shift back: 100% back to 50%, and the control plane's warnings reach its output", async () => {
      kuma.putWarnings = ["targetRef kind MeshService is deprecated (injected)"];
      const rollback = await journey("rollback").finally(() => (kuma.putWarnings = []));
      assert.equal(rollback.code, 0, rollback.stdout + rollback.stderr);
      assert.ok(
        warnings.includes(Object.keys(EXPECTED_WARNINGS)[0]),
        "the CP's warning is a warning diagnostic of the update",
      );
      assert.deepEqual(held(), await renderedAt(50));
    });

    it("a failing smoke check during a shift sets the last good weight back in real state (exit 3)", async () => {
      mesh.microserviceStatus = 503;
      try {
        const shift = await journey("shift", "disputes", "--steps", "100", "--bake", "1s", "--checks-timeout", "2s");
        assert.equal(shift.code, 3, shift.stdout + shift.stderr);
      } finally {
        mesh.microserviceStatus = undefined;
      }
      assert.deepEqual(held(), await renderedAt(50));
      const status = await journey("status", "--no-checks");
      assert.match(status.stdout, /"disputes":50|disputes[^\n]*50/);
    });

    it("pulumi refresh notices a policy deleted behind its back, and the next up restores it", async () => {
      const retry = "/meshes/default/meshretries/disputes-retry";
      assert.ok(kuma.stored(retry), "the retry policy is there to delete");
      kuma.forget(retry);
      const refresh = await sandbox.cli(["refresh", "--yes", "--skip-preview", "--stack", "run"], project);
      assert.equal(refresh.code, 0, refresh.stdout + refresh.stderr);
      const preview = JSON.parse((await sandbox.cli(["preview", "--json", "--stack", "run"], project)).stdout);
      assert.deepEqual(
        preview.steps
          .filter((s: { op: string }) => s.op !== "same" && s.op !== "read")
          .map((s: { op: string; urn: string }) => [s.op, s.urn.split("::").pop()]),
        [["create", "kmj-cutover-disputes-retry"]],
      );
      const up = await journey("up", "run");
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.ok(kuma.stored(retry), "restored");
    });

    it("journey destroy removes run's policies and keeps the Mesh walk owns", async () => {
      const destroy = await journey("destroy", "--yes");
      assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);
      assert.deepEqual(kuma.paths(), ["/meshes/default"]);
    });

    it("no secret appears in plaintext in the state or in anything journey printed", () => {
      for (const [where, text] of [
        ["the state", sandbox.stateText()],
        ["journey's output", printed.join("\n")],
      ]) {
        for (const secret of [KUMA_TOKEN, "CANARYrealrunkey"])
          assert.equal(leakIn(text, secret), undefined, `${where} holds a secret`);
      }
    });
  },
);
