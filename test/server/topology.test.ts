import { strict as assert } from "assert";
import { topologyOf } from "../../server";
import { repoPlan } from "./support";

describe("portal server: topology from the plan", function () {
  this.timeout(30_000);

  it("the on-prem and cloud zones, both control planes, the links and the traffic split", async () => {
    const topology = topologyOf(await repoPlan());
    assert.deepEqual(
      topology.zones.map((z) => [z.id, z.name, z.nodes.map((n) => n.id)]),
      [
        ["on-prem", "on-prem", ["monolith", "gateway", "onprem-zone-cp"]],
        ["cloud", "cloud", ["cloud-zone-cp", "microservice"]],
      ],
    );
    const [onPrem, cloud] = topology.zones;
    assert.equal(onPrem.detail, "simulated data center · 10.0.0.0/23");
    assert.equal(cloud.detail, "10.1.0.0/16");
    assert.match(
      onPrem.nodes[0].detail!,
      /^10\.0\.0\.74:8080 · registry\.invalid\/mirror-of\/djfreese\/monolith:offline$/,
    );
    assert.equal(cloud.nodes[1].label, "microservice");
    assert.deepEqual(
      topology.controlPlanes.map((n) => [n.id, n.phase]),
      [
        ["konnect-cp", "crawl"],
        ["global-cp", "walk"],
      ],
    );
    assert.match(topology.controlPlanes[0].detail!, /kmj-migration · region us/);
    assert.deepEqual(
      topology.links.map((l) => `${l.from}->${l.to} ${l.kind} ${l.label}`),
      [
        "gateway->monolith traffic /onprem",
        "konnect-cp->gateway control config",
        "gateway->microservice traffic /mesh through the mesh",
        "global-cp->onprem-zone-cp kds KDS",
        "global-cp->cloud-zone-cp kds KDS",
      ],
    );
    assert.deepEqual(topology.splits, [
      {
        migration: "disputes",
        pathPrefix: "/monolith/resources/card/dispute",
        weight: 0,
        source: "planned",
        from: "monolith",
        to: "microservice",
      },
    ]);
    assert.deepEqual(
      topologyOf(await repoPlan(), { disputes: 40 }).splits.map((s) => [s.weight, s.source]),
      [[40, "deployed"]],
    );
  });

  it("only what the plan declares: a plan of crawl alone has no cloud zone and no mesh", async () => {
    const plan = await repoPlan();
    const topology = topologyOf({ ...plan, phases: plan.phases.filter((p) => p.phase === "crawl") });
    assert.deepEqual(
      topology.zones.map((z) => [z.id, z.nodes.map((n) => n.id)]),
      [["on-prem", ["monolith", "gateway"]]],
    );
    assert.deepEqual(
      topology.controlPlanes.map((n) => n.id),
      ["konnect-cp"],
    );
    assert.deepEqual(topology.splits, []);
  });
});
