import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RolledBackError } from "../../automation/journey";
import {
  MICROSERVICE,
  MONOLITH_SERVICE,
  kubernetesServiceTag,
  meshHttpRoute,
  monolithCatchAllRoute,
} from "../../render/kuma";
import { disputes } from "../kuma/fixtures";
import { ENVOY, RunningEnvoy, startEnvoy, startUpstreams, Upstreams } from "./support/envoy";
import { envoyRoutes } from "./support/envoyRoutes";
import { gatedJourney, hasPrometheus, RunningPrometheus, scraped, startPrometheus } from "./support/prometheus";
import { describeIf } from "../support/skips";

/**
 * The gates on real Envoy stats: continuous traffic through a real Envoy programmed like the
 * gateway sidecar's outbound to the monolith (weight 50, clusters named as Kuma names them), Envoy's
 * own `/stats/prometheus` scraped every second by a real Prometheus, and a journey shift whose gates
 * read it. The microservice starts answering 5% 500s when the shift reaches 25%.
 */

const MICROSERVICE_CLUSTER = kubernetesServiceTag(MICROSERVICE);
const DISPUTE = "/monolith/resources/card/dispute";
const ready = fs.existsSync(ENVOY) && hasPrometheus;

describeIf(
  ready,
  "needs the Envoy peer and Debian's prometheus",
  "metric gates on a real Envoy's stats through a real Prometheus",
  function () {
    this.timeout(120_000);
    let errorShare = 0;
    let dir: string;
    let envoy: RunningEnvoy;
    let prometheus: RunningPrometheus;
    let upstreams: Upstreams;
    let traffic: NodeJS.Timeout | undefined;
    const failures: number[] = [];

    before(async () => {
      upstreams = await startUpstreams([MONOLITH_SERVICE, MICROSERVICE_CLUSTER], (service) => (_req, res) => {
        const fail = service === MICROSERVICE_CLUSTER && Math.random() < errorShare;
        res.writeHead(fail ? 500 : 200, { "content-type": "application/json" }).end("{}");
      });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "journey-gates-envoy-"));
      envoy = await startEnvoy(
        dir,
        envoyRoutes([monolithCatchAllRoute(), meshHttpRoute(disputes(50))], MONOLITH_SERVICE),
        upstreams.ports,
      );
      // About 100 requests a second through the gateway's outbound, as API consumers would send.
      traffic = setInterval(() => {
        fetch(`${envoy.url}${DISPUTE}`, { headers: { "x-kong-request-id": randomBytes(16).toString("hex") } }).then(
          (r) => (r.status >= 500 ? failures.push(Date.now()) : undefined, r.arrayBuffer()),
          () => undefined,
        );
      }, 10);
      prometheus = await startPrometheus(dir, envoy.admin, "/stats/prometheus");
      await scraped(prometheus.url, `envoy_cluster_upstream_rq_xx{envoy_cluster_name="${MICROSERVICE_CLUSTER}"}`);
    });

    after(async () => {
      clearInterval(traffic);
      prometheus?.stop();
      envoy?.stop();
      await upstreams?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("5% of 500s from the microservice stops the shift within seconds and sets the last good weight back", async () => {
      const journey = gatedJourney(prometheus.url);
      let injectedAt = 0;
      let revertedAt = 0;
      journey.subscribe((e) => {
        if (e.type === "weight" && e.to === 25 && e.reason === "shift") {
          errorShare = 0.05;
          injectedAt = Date.now();
        }
        if (e.type === "weight" && e.reason === "revert") {
          errorShare = 0;
          revertedAt = Date.now();
        }
      });
      for (const phase of ["crawl", "walk", "run"] as const) await journey.up(phase);
      await assert.rejects(
        journey.shift("disputes", [10, 25], { bakeMs: 8_000, gates: { intervalMs: 1_000 } }),
        (err: unknown) => {
          assert.ok(err instanceof RolledBackError, String(err));
          assert.equal(err.weight, 10, err.message);
          assert.match(
            err.message,
            /^metric gate failed at 25%: (success-rate|relative-error-rate) .* disputes is back at 10%\.$/,
          );
          return true;
        },
      );
      const detectedAfterMs = revertedAt - injectedAt;
      assert.ok(
        injectedAt > 0 && detectedAfterMs > 0 && detectedAfterMs < 10_000,
        `detected after ${detectedAfterMs} ms`,
      );
      assert.ok(
        failures.every((t) => t >= injectedAt),
        "no 500s before the fault was injected",
      );
    });
  },
);
