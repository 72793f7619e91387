import { strict as assert } from "assert";
import * as http from "http";
import type { AddressInfo } from "net";
import { PrometheusSource, resolveGates, RolledBackError, UsageError, windowQueries } from "../../automation/journey";
import { runJourney } from "../support/cli";
import { PROJECT } from "../../config/schema";
import { fakeJourney, fakeStackFiles, ofType } from "./support/fakeProgram";

const MICROSERVICE = "microservice_microservice_svc_8080";
const LE = ["5", "10", "25", "50", "100", "250", "500", "1000", "+Inf"];

interface Side {
  requests: number;
  errors: number;
  /** Per-bucket counts, LE order. */
  latency?: number[];
}
type Scenario = (weight: number, service: string) => Side;

/** A stand-in for Prometheus's query API on 127.0.0.1, answering the gates' three queries from a scenario. */
async function fakePrometheus(scenario: Scenario, weight: () => number) {
  const queries: string[] = [];
  const server = http.createServer((req, res) => {
    const query = new URL(req.url!, "http://x").searchParams.get("query") ?? "";
    queries.push(query);
    const service = /envoy_cluster_name=~"([^"(\\]+)/.exec(query)?.[1] ?? "";
    const side = scenario(weight(), service);
    const at = Date.now() / 1000;
    let result: unknown[];
    if (query.includes("_time_bucket")) {
      let sum = 0;
      result = LE.map((le, i) => ({ metric: { le }, value: [at, String((sum += side.latency?.[i] ?? 0))] }));
    } else {
      result = [
        {
          metric: {},
          value: [at, String(query.includes('envoy_response_code_class="5"') ? side.errors : side.requests)],
        },
      ];
    }
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ status: "success", data: { resultType: "vector", result } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, queries, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const FAST = [0, 0, 90, 10, 0, 0, 0, 0, 0];
const SLOW = [0, 0, 0, 0, 0, 0, 0, 100, 0];
const healthy: Scenario = () => ({ requests: 1000, errors: 0, latency: FAST });

async function gatedJourney(
  scenario: Scenario,
  gates: Record<string, unknown> = { minSuccessRate: 99.5, maxP99: "500ms", maxErrorRateAboveMonolith: 1 },
) {
  let weight = 0;
  const prometheus = await fakePrometheus(scenario, () => weight);
  const stackFiles = fakeStackFiles([{ name: "disputes", weight: 0, gates } as any]);
  stackFiles.run.config.values[`${PROJECT}:metrics`] = JSON.stringify({ prometheusUrl: prometheus.url });
  const fake = fakeJourney({ stackFiles, metrics: (url) => new PrometheusSource(url) });
  fake.journey.subscribe((e) => {
    if (e.type === "weight") weight = e.to;
  });
  for (const phase of ["crawl", "walk", "run"] as const) await fake.journey.up(phase);
  return { ...fake, prometheus };
}

describe("metric gates during a shift (fake Prometheus on 127.0.0.1, the real query client)", function () {
  this.timeout(20_000);
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it("a healthy microservice passes every step; the gates are judged every interval over the traffic since the step began", async () => {
    const { journey, events, prometheus } = await gatedJourney(healthy);
    close = prometheus.close;
    assert.deepEqual((await journey.shift("disputes", [10, 50, 100], { bakeMs: 60_000 })).applied, [10, 50, 100]);
    const judged = ofType(events, "metric-gate");
    assert.ok(
      judged.length === 3 * 12 && judged.every((e) => e.verdict === "pass"),
      `${judged.length} evaluations, every 5s over 1m per step`,
    );
    assert.deepEqual(
      judged.slice(0, 3).map((e) => e.windowMs),
      [5_000, 10_000, 15_000],
    );
    assert.match(
      judged[0].message,
      /gates pass: min-requests 1000 .*success-rate 100% \(threshold >= 99\.5%\); p99-latency 47\.5ms \(threshold <= 500ms\); relative-error-rate 0 points/,
    );
    assert.ok(
      prometheus.queries.some((q) => q === windowQueries(MICROSERVICE, 5_000).errors),
      "the microservice's cluster as Kuma names it, split clusters included",
    );
  });

  it("5% of 500s from the microservice at 50% fails the success-rate gate within one interval and sets 10% back at once (exit 3)", async () => {
    const failing: Scenario = (weight, service) =>
      service === MICROSERVICE && weight >= 50
        ? { requests: 1000, errors: 50, latency: FAST }
        : healthy(weight, service);
    const { journey, events, prometheus } = await gatedJourney(failing);
    close = prometheus.close;
    await assert.rejects(journey.shift("disputes", [10, 50, 100], { bakeMs: 60_000 }), (err: unknown) => {
      assert.ok(err instanceof RolledBackError);
      assert.equal(err.weight, 10);
      assert.deepEqual(err.failedChecks, ["success-rate"]);
      assert.equal(
        err.message,
        "metric gate failed at 50%: success-rate 95% (threshold >= 99.5%). disputes is back at 10%.",
      );
      return true;
    });
    const atFifty = ofType(events, "metric-gate").filter((e) => e.weight === 50);
    assert.deepEqual(
      atFifty.map((e) => [e.verdict, e.windowMs]),
      [["fail", 5_000]],
      "the first evaluation at 50% catches it",
    );
    assert.deepEqual(
      atFifty[0].results.find((r) => !r.ok),
      { gate: "success-rate", measured: 95, threshold: 99.5, unit: "%", ok: false },
    );
    assert.deepEqual(
      ofType(events, "weight").map((w) => `${w.reason} ${w.from}->${w.to}`),
      ["shift 0->10", "shift 10->50", "revert 50->10"],
    );
    assert.equal(ofType(events, "summary").at(-1)?.outcome, "rolled-back");
  });

  it("a slow microservice fails the p99 gate", async () => {
    const slow: Scenario = (weight, service) =>
      service === MICROSERVICE ? { requests: 100, errors: 0, latency: SLOW } : healthy(weight, service);
    const { journey, prometheus } = await gatedJourney(slow);
    close = prometheus.close;
    await assert.rejects(
      journey.shift("disputes", [10], { bakeMs: 60_000 }),
      /metric gate failed at 10%: p99-latency 995ms \(threshold <= 500ms\)\. disputes is back at 0%\./,
    );
  });

  it("judges the microservice against the monolith: both failing alike passes the relative gate", async () => {
    const both: Scenario = () => ({ requests: 1000, errors: 30, latency: FAST });
    const { journey, prometheus } = await gatedJourney(both, { maxErrorRateAboveMonolith: 1 });
    close = prometheus.close;
    assert.deepEqual((await journey.shift("disputes", [10], { bakeMs: 10_000 })).applied, [10]);
  });

  it("too few requests hold the step and say so; still holding after the stated time, it fails", async () => {
    const quiet: Scenario = (weight, service) =>
      service === MICROSERVICE ? { requests: 3, errors: 0, latency: [0, 0, 3] } : healthy(weight, service);
    const { journey, events, prometheus } = await gatedJourney(quiet, {
      minSuccessRate: 99,
      minRequests: 50,
      holdTimeout: "2m",
    });
    close = prometheus.close;
    await assert.rejects(journey.shift("disputes", [10], { bakeMs: 30_000 }), (err: unknown) => {
      assert.ok(err instanceof RolledBackError);
      assert.match(
        err.message,
        /^metric gate failed at 10%: still holding 2m after the step began \(limit 2m\): holding: 3 requests reached the microservice, 50 are needed to judge\. disputes is back at 0%\.$/,
      );
      return true;
    });
    const judged = ofType(events, "metric-gate");
    assert.ok(
      judged.slice(0, -1).every((e) => e.verdict === "hold"),
      "held past the 30s bake",
    );
    assert.equal(judged.at(-1)?.verdict, "fail");
  });

  it("flags override the config, and gates without a Prometheus URL are refused naming the key and the flag", async () => {
    const { journey, events, prometheus } = await gatedJourney(healthy);
    close = prometheus.close;
    await journey.shift("disputes", [10], { bakeMs: 10_000, gates: { intervalMs: 10_000 } });
    assert.equal(ofType(events, "metric-gate").length, 1);
    const migration = {
      name: "disputes",
      pathPrefix: "/x",
      rewritePrefix: "/y",
      to: "microservice",
      weight: 0,
      gates: { minSuccessRate: 99 },
    } as any;
    assert.throws(
      () => resolveGates(0, migration, undefined),
      (err: unknown) =>
        err instanceof UsageError &&
        /set cloud-migration-journey:metrics\.prometheusUrl in run's config or pass --prometheus <url>/.test(
          err.message,
        ),
    );
    assert.equal(
      resolveGates(0, { ...migration, gates: undefined }, undefined),
      undefined,
      "no gate, no Prometheus needed",
    );
  });

  it("offline, without a metrics source, the gates are reported as NOT RUN, never as passed", async () => {
    const stackFiles = fakeStackFiles([{ name: "disputes", weight: 0, gates: { minSuccessRate: 99 } } as any]);
    stackFiles.run.config.values[`${PROJECT}:metrics`] = JSON.stringify({
      prometheusUrl: "http://prometheus.invalid:9090",
    });
    const { journey, events } = fakeJourney({ stackFiles });
    for (const phase of ["crawl", "walk", "run"] as const) await journey.up(phase);
    await journey.shift("disputes", [10], { bakeMs: 60_000 });
    assert.deepEqual(
      ofType(events, "metric-gate").map((e) => e.verdict),
      ["not-run"],
    );
  });

  it("--json: each judgement is an NDJSON metric-gate event, and --notify posts it to the webhook", async () => {
    const failing: Scenario = (weight, service) =>
      service === MICROSERVICE ? { requests: 1000, errors: 50, latency: FAST } : healthy(weight, service);
    const { journey, prometheus } = await gatedJourney(failing, { minSuccessRate: 99.5 });
    const posted: any[] = [];
    const hook = http.createServer((req, res) => {
      let text = "";
      req
        .on("data", (c) => (text += c))
        .on("end", () => {
          posted.push(JSON.parse(text));
          res.writeHead(204).end();
        });
    });
    await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
    close = async () => {
      await prometheus.close();
      await new Promise<void>((resolve) => hook.close(() => resolve()));
    };
    const notify = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    const shift = ["shift", "disputes", "--steps", "10", "--bake", "10s", "--json", "--notify", notify, "--offline"];
    const { code, out } = await runJourney(shift, { journey: () => journey });
    assert.equal(code, 3);
    const failed = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .find((e) => e.type === "metric-gate" && e.verdict === "fail");
    assert.deepEqual(
      failed.results.find((r: any) => !r.ok),
      { gate: "success-rate", measured: 95, threshold: 99.5, unit: "%", ok: false },
    );
    const notified = posted.find((p) => p.event.type === "metric-gate");
    assert.equal(
      notified.text,
      "disputes at 10%: metric gates fail: gate failed: success-rate 95% (threshold >= 99.5%)",
    );
    assert.equal(posted.at(-1).event.outcome, "rolled-back");
  });

  it("the CLI: gate flags reach the shift, and the gate's failure is printed with its numbers (exit 3)", async () => {
    const failing: Scenario = (weight, service) =>
      service === MICROSERVICE ? { requests: 1000, errors: 50, latency: FAST } : healthy(weight, service);
    const { journey, prometheus } = await gatedJourney(failing, { maxP99: "1s" });
    close = prometheus.close;
    const deps = { journey: () => journey };
    const shift = ["shift", "disputes", "--steps", "10", "--bake", "10s", "--min-success-rate", "99.5"];
    const { code, out } = await runJourney([...shift, "--gate-interval", "2s", "--offline"], deps);
    assert.equal(code, 3);
    assert.match(
      out,
      /gates FAIL disputes at 10% \(2s of traffic\): gate failed: success-rate 95% \(threshold >= 99\.5%\)/,
    );
    assert.match(
      out,
      /ROLLED-BACK: metric gate failed at 10%: success-rate 95% \(threshold >= 99\.5%\)\. disputes is back at 0%\./,
    );
    const refused = await runJourney(["shift", "disputes", "--steps", "10", "--min-success-rate", "101"], deps);
    assert.equal(refused.code, 2);
    assert.match(
      refused.err,
      /--min-success-rate <percent>' argument '101' is invalid\. must be a percentage from 0 to 100/,
    );
  });
});
