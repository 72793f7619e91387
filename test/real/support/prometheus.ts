import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Journey, offlineJourney, PrometheusSource, realClock } from "../../../automation/journey";
import { Migration, PROJECT } from "../../../config/schema";
import { fakeProgram, fakeStackFiles, ScriptedRunner } from "../../journey/support/fakeProgram";
import { waitFor } from "../../support/net";
import { freePort } from "./envoy";
import { track } from "./sandbox";

/** Debian's Prometheus (`apt-get install -y prometheus`; .ci/run installs it). */
export const hasPrometheus = spawnSync("prometheus", ["--version"]).status === 0;

export interface RunningPrometheus {
  url: string;
  stop(): void;
}

/** A Prometheus scraping `target` (host:port) every second at `metricsPath`, its data under `dir`. */
export async function startPrometheus(
  dir: string,
  target: string,
  metricsPath = "/metrics",
): Promise<RunningPrometheus> {
  const port = await freePort();
  const config = path.join(dir, `prometheus-${port}.yml`);
  fs.writeFileSync(
    config,
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: gateway-sidecar\n    metrics_path: ${metricsPath}\n    static_configs:\n      - targets: ["${target}"]\n`,
  );
  const child = track(
    spawn(
      "prometheus",
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${path.join(dir, `data-${port}`)}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { detached: true, stdio: "ignore" },
    ),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/-/ready`)).ok, 30_000, "prometheus ready");
  return {
    url,
    stop: () => {
      if (child.pid) process.kill(-child.pid, "SIGTERM");
    },
  };
}

/** Resolves once Prometheus has scraped a sample of `metric`. */
export function scraped(url: string, metric: string): Promise<void> {
  return waitFor(
    async () =>
      ((await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(metric)}`)).json()) as any).data.result
        .length > 0,
    30_000,
    `a scrape of ${metric}`,
  );
}

/**
 * The offline journey with disputes at weight 0 and the usual gates (success rate 99.5%, p99 500 ms,
 * error rate at most 1 point above the monolith's, 20 requests to judge), judged in real time from
 * the Prometheus at `prometheusUrl`.
 */
export function gatedJourney(prometheusUrl: string): Journey {
  const gates = { minSuccessRate: 99.5, maxP99: "500ms", maxErrorRateAboveMonolith: 1, minRequests: 20 };
  // As a stack file holds them (durations as text), which the parsed Migration type does not describe.
  const stackFiles = fakeStackFiles([{ name: "disputes", weight: 0, gates } as unknown as Migration]);
  stackFiles.run.config.values[`${PROJECT}:metrics`] = JSON.stringify({ prometheusUrl });
  return offlineJourney({
    program: fakeProgram(),
    stackFiles,
    smoke: new ScriptedRunner(),
    clock: realClock,
    metrics: (url) => new PrometheusSource(url),
  });
}
