import { strict as assert } from "assert";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { RolledBackError } from "../../automation/journey";
import type { JourneyEvent } from "../../automation/journey";
import { gatedJourney, hasPrometheus, RunningPrometheus, scraped, startPrometheus } from "./support/prometheus";
import { describeIf } from "../support/skips";
import { closeServer, listenLocal } from "../support/net";

/**
 * Metric gates against a real Prometheus (Debian's `prometheus`) scraping, every second, a stand-in
 * for the gateway sidecar's metrics endpoint that serves Envoy-format cluster stats as kuma-dp
 * exports them under MeshMetric (split clusters `<service>-<hash>`). kuma-dp itself is not built here.
 */

const MICROSERVICE = "microservice_microservice_svc_8080-5fb50345cfb50345";
const MONOLITH = "monolith";
const LE = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, Infinity];

/** Counters that grow as traffic flows: every tick, `perTick` requests to each side. */
class EnvoyStandIn {
  private readonly counts = new Map<string, { xx: Record<string, number>; buckets: number[] }>();
  errorShare = 0;
  latencyMs = 20;
  private timer?: NodeJS.Timeout;

  start(perTick = 20, tickMs = 100): void {
    this.timer = setInterval(() => {
      for (const cluster of [MICROSERVICE, MONOLITH]) {
        const c = this.counts.get(cluster) ?? { xx: { "2": 0, "5": 0 }, buckets: LE.map(() => 0) };
        const errors = cluster === MICROSERVICE ? Math.round(perTick * this.errorShare) : 0;
        c.xx["5"] += errors;
        c.xx["2"] += perTick - errors;
        const latency = cluster === MICROSERVICE ? this.latencyMs : 20;
        LE.forEach((le, i) => (c.buckets[i] += latency <= le ? perTick : 0));
        this.counts.set(cluster, c);
      }
    }, tickMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  exposition(): string {
    const lines = ["# TYPE envoy_cluster_upstream_rq_xx counter"];
    for (const [cluster, c] of this.counts)
      for (const [cls, n] of Object.entries(c.xx))
        lines.push(
          `envoy_cluster_upstream_rq_xx{envoy_cluster_name="${cluster}",envoy_response_code_class="${cls}"} ${n}`,
        );
    lines.push("# TYPE envoy_cluster_upstream_rq_time histogram");
    for (const [cluster, c] of this.counts) {
      LE.forEach((le, i) =>
        lines.push(
          `envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name="${cluster}",le="${le === Infinity ? "+Inf" : le}"} ${c.buckets[i]}`,
        ),
      );
      lines.push(
        `envoy_cluster_upstream_rq_time_count{envoy_cluster_name="${cluster}"} ${c.buckets[c.buckets.length - 1]}`,
      );
    }
    return `${lines.join("\n")}\n`;
  }
}

describeIf(
  hasPrometheus,
  "no prometheus on PATH; apt-get install -y prometheus",
  "metric gates against a real Prometheus scraping Envoy-format stats",
  function () {
    this.timeout(120_000);
    const standIn = new EnvoyStandIn();
    let exporter: http.Server;
    let dir: string;
    let prometheusUrl: string;
    let prometheus: RunningPrometheus;

    before(async () => {
      exporter = http.createServer((_req, res) =>
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(standIn.exposition()),
      );
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "journey-prometheus-"));
      prometheus = await startPrometheus(dir, `127.0.0.1:${await listenLocal(exporter)}`);
      prometheusUrl = prometheus.url;
      standIn.start();
      await scraped(prometheusUrl, "envoy_cluster_upstream_rq_xx");
    });

    after(async () => {
      standIn.stop();
      prometheus?.stop();
      if (exporter) await closeServer(exporter);
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    async function shift(onWeight: (weight: number) => void, steps: number[]) {
      const journey = gatedJourney(prometheusUrl);
      const events: JourneyEvent[] = [];
      journey.subscribe((e) => {
        events.push(e);
        if (e.type === "weight") onWeight(e.to);
      });
      for (const phase of ["crawl", "walk", "run"] as const) await journey.up(phase);
      return { events, run: () => journey.shift("disputes", steps, { bakeMs: 6_000, gates: { intervalMs: 1_000 } }) };
    }

    it("a healthy microservice passes every step", async () => {
      standIn.errorShare = 0;
      const { run, events } = await shift(() => undefined, [10, 25]);
      assert.deepEqual((await run()).applied, [10, 25]);
      const judged = events.filter((e) => e.type === "metric-gate");
      assert.ok(
        judged.some((e) => e.verdict === "pass"),
        JSON.stringify(judged.map((e) => (e as any).message)),
      );
      assert.ok(judged.every((e) => e.verdict !== "fail"));
    });

    it("5% of 500s from the microservice is caught by the success-rate gate within seconds, and the last good weight is set back", async () => {
      standIn.errorShare = 0;
      let injectedAt = 0;
      const { run, events } = await shift(
        (weight) => {
          if (weight === 25 && injectedAt === 0) {
            standIn.errorShare = 0.05;
            injectedAt = Date.now();
          }
        },
        [10, 25],
      );
      await assert.rejects(run(), (err: unknown) => {
        assert.ok(err instanceof RolledBackError, String(err));
        assert.equal(err.weight, 10);
        assert.match(err.message, /^metric gate failed at 25%: (success-rate|relative-error-rate) /);
        return true;
      });
      const detectedAfterMs = Date.now() - injectedAt;
      assert.ok(detectedAfterMs < 10_000, `detected after ${detectedAfterMs} ms`);
      const revert = events.find((e) => e.type === "weight" && e.reason === "revert");
      assert.deepEqual(revert && { from: (revert as any).from, to: (revert as any).to }, { from: 25, to: 10 });
      standIn.errorShare = 0;
    });

    it("a microservice that becomes slow is stopped by the p99 gate", async () => {
      standIn.latencyMs = 20;
      // The previous test's 500s must age out of the windows this shift reads.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const { run } = await shift(
        (weight) => {
          if (weight === 25) standIn.latencyMs = 900;
        },
        [10, 25],
      );
      await assert.rejects(
        run(),
        /metric gate failed at 25%: p99-latency \d+(\.\d+)?ms \(threshold <= 500ms\)\. disputes is back at 10%\./,
      );
      standIn.latencyMs = 20;
    });
  },
);
