import { GATEWAY_SERVICE, ServiceRef, proxiesOf } from "./services";
import { DEFAULT_MESH, MeshMetric } from "./types";
import { assertPort, assertResourceName } from "./validate";

/** kuma-dp's default Prometheus endpoint (MeshMetric CRD defaults: port 5670, path /metrics). */
const DATAPLANE_METRICS_PORT = 5670;
const DATAPLANE_METRICS_PATH = "/metrics";

export interface MeshMetricArgs {
  name?: string;
  mesh?: string;
  /** Whose sidecar exports; default the gateway's, whose clusters see both sides of every migration. */
  proxies?: ServiceRef;
  port?: number;
}

/**
 * Data plane metrics of the gateway's sidecar on a Prometheus endpoint, for the metric gates of
 * `journey shift`. The Basic profile (kuma-dp's default) keeps every stat containing `_rq` and
 * `rq_time` (kumahq/kuma app/kuma-dp/pkg/dataplane/metrics/profiles.go), so per-cluster
 * `envoy_cluster_upstream_rq_xx` and `envoy_cluster_upstream_rq_time_bucket` are exported; with
 * MeshMetric kuma-dp does not merge split clusters (`<service>-<hash>`).
 */
export function meshMetric(args: MeshMetricArgs = {}): MeshMetric {
  return {
    type: "MeshMetric",
    mesh: assertResourceName("meshMetric.mesh", args.mesh ?? DEFAULT_MESH),
    name: assertResourceName("meshMetric.name", args.name ?? "gateway-metrics"),
    spec: {
      targetRef: proxiesOf(args.proxies ?? GATEWAY_SERVICE, "meshMetric.proxies"),
      default: {
        sidecar: { profiles: { appendProfiles: [{ name: "Basic" }] } },
        backends: [
          {
            type: "Prometheus",
            prometheus: {
              port: assertPort("meshMetric.port", args.port ?? DATAPLANE_METRICS_PORT),
              path: DATAPLANE_METRICS_PATH,
            },
          },
        ],
      },
    },
  };
}
