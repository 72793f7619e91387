import { strict as assert } from "assert";
import { PhaseEvaluation, RecordedResource, unwrapSecrets } from "../offline/evaluator";
import { phaseArtifacts } from "../automation/planReport";
import { diffKumaResource, KumaResourceState } from "../providers/kuma/resources";
import { KumaType, toKubernetes } from "../render/kuma";
import { crdFor } from "./kuma/crds";
import { deliver } from "./kuma/meshSemantics";
import { evaluateJourney, isSecret, ofType } from "./support/journey";
import { validateKumaItem } from "./support/kumaServer";
import { describeWithUpstream } from "./support/upstream";

const DISPUTES = {
  name: "disputes",
  pathPrefix: "/monolith/resources/card/dispute",
  rewritePrefix: "/disputes",
  to: "microservice",
};

async function runPhase(migrations: Array<Record<string, unknown>>): Promise<PhaseEvaluation> {
  return (await evaluateJourney("run", { config: { run: { migrations } } })).run;
}

const policies = (run: PhaseEvaluation) =>
  ofType(run.resources, "pulumi-nodejs:dynamic/kuma:Resource").map((r) => unwrapSecrets(r.inputs.resource) as any);
const route = (run: PhaseEvaluation, name: string) =>
  policies(run).find((p) => p.type === "MeshHTTPRoute" && p.name === name);

/** What changes between two evaluations of the same stack: by URN, added, removed and changed inputs. */
function blastRadius(before: PhaseEvaluation, after: PhaseEvaluation) {
  const index = (e: PhaseEvaluation) => new Map(e.resources.map((r) => [r.urn, r] as const));
  const [a, b] = [index(before), index(after)];
  const comparable = (r: RecordedResource) => JSON.stringify(unwrapSecrets(r.inputs));
  return {
    added: [...b.keys()].filter((urn) => !a.has(urn)),
    removed: [...a.keys()].filter((urn) => !b.has(urn)),
    changed: [...b.keys()].filter((urn) => a.has(urn) && comparable(a.get(urn)!) !== comparable(b.get(urn)!)),
  };
}

