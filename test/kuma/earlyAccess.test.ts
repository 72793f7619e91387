import { strict as assert } from "assert";
import { ConfigError, validateConfig } from "../../config/load";
import { PROJECT } from "../../config/schema";
import { PhaseEvaluation, unwrapSecrets } from "../../offline/evaluator";
import { diffKumaResource, KumaResourceState } from "../../providers/kuma/resources";
import {
  GATEWAY_SERVICE,
  KONG_REQUEST_ID_HEADER,
  MeshHTTPRoute,
  MICROSERVICE,
  MONOLITH_SERVICE,
  kubernetesServiceTag,
  meshHttpRoute,
  monolithCatchAllRoute,
  toKubernetes,
} from "../../render/kuma";
import { CANARY, evaluateJourney, ofType } from "../support/journey";
import { describeWithUpstream } from "../support/upstream";
import { validateKumaItem } from "../support/kumaServer";
import { crdFor } from "./crds";
import { disputes } from "./fixtures";
import { deliver, deliverOverRequestIds } from "./meshSemantics";

const MICROSERVICE_TAG = kubernetesServiceTag(MICROSERVICE);
const DISPUTE = "/monolith/resources/card/dispute";
const EARLY = { header: "x-journey-early-access", values: ["qa", "beta-testers"] };

function routesAt(weight: number, overrides: Parameters<typeof disputes>[1] = {}): MeshHTTPRoute[] {
  return [monolithCatchAllRoute(), meshHttpRoute(disputes(weight, { earlyAccess: EARLY, ...overrides }))];
}

/** Share of requests to the microservice over every request id, carrying `headers` too. */
function microserviceShare(
  routes: MeshHTTPRoute[],
  headers: Record<string, string>,
): { share: number; paths: Set<string> } {
  let share = 0;
  const paths = new Set<string>();
  const withId = deliverOverRequestIds(routes, GATEWAY_SERVICE, MONOLITH_SERVICE, DISPUTE, KONG_REQUEST_ID_HEADER);
  if (Object.keys(headers).length === 0) return withId.get(MICROSERVICE_TAG) ?? { share: 0, paths };
  for (let bucket = 0; bucket < 4096; bucket += 7) {
    const id = bucket.toString(16).padStart(3, "0") + "0123456789abcdef0123456789abcde";
    for (const d of deliver(routes, GATEWAY_SERVICE, MONOLITH_SERVICE, {
      path: DISPUTE,
      headers: { ...headers, [KONG_REQUEST_ID_HEADER]: id },
    })) {
      if (d.service !== MICROSERVICE_TAG) continue;
      share += d.share;
      paths.add(d.path);
    }
  }
  return { share: share / Math.ceil(4096 / 7), paths };
}

