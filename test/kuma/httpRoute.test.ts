import { strict as assert } from "assert";
import {
  GATEWAY_SERVICE,
  KONG_REQUEST_ID_HEADER,
  MICROSERVICE,
  MONOLITH_SERVICE,
  MeshHTTPRoute,
  kubernetesServiceTag,
  meshHttpRoute,
  monolithCatchAllRoute,
  requestIdBucketPattern,
} from "../../render/kuma";
import { disputes } from "./fixtures";
import { deliver, deliverOverRequestIds } from "./meshSemantics";

const MICROSERVICE_TAG = kubernetesServiceTag(MICROSERVICE);
const DISPUTE = "/monolith/resources/card/dispute";

/** The run phase's route set: the catch-all plus the disputes cutover at `weight`. */
function routesAt(weight: number, migration = disputes(weight)): MeshHTTPRoute[] {
  return [monolithCatchAllRoute(), meshHttpRoute(migration)];
}

function split(routes: MeshHTTPRoute[], path: string) {
  return deliverOverRequestIds(routes, GATEWAY_SERVICE, MONOLITH_SERVICE, path, KONG_REQUEST_ID_HEADER);
}

describe("meshHttpRoute: the cutover of one path", () => {
  for (const weight of [0, 10, 50, 100]) {
    describe(`at weight ${weight}`, () => {
      const routes = routesAt(weight);

      it(`sends ${weight}% of ${DISPUTE} to the microservice, rewritten to /disputes, and the rest to the monolith unchanged`, () => {
        const deliveries = split(routes, DISPUTE);
        const toMicroservice = deliveries.get(MICROSERVICE_TAG);
        const toMonolith = deliveries.get(MONOLITH_SERVICE);
        assert.ok(
          Math.abs((toMicroservice?.share ?? 0) - weight / 100) <= 1 / 8192,
          `microservice share ${toMicroservice?.share}`,
        );
        assert.ok(
          Math.abs((toMonolith?.share ?? 0) - (100 - weight) / 100) <= 1 / 8192,
          `monolith share ${toMonolith?.share}`,
        );
        if (toMicroservice) assert.deepEqual([...toMicroservice.paths], ["/disputes"]);
        if (toMonolith) assert.deepEqual([...toMonolith.paths], [DISPUTE]);
      });

      it("rewrites below the prefix too, segment-wise", () => {
        const deliveries = split(routes, `${DISPUTE}/7`);
        if (weight > 0) assert.deepEqual([...deliveries.get(MICROSERVICE_TAG)!.paths], ["/disputes/7"]);
        if (weight < 100) assert.deepEqual([...deliveries.get(MONOLITH_SERVICE)!.paths], [`${DISPUTE}/7`]);
      });

      it("leaves every other path on the monolith, unchanged", () => {
        for (const path of [
          "/monolith/resources/card/1",
          "/monolith/resources/card/balance/1/charges",
          `${DISPUTE}s`,
          "/monolith/resources/card",
          "/",
        ]) {
          const deliveries = split(routes, path);
          assert.deepEqual([...deliveries.keys()], [MONOLITH_SERVICE], path);
          assert.deepEqual([...deliveries.get(MONOLITH_SERVICE)!.paths], [path]);
        }
      });

      it("puts the rewrite only on rules whose only backend is the microservice", () => {
        for (const rule of meshHttpRoute(disputes(weight)).spec.to[0].rules) {
          const backends = rule.default.backendRefs.map((b) => b.name);
          if (rule.default.filters?.length) assert.deepEqual(backends, [MICROSERVICE_TAG]);
          for (const filter of rule.default.filters ?? []) {
            assert.deepEqual(filter, {
              type: "URLRewrite",
              urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/disputes" } },
            });
          }
        }
      });
    });
  }

  it("at weight 0 and 100 is one plain prefix rule; in between it also matches the request id", () => {
    const rules = (weight: number) => meshHttpRoute(disputes(weight)).spec.to[0].rules;
    assert.deepEqual(rules(0), [
      {
        matches: [{ path: { type: "PathPrefix", value: DISPUTE } }],
        default: { backendRefs: [{ kind: "MeshService", name: "monolith", weight: 1 }] },
      },
    ]);
    assert.deepEqual(rules(100), [
      {
        matches: [{ path: { type: "PathPrefix", value: DISPUTE } }],
        default: {
          filters: [
            {
              type: "URLRewrite",
              urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/disputes" } },
            },
          ],
          backendRefs: [{ kind: "MeshService", name: MICROSERVICE_TAG, weight: 1 }],
        },
      },
    ]);
    const [slice, rest] = rules(50);
    assert.deepEqual(slice.matches, [
      {
        path: { type: "PathPrefix", value: DISPUTE },
        headers: [{ name: KONG_REQUEST_ID_HEADER, type: "RegularExpression", value: "^(?:[0-7][0-9a-f]{2}).*$" }],
      },
    ]);
    assert.deepEqual(rest.matches, [{ path: { type: "PathPrefix", value: DISPUTE } }]);
  });

  it("targets the gateway's proxies and its outbound to the monolith", () => {
    const route = meshHttpRoute(disputes(10));
    assert.deepEqual(route.spec.targetRef, { kind: "MeshSubset", tags: { "kuma.io/service": GATEWAY_SERVICE } });
    assert.deepEqual(
      route.spec.to.map((t) => t.targetRef),
      [{ kind: "MeshService", name: MONOLITH_SERVICE }],
    );
    assert.deepEqual(deliver(routesAt(100), "some-other-service", MONOLITH_SERVICE, { path: DISPUTE }), [
      { service: MONOLITH_SERVICE, path: DISPUTE, share: 1 },
    ]);
  });

  it("sends a request without the request id header to the monolith", () => {
    assert.deepEqual(deliver(routesAt(50), GATEWAY_SERVICE, MONOLITH_SERVICE, { path: DISPUTE }), [
      { service: MONOLITH_SERVICE, path: DISPUTE, share: 1 },
    ]);
  });

  it("uses Kuma's weighted backendRefs when nothing is rewritten", () => {
    const migration = disputes(30, { rewritePrefix: DISPUTE });
    assert.deepEqual(meshHttpRoute(migration).spec.to[0].rules, [
      {
        matches: [{ path: { type: "PathPrefix", value: DISPUTE } }],
        default: {
          backendRefs: [
            { kind: "MeshService", name: "monolith", weight: 70 },
            { kind: "MeshService", name: MICROSERVICE_TAG, weight: 30 },
          ],
        },
      },
    ]);
    const deliveries = deliver(routesAt(30, migration), GATEWAY_SERVICE, MONOLITH_SERVICE, { path: DISPUTE });
    assert.deepEqual(deliveries, [
      { service: MONOLITH_SERVICE, path: DISPUTE, share: 0.7 },
      { service: MICROSERVICE_TAG, path: DISPUTE, share: 0.3 },
    ]);
  });

  it("takes another split header when asked", () => {
    const [slice] = meshHttpRoute(disputes(25, { splitHeader: "x-request-id" })).spec.to[0].rules;
    assert.equal(slice.matches[0].headers?.[0].name, "x-request-id");
  });
});

describe("requestIdBucketPattern", () => {
  const hex = (n: number) => n.toString(16).padStart(3, "0");

  for (const weight of [1, 10, 25, 33, 50, 75, 99]) {
    it(`matches the first round(${weight}% of 4096) three-hex-digit prefixes and nothing else`, () => {
      const pattern = new RegExp(requestIdBucketPattern(weight));
      const limit = Math.round((weight / 100) * 4096);
      for (let n = 0; n < 4096; n++)
        assert.equal(pattern.test(`${hex(n)}9f8e7d6c5b4a39281706f5e4d3c2b1a`), n < limit, hex(n));
    });
  }

  it("is exact for multiples of 25 and otherwise within 1/8192", () => {
    for (let weight = 1; weight <= 99; weight++) {
      const limit = Math.round((weight / 100) * 4096);
      assert.ok(Math.abs(limit / 4096 - weight / 100) <= 1 / 8192, String(weight));
      if (weight % 25 === 0) assert.equal(limit / 4096, weight / 100);
    }
  });

  it("keeps to RE2 syntax (no look-around, no back-references)", () => {
    for (let weight = 1; weight <= 99; weight++) assert.doesNotMatch(requestIdBucketPattern(weight), /\(\?[=!<]|\\\d/);
  });
});