describe("run phase: the cutover", () => {
  let atZero: PhaseEvaluation;
  before(async () => {
    atZero = await runPhase([{ ...DISPUTES, weight: 0 }]);
  });

  it("owns only mesh policies: the catch-all route, the migration's route, timeout and retry, the circuit breaker", () => {
    const declared = atZero.resources.filter((r) => r.custom).map((r) => r.type);
    assert.ok(
      declared.every((t) => t === "pulumi-nodejs:dynamic/kuma:Resource"),
      declared.join(", "),
    );
    assert.deepEqual(
      policies(atZero)
        .map((p) => `${p.type}/${p.name}`)
        .sort(),
      [
        "MeshCircuitBreaker/microservice-outlier-detection",
        "MeshHTTPRoute/disputes",
        "MeshHTTPRoute/gateway-to-monolith",
        "MeshRetry/disputes-retry",
        "MeshTimeout/disputes-timeout",
      ],
    );
  });

  it("applies every policy to the global CP with walk's secret connection", () => {
    for (const r of ofType(atZero.resources, "pulumi-nodejs:dynamic/kuma:Resource")) {
      assert.ok(isSecret(r.inputs.connection), r.name);
      assert.ok(r.secretOutputs.includes("connection"));
    }
  });

  for (const weight of [0, 10, 50, 100]) {
    it(`weight ${weight}: /card/dispute goes ${weight}% to the microservice (rewritten to /disputes), every other path to the monolith`, async () => {
      const run = weight === 0 ? atZero : await runPhase([{ ...DISPUTES, weight }]);
      const routes = [route(run, "disputes"), route(run, "gateway-to-monolith")];
      const disputes = deliver(routes, "kong-gateway", "monolith", {
        path: "/monolith/resources/card/dispute",
        headers: {},
      });
      const share = (service: string) =>
        disputes.filter((d) => d.service.startsWith(service)).reduce((sum, d) => sum + d.share, 0);
      if (weight === 0 || weight === 100) {
        assert.equal(Math.round(share("microservice") * 100), weight);
      } else {
        // Partial weights split on Kong's random request id; each id lands on one side.
        assert.ok(disputes.length >= 1);
      }
      for (const d of disputes)
        assert.equal(d.path, d.service.startsWith("microservice") ? "/disputes" : "/monolith/resources/card/dispute");
      for (const other of [
        "/monolith/resources/card/1",
        "/monolith/resources/card/balance/1/charges",
        "/monolith/resources/card/payment",
      ]) {
        assert.deepEqual(
          deliver(routes, "kong-gateway", "monolith", { path: other, headers: {} }).map((d) => [d.service, d.path]),
          [["monolith", other]],
        );
      }
    });
  }

  it("smoke checks follow the weight: the monolith's text at 0, the microservice's JSON list at 100, the rest unchanged", async () => {
    const checksAt = async (weight: number) =>
      ((await runPhase([{ ...DISPUTES, weight }])).outputs as any).smokeChecks as any[];
    const disputesCheck = (checks: any[]) => checks.find((c) => c.url.endsWith("/mesh/card/dispute"));
    assert.equal(disputesCheck(await checksAt(0)).expectBodyContains, "Please Dial in to see disputes on file");
    assert.equal(disputesCheck(await checksAt(100)).expectJson, "array");
    const others = (await checksAt(100))
      .filter((c) => !c.url.endsWith("/card/dispute"))
      .map((c) => c.url.replace(/^.*:8000/, ""));
    assert.deepEqual(others, [
      "/mesh/card/1",
      "/mesh/card/balance/1",
      "/mesh/card/balance/1/charges",
      "/mesh/card/payment",
    ]);
  });

  describe("blast radius", () => {
    it("changing a weight is exactly one resource updated in place: nothing added, removed or replaced", async () => {
      const at50 = await runPhase([{ ...DISPUTES, weight: 50 }]);
      const { added, removed, changed } = blastRadius(atZero, at50);
      assert.deepEqual(added, []);
      assert.deepEqual(removed, []);
      assert.deepEqual(
        changed.map((urn) => urn.split("::").pop()),
        ["kmj-cutover-disputes-route"],
      );
      const [before, after] = [atZero, at50].map(
        (e) => unwrapSecrets(e.resources.find((r) => r.urn === changed[0])!.inputs) as KumaResourceState,
      );
      assert.deepEqual(
        diffKumaResource(before, after),
        { changes: true, replaces: [], deleteBeforeReplace: false },
        "updated in place, not replaced",
      );
    });

    it("removing a migration deletes only that migration's route (and its own timeout and retry)", async () => {
      const two = await runPhase([
        { ...DISPUTES, weight: 25 },
        {
          ...DISPUTES,
          name: "payments",
          pathPrefix: "/monolith/resources/card/payment",
          rewritePrefix: "/payments",
          weight: 0,
        },
      ]);
      const one = await runPhase([{ ...DISPUTES, weight: 25 }]);
      const { added, removed, changed } = blastRadius(two, one);
      assert.deepEqual(added, []);
      assert.deepEqual(changed, []);
      assert.deepEqual(removed.map((urn) => urn.split("::").pop()).sort(), [
        "kmj-cutover-payments",
        "kmj-cutover-payments-retry",
        "kmj-cutover-payments-route",
        "kmj-cutover-payments-timeout",
      ]);
    });

    it("rollback is the same one-field change in reverse", async () => {
      const at100 = await runPhase([{ ...DISPUTES, weight: 100 }]);
      assert.deepEqual(
        blastRadius(at100, atZero).changed.map((urn) => urn.split("::").pop()),
        ["kmj-cutover-disputes-route"],
      );
    });
  });

  describeWithUpstream("policies against the published schemas", () => {
    it("every policy at every weight validates against its REST <Type>Item schema and CRD", async () => {
      for (const weight of [0, 10, 50, 100]) {
        const run = weight === 0 ? atZero : await runPhase([{ ...DISPUTES, weight }]);
        for (const policy of policies(run)) {
          assert.deepEqual(
            validateKumaItem(policy.type, policy),
            [],
            `${policy.type} ${policy.name} at ${weight} (REST)`,
          );
          assert.deepEqual(
            crdFor(policy.type as KumaType).validateStrict(toKubernetes(policy)),
            [],
            `${policy.type} ${policy.name} at ${weight} (CRD)`,
          );
        }
      }
    });

    it("--out writes each route and resilience policy as run/kuma/<Type>-<name>.yaml", () => {
      assert.deepEqual(
        phaseArtifacts(atZero.resources)
          .map((a) => a.path)
          .sort(),
        [
          "kuma/MeshCircuitBreaker-microservice-outlier-detection.yaml",
          "kuma/MeshHTTPRoute-disputes.yaml",
          "kuma/MeshHTTPRoute-gateway-to-monolith.yaml",
          "kuma/MeshRetry-disputes-retry.yaml",
          "kuma/MeshTimeout-disputes-timeout.yaml",
        ],
      );
    });
  });

  it("a migration to a service walk does not deploy is refused with the allowed target", async () => {
    await assert.rejects(
      runPhase([{ ...DISPUTES, to: "billing", weight: 10 }]),
      /migrations: "disputes" moves to "billing", which walk does not deploy; allowed: "microservice"/,
    );
  });
});