describe("early access by header", () => {
  for (const [weight, rewritePrefix] of [
    [0, "/disputes"],
    [10, "/disputes"],
    [50, "/disputes"],
    [30, DISPUTE],
    [100, "/disputes"],
  ] as const) {
    const rewritten = rewritePrefix === DISPUTE ? DISPUTE : "/disputes";
    it(`at weight ${weight}${rewritePrefix === DISPUTE ? " (no rewrite)" : ""}: every request carrying an early-access value reaches the microservice, ${rewritten}; the others follow the weight`, () => {
      const routes = routesAt(weight, { rewritePrefix });
      for (const value of EARLY.values) {
        const early = microserviceShare(routes, { [EARLY.header]: value });
        assert.equal(early.share, 1, `${value}: ${early.share}`);
        assert.deepEqual([...early.paths], [rewritten]);
      }
      for (const headers of [{}, { [EARLY.header]: "QA" }, { [EARLY.header]: "qa2" }, { "x-other": "qa" }]) {
        const share = microserviceShare(routes, headers).share;
        assert.ok(Math.abs(share - weight / 100) <= 0.01, `${JSON.stringify(headers)}: ${share} at weight ${weight}`);
      }
    });
  }

  it("is one rule with an exact header match per value, before the weight's rules, and none at weight 100", () => {
    const rules = meshHttpRoute(disputes(0, { earlyAccess: EARLY })).spec.to[0].rules;
    assert.deepEqual(rules[0], {
      matches: EARLY.values.map((value) => ({
        path: { type: "PathPrefix", value: DISPUTE },
        headers: [{ name: EARLY.header, type: "Exact", value }],
      })),
      default: {
        filters: [
          { type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/disputes" } } },
        ],
        backendRefs: [{ kind: "MeshService", name: MICROSERVICE_TAG, weight: 1 }],
      },
    });
    assert.deepEqual(rules.slice(1), meshHttpRoute(disputes(0)).spec.to[0].rules);
    assert.deepEqual(meshHttpRoute(disputes(100, { earlyAccess: EARLY })), meshHttpRoute(disputes(100)));
  });

  it("enabled: false renders the route as without early access", () => {
    for (const weight of [0, 50])
      assert.deepEqual(
        meshHttpRoute(disputes(weight, { earlyAccess: { ...EARLY, enabled: false } })),
        meshHttpRoute(disputes(weight)),
      );
  });

  it("refuses a bad header or value, naming the field, the value and what is allowed", () => {
    const render = (earlyAccess: any) => () => meshHttpRoute(disputes(0, { earlyAccess }));
    assert.throws(
      render({ header: "X-Early", values: ["qa"] }),
      /migration\("disputes"\)\.earlyAccess\.header is "X-Early": must be a lower-case HTTP header name/,
    );
    assert.throws(
      render({ header: KONG_REQUEST_ID_HEADER, values: ["qa"] }),
      /earlyAccess\.header is "x-kong-request-id": must differ from the split header/,
    );
    assert.throws(
      render({ header: "x-early", values: [] }),
      /earlyAccess\.values is \[\]: must list at least one header value/,
    );
    assert.throws(
      render({ header: "x-early", values: ["q a"] }),
      /earlyAccess\.values\[0\] is "q a": must be 1 to 128 letters/,
    );
    assert.throws(
      render({ header: "x-early", values: ["qa", "qa"] }),
      /earlyAccess\.values is \["qa","qa"\]: must not list qa twice/,
    );
  });

  describeWithUpstream("against the published schemas", () => {
    it("validates against the MeshHTTPRoute CRD and REST item schema at every weight", () => {
      for (const weight of [0, 10, 50, 100]) {
        const route = meshHttpRoute(disputes(weight, { earlyAccess: EARLY }));
        assert.deepEqual(crdFor("MeshHTTPRoute").validateStrict(toKubernetes(route)), [], `CRD at ${weight}`);
        assert.deepEqual(validateKumaItem("MeshHTTPRoute", route), [], `REST at ${weight}`);
      }
    });
  });
});

describe("early access: run's config", () => {
  const P = (k: string) => `${PROJECT}:${k}`;
  const migration = { name: "disputes", pathPrefix: DISPUTE, rewritePrefix: "/disputes", weight: 0 };
  function problems(earlyAccess: unknown): string[] {
    const values: Record<string, string> = {
      "aws:region": "us-west-2",
      [P("phase")]: "run",
      [P("owner")]: "platform-team",
      [P("adminCidrs")]: JSON.stringify(["203.0.113.0/24"]),
      [P("migrations")]: JSON.stringify([{ ...migration, earlyAccess }]),
      [P("konnectToken")]: CANARY.konnectToken,
    };
    try {
      validateConfig({ values, secretKeys: [P("konnectToken")] });
      return [];
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      return err.problems;
    }
  }
  const cases: Array<[unknown, string, RegExp]> = [
    [
      { header: "X-Early", values: ["qa"] },
      "migrations[0].earlyAccess.header",
      /"X-Early".*lower-case HTTP header name like x-journey-early-access/,
    ],
    [
      { header: KONG_REQUEST_ID_HEADER, values: ["qa"] },
      "migrations[0].earlyAccess.header",
      /"x-kong-request-id".*must not be x-kong-request-id/,
    ],
    [{ header: "x-early", values: [] }, "migrations[0].earlyAccess.values", /\[\].*at least one header value/],
    [{ header: "x-early", values: ["q a"] }, "migrations[0].earlyAccess.values[0]", /"q a".*letters, digits/],
    [{ header: "x-early", values: ["qa", "qa"] }, "migrations[0].earlyAccess.values", /must not list a value twice/],
    [{ header: "x-early", values: ["qa"], users: ["me"] }, "migrations[0].earlyAccess.users", /is not a known key/],
  ];
  for (const [earlyAccess, key, allowed] of cases) {
    it(`refuses ${JSON.stringify(earlyAccess)} at ${key}`, () => {
      const found = problems(earlyAccess);
      const problem = found.find((p) => p.startsWith(`${P(key)}: `));
      assert.ok(problem, `expected a problem for ${key}, got:\n${found.join("\n") || "(accepted)"}`);
      assert.match(problem, allowed);
    });
  }

  it("accepts a header and values, enabled unless it says otherwise", () => {
    assert.deepEqual(problems(EARLY), []);
    assert.deepEqual(problems({ ...EARLY, enabled: false }), []);
  });
});

describe("early access: the run phase", () => {
  const run = async (earlyAccess?: unknown) =>
    (
      await evaluateJourney("run", {
        config: {
          run: {
            migrations: [
              {
                name: "disputes",
                pathPrefix: DISPUTE,
                rewritePrefix: "/disputes",
                to: "microservice",
                weight: 0,
                ...(earlyAccess ? { earlyAccess } : {}),
              },
            ],
          },
        },
      })
    ).run;
  const inputs = (e: PhaseEvaluation) =>
    new Map(
      ofType(e.resources, "pulumi-nodejs:dynamic/kuma:Resource").map((r) => [r.urn, unwrapSecrets(r.inputs)] as const),
    );

  it("enabling it is one resource, the migration's MeshHTTPRoute, updated in place", async () => {
    const [off, on] = [await run({ ...EARLY, enabled: false }), await run(EARLY)];
    const [before, after] = [inputs(off), inputs(on)];
    assert.deepEqual([...after.keys()], [...before.keys()]);
    const changed = [...after.keys()].filter(
      (urn) => JSON.stringify(before.get(urn)) !== JSON.stringify(after.get(urn)),
    );
    assert.deepEqual(
      changed.map((urn) => urn.split("::").pop()),
      ["kmj-cutover-disputes-route"],
    );
    assert.deepEqual(
      diffKumaResource(before.get(changed[0]) as KumaResourceState, after.get(changed[0]) as KumaResourceState),
      { changes: true, replaces: [], deleteBeforeReplace: false },
    );
  });

  it("run's outputs say who has early access while it is on", async () => {
    const outputs = (e: PhaseEvaluation) => (unwrapSecrets(e.outputs.migrations) as any[])[0];
    assert.deepEqual(outputs(await run(EARLY)).earlyAccess, EARLY);
    assert.equal(outputs(await run({ ...EARLY, enabled: false })).earlyAccess, undefined);
    assert.equal(outputs(await run()).earlyAccess, undefined);
  });
});
