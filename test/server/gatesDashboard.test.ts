import { strict as assert } from "assert";
import * as http from "http";
import type { AddressInfo } from "net";
import { PrometheusSource } from "../../automation/journey";
import { PROJECT } from "../../config/schema";
import { offlineSource } from "../../server";
import { fakeProgram, fakeStackFiles, ScriptedRunner } from "../journey/support/fakeProgram";
import { OPERATOR, readEvents, startServer, TestServer } from "./support";
import { browserIt, launchChromium } from "./chromium";

const MICROSERVICE = "microservice_microservice_svc_8080";

/** Prometheus's query API on 127.0.0.1: the microservice answers 5% 500s once it takes 25%. */
async function fakePrometheus(weight: () => Promise<number>) {
  const server = http.createServer(async (req, res) => {
    const query = new URL(req.url!, "http://x").searchParams.get("query") ?? "";
    const microservice = query.includes(MICROSERVICE);
    const at = Date.now() / 1000;
    const result = query.includes("_time_bucket")
      ? [
          { metric: { le: "25" }, value: [at, "990"] },
          { metric: { le: "50" }, value: [at, "1000"] },
          { metric: { le: "+Inf" }, value: [at, "1000"] },
        ]
      : [
          {
            metric: {},
            value: [
              at,
              query.includes('code_class="5"') ? (microservice && (await weight()) >= 25 ? "50" : "0") : "1000",
            ],
          },
        ];
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ status: "success", data: { resultType: "vector", result } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("portal: metric gates of a shift job, live in the SSE stream and the dashboard", function () {
  this.timeout(90_000);
  let t: TestServer;
  let prometheus: Awaited<ReturnType<typeof fakePrometheus>>;
  let source: ReturnType<typeof offlineSource>;

  before(async () => {
    // The weight being baked: run's config holds it while the step bakes.
    prometheus = await fakePrometheus(async () => (await source.open().journey.migrations())[0].weight);
    const stackFiles = fakeStackFiles([
      { name: "disputes", weight: 0, gates: { minSuccessRate: 99.5, maxP99: "500ms" } } as any,
    ]);
    stackFiles.run.config.values[`${PROJECT}:metrics`] = JSON.stringify({ prometheusUrl: prometheus.url });
    source = offlineSource({
      program: fakeProgram(),
      stackFiles,
      smoke: new ScriptedRunner(),
      loadBalancerProbe: async () => true,
      metrics: (url) => new PrometheusSource(url),
    });
    t = await startServer({ source });
    for (const phase of ["crawl", "walk", "run"])
      await t.finished((await t.call("POST", "/api/jobs", { body: { kind: "up", phase } })).body.id);
  });
  after(async () => {
    await t.close();
    await prometheus.close();
  });

  async function shiftJob(steps: number[]): Promise<string> {
    const posted = await t.call("POST", "/api/jobs", {
      body: { kind: "shift", migration: "disputes", steps, bake: "10s" },
    });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    return posted.body.id;
  }

  it("the SSE stream carries each judgement, and the failing one names the gate, the value and the threshold", async () => {
    const id = await shiftJob([10, 25]);
    const events = (await readEvents(`${t.url}/api/jobs/${id}/events`)).map((m) => m.data);
    const judged = events.filter((e) => e.type === "metric-gate");
    assert.ok(judged.some((e) => e.weight === 10 && e.verdict === "pass"));
    const failed = judged.find((e) => e.verdict === "fail");
    assert.equal(failed.weight, 25);
    assert.deepEqual(
      failed.results.find((r: any) => !r.ok),
      { gate: "success-rate", measured: 95, threshold: 99.5, unit: "%", ok: false },
    );
    const job = await t.finished(id);
    assert.equal(job.outcome, "rolled-back");
    assert.equal(
      job.error.message,
      "metric gate failed at 25%: success-rate 95% (threshold >= 99.5%). disputes is back at 10%.",
    );
  });

  browserIt("the dashboard shows the gates' latest values while the job runs, and the failing gate", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      const problems: string[] = [];
      page.on("pageerror", (err) => problems.push(err.message));
      await page.goto(t.url);
      await page.fill("#token", OPERATOR);
      await page.click("#use-token");
      await page.waitForSelector('#timeline [data-phase="crawl"]');
      const id = await shiftJob([25]);
      await page.evaluate(`follow(${JSON.stringify(id)})`);
      await page.waitForSelector('#gates[data-verdict="fail"]');
      assert.match((await page.textContent("#gates caption"))!, /^Metric gates: disputes at 25%, FAIL/);
      const rows = await page.$$eval("#gates tbody tr", (trs) =>
        trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)),
      );
      assert.deepEqual(
        rows.find((r) => r[0] === "success-rate"),
        ["success-rate", "95%", "≥ 99.5%", "FAIL"],
      );
      assert.deepEqual(
        rows.find((r) => r[0] === "p99-latency"),
        ["p99-latency", "25ms", "≤ 500ms", "ok"],
      );
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  });
});
