import { strict as assert } from "assert";
import fc from "fast-check";
import { blockSize, cidrContains, cidrsOverlap, formatIpv4, hostAddress, parseCidr, subdivide } from "../lib/cidr";

/** A valid IPv4 block: an aligned start and a prefix from /8 to /28. */
const block = fc
  .record({ prefix: fc.integer({ min: 8, max: 28 }), address: fc.integer({ min: 0, max: 2 ** 32 - 1 }) })
  .map(({ prefix, address }) => {
    const size = blockSize(prefix);
    return `${formatIpv4(Math.floor(address / size) * size)}/${prefix}`;
  });

describe("CIDR arithmetic, properties over generated blocks", () => {
  it("subdivide: every subnet lies inside the parent, none overlap, each has the size asked for", () => {
    fc.assert(
      fc.property(
        block,
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 16 }),
        fc.nat({ max: 8 }),
        (parent, extra, count, skip) => {
          const parentPrefix = parseCidr(parent)!.prefix;
          const prefix = Math.min(28, parentPrefix + extra);
          const available = blockSize(parentPrefix) / blockSize(prefix);
          if (skip + count > available) {
            assert.throws(() => subdivide(parent, prefix, count, skip), /holds only/);
            return;
          }
          const subnets = subdivide(parent, prefix, count, skip);
          assert.equal(subnets.length, count);
          subnets.forEach((subnet, i) => {
            assert.equal(parseCidr(subnet)!.prefix, prefix);
            assert.ok(cidrContains(parent, subnet), `${subnet} inside ${parent}`);
            subnets
              .slice(i + 1)
              .forEach((other) => assert.ok(!cidrsOverlap(subnet, other), `${subnet} and ${other} overlap`));
          });
        },
      ),
    );
  });

  it("hostAddress: every usable offset is inside the subnet and off AWS's reserved addresses", () => {
    fc.assert(
      fc.property(block, fc.nat(), (subnet, seed) => {
        const size = blockSize(parseCidr(subnet)!.prefix);
        const offset = 4 + (seed % (size - 5));
        const address = hostAddress(subnet, offset);
        assert.ok(cidrContains(subnet, `${address}/32`));
        assert.throws(() => hostAddress(subnet, 3));
        assert.throws(() => hostAddress(subnet, size - 1));
      }),
    );
  });

  it("overlap is symmetric, and containment implies overlap", () => {
    fc.assert(
      fc.property(block, block, (a, b) => {
        assert.equal(cidrsOverlap(a, b), cidrsOverlap(b, a));
        if (cidrContains(a, b)) assert.ok(cidrsOverlap(a, b));
      }),
    );
  });
});
