import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as path from "path";
import { PEERS } from "../../../config/versions";
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
  const deadline = Date.now() + 20_000;
  while (
    !(await fetch(`http://127.0.0.1:${admin}/ready`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline) throw new Error("envoy did not become ready");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
