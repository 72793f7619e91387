import { kubernetesServiceTag, MICROSERVICE, MONOLITH_SERVICE } from "../../render/kuma/services";
import { unwrapSecrets } from "../../offline/evaluator";
import type { Bucket, TrafficSample, WindowStats } from "./gates";

/**
 * Where metric gates read what traffic did: the gateway sidecar's Envoy cluster stats as
 * Prometheus scraped them (walk's MeshMetric turns them on). With MeshMetric, kuma-dp leaves
 * split clusters unmerged, named `<service>-<hash>` beside `<service>` (kumahq/kuma
 * app/kuma-dp/pkg/dataplane/metrics/merge.go and UPGRADE.md for 2.7), so a side is matched by prefix.
 */

export interface GateTargets {
  /** Kuma service names of the two sides as the gateway's clusters are named, e.g. `microservice_microservice_svc_8080`. */
  microservice: string;
  monolith: string;
}

export interface MetricsSource {
  /** What each side did over the last `windowMs`. */
  window(targets: GateTargets, windowMs: number, signal?: AbortSignal): Promise<WindowStats>;
  describe(): string;
}

export class MetricsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MetricsError";
  }
}

/** An RE2 matching the service's cluster and its split clusters (a valid PromQL label regex, fully anchored by Prometheus). */
export function clusterPattern(service: string): string {
  return `${service.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(-[0-9a-f]+)?`;
}

export function windowQueries(
  service: string,
  windowMs: number,
): { requests: string; errors: string; latency: string } {
  const range = `${Math.max(1, Math.ceil(windowMs / 1000))}s`;
  const cluster = `envoy_cluster_name=~"${clusterPattern(service)}"`;
  return {
    requests: `sum(increase(envoy_cluster_upstream_rq_xx{${cluster}}[${range}]))`,
    errors: `sum(increase(envoy_cluster_upstream_rq_xx{${cluster},envoy_response_code_class="5"}[${range}]))`,
    latency: `sum by (le) (increase(envoy_cluster_upstream_rq_time_bucket{${cluster}}[${range}]))`,
  };
}

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** The Prometheus HTTP query API (`GET /api/v1/query`). */
export class PrometheusSource implements MetricsSource {
  private readonly base: string;

  constructor(
    url: string,
    private readonly timeoutMs = 5_000,
  ) {
    this.base = url.replace(/\/+$/, "");
  }

  describe(): string {
    return `Prometheus at ${new URL(this.base).origin}`;
  }

  async window(targets: GateTargets, windowMs: number, signal?: AbortSignal): Promise<WindowStats> {
    const [microservice, monolith] = await Promise.all([
      this.side(targets.microservice, windowMs, true, signal),
      this.side(targets.monolith, windowMs, false, signal),
    ]);
    return { microservice, monolith };
  }

  private async side(
    service: string,
    windowMs: number,
    withLatency: boolean,
    signal?: AbortSignal,
  ): Promise<TrafficSample> {
    const q = windowQueries(service, windowMs);
    const [requests, errors, latency] = await Promise.all([
      this.scalar(q.requests, signal),
      this.scalar(q.errors, signal),
      withLatency ? this.vector(q.latency, signal) : Promise.resolve([]),
    ]);
    const buckets: Bucket[] = latency
      .map((s) => ({ le: s.metric.le === "+Inf" ? Infinity : Number(s.metric.le), count: Number(s.value[1]) }))
      .filter((b) => !Number.isNaN(b.le));
    return { requests, errors, ...(withLatency && buckets.length > 0 ? { latency: buckets } : {}) };
  }

  private async scalar(query: string, signal?: AbortSignal): Promise<number> {
    const result = await this.vector(query, signal);
    return result.length > 0 ? Number(result[0].value[1]) || 0 : 0;
  }

  private async vector(query: string, signal?: AbortSignal): Promise<VectorSample[]> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const url = `${this.base}/api/v1/query?query=${encodeURIComponent(query)}`;
    let response: Response;
    try {
      response = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (err) {
      signal?.throwIfAborted();
      const e = err as Error & { cause?: { code?: string } };
      throw new MetricsError(
        `${this.describe()} did not answer: ${timeout.aborted ? `no answer within ${this.timeoutMs} ms` : (e.cause?.code ?? e.message)}`,
      );
    }
    const body = (await response.json().catch(() => undefined)) as
      { status?: string; error?: string; data?: { resultType?: string; result?: VectorSample[] } } | undefined;
    if (!response.ok || body?.status !== "success" || body.data?.resultType !== "vector") {
      throw new MetricsError(
        `${this.describe()} refused the query ${query}: HTTP ${response.status}${body?.error ? `: ${body.error}` : ""}`,
      );
    }
    return body.data.result ?? [];
  }
}

/** The gateway's clusters for the two sides, from walk's `services` output (the defaults where walk says nothing). */
export function gateTargets(walkOutputs: Record<string, unknown>): GateTargets {
  const services = unwrapSecrets(walkOutputs.services) as { monolith?: unknown; microservice?: unknown } | undefined;
  return {
    monolith: typeof services?.monolith === "string" ? services.monolith : MONOLITH_SERVICE,
    microservice:
      typeof services?.microservice === "string" ? services.microservice : kubernetesServiceTag(MICROSERVICE),
  };
}
