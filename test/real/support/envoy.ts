import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { PEERS } from "../../../config/versions";
import { closeServer, listenLocal, waitFor } from "../../support/net";
import { PEERS_DIR } from "./peers";
import { track } from "./sandbox";

export const ENVOY = path.join(PEERS_DIR, `envoy-${PEERS.envoy}`, "bin", "envoy");

export interface RunningEnvoy {
  /** The listener: the gateway sidecar's outbound to the monolith. */
  url: string;
  /** The admin API (`/stats/prometheus`, `/ready`). */
  admin: string;
  stop(): void;
}

/** A real Envoy with one HTTP listener routing by `routes` to local upstreams, `clusters` by name -> port. */
export async function startEnvoy(
  dir: string,
  routes: unknown[],
  clusters: Record<string, number>,
): Promise<RunningEnvoy> {
  const [listen, admin] = [await freePort(), await freePort()];
  const config = {
    admin: { address: { socket_address: { address: "127.0.0.1", port_value: admin } } },
    static_resources: {
      listeners: [
        {
          name: "outbound:monolith",
          address: { socket_address: { address: "127.0.0.1", port_value: listen } },
          filter_chains: [
            {
              filters: [
                {
                  name: "envoy.filters.network.http_connection_manager",
                  typed_config: {
                    "@type":
                      "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                    stat_prefix: "monolith",
                    route_config: {
                      name: "outbound:monolith",
                      virtual_hosts: [{ name: "monolith", domains: ["*"], routes }],
                    },
                    http_filters: [
                      {
                        name: "envoy.filters.http.router",
                        typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" },
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
      clusters: Object.entries(clusters).map(([name, port]) => ({
        name,
        type: "STATIC",
        connect_timeout: "1s",
        load_assignment: {
          cluster_name: name,
          endpoints: [
            {
              lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: port } } } }],
            },
          ],
        },
      })),
    },
  };
  const file = path.join(dir, `envoy-${listen}.json`);
  fs.writeFileSync(file, JSON.stringify(config));
  const child = track(
    spawn(ENVOY, ["-c", file, "--base-id", String(listen), "--log-level", "error"], {
      detached: true,
      stdio: "ignore",
    }),
  );
  await waitFor(async () => (await fetch(`http://127.0.0.1:${admin}/ready`)).ok, 20_000, "envoy ready", 100);
  return {
    url: `http://127.0.0.1:${listen}`,
    admin: `127.0.0.1:${admin}`,
    stop: () => {
      if (child.pid) process.kill(-child.pid, "SIGTERM");
    },
  };
}

export async function freePort(): Promise<number> {
  const server = http.createServer();
  const port = await listenLocal(server);
  await closeServer(server);
  return port;
}

export interface Upstreams {
  /** Cluster name -> port, as `startEnvoy` takes them. */
  ports: Record<string, number>;
  close(): Promise<void>;
}

/** One local HTTP server per cluster name, each answering with `handler(cluster)`. */
export async function startUpstreams(
  clusters: readonly string[],
  handler: (cluster: string) => http.RequestListener,
): Promise<Upstreams> {
  const servers = clusters.map((cluster) => http.createServer(handler(cluster)));
  const ports: Record<string, number> = {};
  for (const [i, cluster] of clusters.entries()) ports[cluster] = await listenLocal(servers[i]);
  return { ports, close: async () => void (await Promise.all(servers.map(closeServer))) };
}
