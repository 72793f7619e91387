import { strict as assert } from "assert";
import { unwrapSecrets } from "../offline/evaluator";
import { gateTargets, windowQueries } from "../automation/journey";
import { evaluateJourney, ofType } from "./support/journey";

describe("walk: data plane metrics for the metric gates", () => {
  it("applies a MeshMetric like the other mesh policies: the gateway's sidecar exports Prometheus metrics on 5670", async () => {
    const { walk } = await evaluateJourney("walk");
    const policies = ofType(walk.resources, "pulumi-nodejs:dynamic/kuma:Resource").map(
      (r) => unwrapSecrets(r.inputs.resource) as any,
    );
    const metrics = policies.filter((p) => p.type === "MeshMetric");
    assert.equal(metrics.length, 1);
    assert.deepEqual(metrics[0].spec, {
      targetRef: { kind: "MeshSubset", tags: { "kuma.io/service": "kong-gateway" } },
      default: {
        sidecar: { profiles: { appendProfiles: [{ name: "Basic" }] } },
        backends: [{ type: "Prometheus", prometheus: { port: 5670, path: "/metrics" } }],
      },
    });
  });

  it("the gates query the gateway's clusters by the service names walk exports", async () => {
    const { walk } = await evaluateJourney("walk");
    const targets = gateTargets(walk.outputs);
    assert.deepEqual(targets, { monolith: "monolith", microservice: "microservice_microservice_svc_8080" });
    assert.equal(
      windowQueries(targets.microservice, 5_000).requests,
      'sum(increase(envoy_cluster_upstream_rq_xx{envoy_cluster_name=~"microservice_microservice_svc_8080(-[0-9a-f]+)?"}[5s]))',
    );
  });
});
