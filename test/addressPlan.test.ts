import { strict as assert } from "assert";
import { HOST_ADDRESS_PLAN, HostRole, placeHost } from "../components/addressPlan";
import { planCloudSubnets, planOnPremSubnets } from "../components/network";

const ROLES = Object.keys(HOST_ADDRESS_PLAN) as HostRole[];
const onPrem = (cidrs: string[]) => ({ subnetIds: cidrs.map((_, i) => `subnet-${i + 1}`), subnetCidrs: cidrs });

describe("the host address plan (components/addressPlan.ts)", () => {
  it("places each role by name: the addresses deployed so far", () => {
    const site = onPrem(planOnPremSubnets("10.0.0.0/23"));
    assert.deepEqual(placeHost("gateway", site), { subnetId: "subnet-1", privateIp: "10.0.0.10" });
    assert.deepEqual(placeHost("monolith", site), { subnetId: "subnet-2", privateIp: "10.0.0.74" });
    assert.deepEqual(placeHost("zoneControlPlane", site), { subnetId: "subnet-1", privateIp: "10.0.0.20" });
    const cloud = onPrem(planCloudSubnets("10.1.0.0/16").publicCidrs);
    assert.deepEqual(placeHost("globalControlPlane", cloud), { subnetId: "subnet-1", privateIp: "10.1.0.10" });
  });

  it("no two roles of one network share an address, and the gateway and the monolith are in different zones", () => {
    for (const network of ["onPrem", "cloud"] as const) {
      const places = ROLES.filter((r) => HOST_ADDRESS_PLAN[r].network === network).map(
        (r) => `${HOST_ADDRESS_PLAN[r].subnet}/${HOST_ADDRESS_PLAN[r].offset}`,
      );
      assert.equal(new Set(places).size, places.length, `${network}: ${places.join(", ")}`);
    }
    assert.notEqual(HOST_ADDRESS_PLAN.gateway.subnet, HOST_ADDRESS_PLAN.monolith.subnet);
  });

  it("every address fits the smallest subnet the config accepts (/27) and avoids AWS's reserved addresses", () => {
    const site = onPrem(["10.0.0.0/27", "10.0.0.32/27"]);
    for (const role of ROLES) assert.doesNotThrow(() => placeHost(role, site), role);
  });

  it("says which subnet is missing rather than placing a host elsewhere", () => {
    assert.throws(
      () => placeHost("monolith", onPrem(["10.0.0.0/26"])),
      /host monolith goes in subnet 2, but its network has 1 subnet/,
    );
  });
});
