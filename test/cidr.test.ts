import { strict as assert } from "assert";
import { cidrContains, cidrsOverlap, hostAddress, isAnywhere, parseCidr, subdivide } from "../lib/cidr";
import { planCloudSubnets, planOnPremSubnets } from "../components/network";
import { inboundRuleSpecs, outboundRuleSpecs } from "../components/host";

describe("network planning (pure)", () => {
  it("parses CIDR blocks and refuses host bits and bad prefixes", () => {
    assert.deepEqual(parseCidr("10.0.0.0/23"), { start: 0x0a000000, prefix: 23 });
    for (const bad of ["10.0.0.1/23", "10.0.0.0/33", "10.0.0/24", "256.0.0.0/8", "10.0.0.0", "10.0.0.0/2/3"])
      assert.equal(parseCidr(bad), undefined, bad);
  });

  it("containment and overlap", () => {
    assert.ok(cidrContains("10.0.0.0/23", "10.0.1.192/26"));
    assert.ok(!cidrContains("10.0.0.0/23", "10.0.2.0/26"));
    assert.ok(cidrsOverlap("10.0.0.0/26", "10.0.0.32/27"));
    assert.ok(!cidrsOverlap("10.0.0.0/26", "10.0.0.64/26"));
    assert.ok(isAnywhere("0.0.0.0/0") && isAnywhere("::/0") && !isAnywhere("10.0.0.0/8"));
  });

  it("cuts subnets and plans host addresses outside AWS's reserved ones", () => {
    assert.deepEqual(subdivide("10.0.0.0/23", 26, 2), ["10.0.0.0/26", "10.0.0.64/26"]);
    assert.deepEqual(subdivide("10.1.0.0/16", 20, 2, 1), ["10.1.16.0/20", "10.1.32.0/20"]);
    assert.throws(() => subdivide("10.0.0.0/26", 24, 1), /must lie between \/26 and \/28/);
    assert.throws(() => subdivide("10.0.0.0/24", 26, 5), /holds only 4 \/26 subnets; 5 were asked for/);
    assert.equal(hostAddress("10.0.0.64/26", 10), "10.0.0.74");
    assert.throws(() => hostAddress("10.0.0.0/26", 2), /AWS reserves the rest/);
    assert.throws(() => hostAddress("10.0.0.0/26", 63), /AWS reserves the rest/);
  });

  it("default layouts: on-prem like the tutorial, cloud with public /24 and private /20 in two AZs", () => {
    assert.deepEqual(planOnPremSubnets("10.0.0.0/23"), ["10.0.0.0/26", "10.0.0.64/26"]);
    assert.deepEqual(planCloudSubnets("10.1.0.0/16"), {
      publicCidrs: ["10.1.0.0/24", "10.1.1.0/24"],
      privateCidrs: ["10.1.16.0/20", "10.1.32.0/20"],
    });
    const { publicCidrs, privateCidrs } = planCloudSubnets("10.1.0.0/16");
    for (const a of [...publicCidrs, ...privateCidrs])
      for (const b of [...publicCidrs, ...privateCidrs]) if (a !== b) assert.ok(!cidrsOverlap(a, b), `${a} ~ ${b}`);
  });

  it("security-group rules: one resource per source, names stable when sources are added", () => {
    const specs = inboundRuleSpecs([
      { description: "ssh", fromPort: 22, cidrs: ["203.0.113.0/24", "198.51.100.0/24"] },
      { description: "app", fromPort: 8080, sourceSecurityGroupId: "sg-1" },
      { description: "range", fromPort: 8000, toPort: 8443, cidrs: ["0.0.0.0/0"] },
    ]);
    assert.deepEqual(
      specs.map((s) => s.key),
      ["22-1", "22-2", "8080-sg", "8000-8443-1"],
    );
    assert.equal(specs[2].args.referencedSecurityGroupId, "sg-1");
    assert.deepEqual(
      outboundRuleSpecs("10.0.0.0/23", [{ description: "peer", cidr: "10.1.0.0/16" }]).map((s) => s.key),
      ["vpc", "https", "http", "extra-1"],
    );
  });
});
