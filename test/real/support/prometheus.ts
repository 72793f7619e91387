import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
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

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
