import { strict as assert } from "assert";
import { ConfigError, validateConfig } from "../../config/load";
import { PROJECT } from "../../config/schema";

const P = (k: string) => `${PROJECT}:${k}`;
const MIGRATION = {
  name: "disputes",
  pathPrefix: "/monolith/resources/card/dispute",
  rewritePrefix: "/disputes",
  weight: 0,
};

function problems(gates: unknown, metrics: unknown = { prometheusUrl: "http://prometheus.internal:9090" }): string[] {
  const values: Record<string, string> = {
    "aws:region": "us-west-2",
    [P("phase")]: "run",
    [P("owner")]: "platform-team",
    [P("adminCidrs")]: JSON.stringify(["203.0.113.0/24"]),
    [P("migrations")]: JSON.stringify([{ ...MIGRATION, gates }]),
    ...(metrics === undefined ? {} : { [P("metrics")]: JSON.stringify(metrics) }),
  };
  try {
    validateConfig({ values, secretKeys: [] });
    return [];
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
}

describe("metric gates: run's config", () => {
  it("accepts gates with a Prometheus URL", () => {
    assert.deepEqual(
      problems({
        minSuccessRate: 99.5,
        maxP99: "500ms",
        maxErrorRateAboveMonolith: 1,
        minRequests: 100,
        holdTimeout: "10m",
        interval: "5s",
      }),
      [],
    );
  });

  const cases: Array<[unknown, unknown, string, RegExp]> = [
    [{ minSuccessRate: 101 }, undefined, "migrations[0].gates.minSuccessRate", /101.*must be from 0 to 100/],
    [{ maxP99: "fast" }, undefined, "migrations[0].gates.maxP99", /"fast".*must be a duration like 500ms/],
    [
      { minSuccessRate: 99, minRequests: 0 },
      undefined,
      "migrations[0].gates.minRequests",
      /must be at least 1: below it a step holds/,
    ],
    [
      { minSuccessRate: 99, interval: "200ms" },
      undefined,
      "migrations[0].gates.interval",
      /"200ms".*must be at least 1s/,
    ],
    [
      { minRequests: 10 },
      undefined,
      "migrations[0].gates",
      /must set at least one of minSuccessRate, maxP99, maxErrorRateAboveMonolith/,
    ],
    [
      { minSuccessRate: 99 },
      { prometheusUrl: "ftp://prom" },
      "metrics.prometheusUrl",
      /"ftp:\/\/prom".*must be an http\(s\) URL of the Prometheus HTTP API/,
    ],
  ];
  for (const [gates, metrics, key, allowed] of cases) {
    it(`refuses ${JSON.stringify(gates)}${metrics ? ` with ${JSON.stringify(metrics)}` : ""} at ${key}`, () => {
      const found = problems(gates, metrics ?? undefined);
      const problem = found.find((p) => p.startsWith(`${P(key)}: `));
      assert.ok(problem, `expected a problem for ${key}, got:\n${found.join("\n") || "(accepted)"}`);
      assert.match(problem, allowed);
    });
  }
});
