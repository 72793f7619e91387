import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  MICROSERVICE,
  MONOLITH_SERVICE,
  kubernetesServiceTag,
  meshHttpRoute,
  monolithCatchAllRoute,
} from "../../render/kuma";
import { disputes } from "../kuma/fixtures";
import { envoyRoutes } from "./support/envoyRoutes";
import { ENVOY, RunningEnvoy, startEnvoy, startUpstreams, Upstreams } from "./support/envoy";
import { describeIf } from "../support/skips";

/**
 * Early access on a real Envoy (peers/build.sh envoy): the disputes route as Kuma would program the
 * gateway sidecar's outbound to the monolith (support/envoyRoutes.ts), in front of two local
 * upstreams. kuma-cp and kuma-dp are not built here, so the translation is Kuma's, restated.
 */

const DISPUTE = "/monolith/resources/card/dispute";
const EARLY = { header: "x-journey-early-access", values: ["qa", "beta"] };
const MICROSERVICE_CLUSTER = kubernetesServiceTag(MICROSERVICE);
describeIf(
  fs.existsSync(ENVOY),
  `${ENVOY} is absent; npm run -s peers -- envoy`,
  "early access by header on a real Envoy",
  function () {
    this.timeout(60_000);
    let dir: string;
    let upstreams: Upstreams;

    before(async () => {
      upstreams = await startUpstreams(
        [MONOLITH_SERVICE, MICROSERVICE_CLUSTER],
        (service) => (req, res) =>
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ service, path: req.url })),
      );
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "journey-envoy-"));
    });
    after(async () => {
      await upstreams?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    async function envoyWith(weight: number): Promise<RunningEnvoy> {
      const routes = envoyRoutes(
        [monolithCatchAllRoute(), meshHttpRoute(disputes(weight, { earlyAccess: EARLY }))],
        MONOLITH_SERVICE,
      );
      return startEnvoy(dir, routes, upstreams.ports);
    }

    async function send(
      url: string,
      n: number,
      headers: Record<string, string> = {},
    ): Promise<Map<string, Set<string>> & { counts: Map<string, number> }> {
      const paths = new Map<string, Set<string>>() as Map<string, Set<string>> & { counts: Map<string, number> };
      paths.counts = new Map();
      for (let i = 0; i < n; i++) {
        const response = await fetch(`${url}${DISPUTE}`, {
          headers: { "x-kong-request-id": randomBytes(16).toString("hex"), ...headers },
        });
        const { service, path: received } = (await response.json()) as { service: string; path: string };
        paths.counts.set(service, (paths.counts.get(service) ?? 0) + 1);
        paths.set(service, (paths.get(service) ?? new Set()).add(received));
      }
      return paths;
    }

    it("at weight 0: 100% of the requests carrying an early-access value reach the microservice, rewritten; 0% of the others", async () => {
      const envoy = await envoyWith(0);
      try {
        for (const value of EARLY.values) {
          const early = await send(envoy.url, 50, { [EARLY.header]: value });
          assert.deepEqual([...early.counts], [[MICROSERVICE_CLUSTER, 50]]);
          assert.deepEqual([...early.get(MICROSERVICE_CLUSTER)!], ["/disputes"]);
        }
        for (const headers of [{}, { [EARLY.header]: "QA" }, { "x-other": "qa" }]) {
          const others = await send(envoy.url, 50, headers);
          assert.deepEqual([...others.counts], [[MONOLITH_SERVICE, 50]], JSON.stringify(headers));
          assert.deepEqual([...others.get(MONOLITH_SERVICE)!], [DISPUTE]);
        }
      } finally {
        envoy.stop();
      }
    });

    it("at weight 50: early access still takes every marked request; the others split on the request id", async () => {
      const envoy = await envoyWith(50);
      try {
        assert.deepEqual(
          [...(await send(envoy.url, 40, { [EARLY.header]: "qa" })).counts],
          [[MICROSERVICE_CLUSTER, 40]],
        );
        const others = await send(envoy.url, 200);
        const share = (others.counts.get(MICROSERVICE_CLUSTER) ?? 0) / 200;
        assert.ok(share > 0.35 && share < 0.65, `microservice share ${share}`);
      } finally {
        envoy.stop();
      }
    });
  },
);
