/**
 * Metric gates: how a shift step is judged by what real traffic did since the step began. Pure
 * functions of the numbers a metrics source measured (automation/journey/prometheus.ts).
 */

export interface MetricGates {
  /** Prometheus HTTP API base URL, e.g. http://prometheus.internal:9090. */
  prometheusUrl: string;
  /** Lowest share of the microservice's requests that may succeed (not 5xx), in percent, e.g. 99.5. */
  minSuccessRate?: number;
  /** Highest p99 latency of the microservice's requests, in ms. */
  maxP99Ms?: number;
  /** Highest error rate of the microservice above the monolith's over the same window, in percentage points. */
  maxErrorRateAboveMonolith?: number;
  /** Requests the microservice must have answered in the window before any gate judges it. */
  minRequests: number;
  /** How long a step may hold for lack of requests before it fails. */
  holdTimeoutMs: number;
  /** How often the gates are evaluated during a bake. */
  intervalMs: number;
}

export const GATE_DEFAULTS = { minRequests: 20, holdTimeoutMs: 10 * 60_000, intervalMs: 5_000 } as const;

/** A cumulative latency histogram bucket: requests that took at most `le` ms (`Infinity`: all). */
export interface Bucket {
  le: number;
  count: number;
}

/** What one side did in the window. */
export interface TrafficSample {
  requests: number;
  /** 5xx answers (Envoy's upstream_rq_xx with class 5, which includes resets and timeouts). */
  errors: number;
  latency?: Bucket[];
}

export interface WindowStats {
  microservice: TrafficSample;
  monolith: TrafficSample;
}

export type GateName = "min-requests" | "success-rate" | "p99-latency" | "relative-error-rate";

export interface GateResult {
  gate: GateName;
  measured: number;
  threshold: number;
  unit: "requests" | "%" | "ms" | "points";
  ok: boolean;
}

export interface GateDecision {
  /** `hold`: too few requests to judge yet. */
  verdict: "pass" | "hold" | "fail";
  results: GateResult[];
  /** The first gate that failed (or, holding, the request count). */
  deciding?: GateResult;
  message: string;
}

/** Error rate in percent; 0 for no requests. */
export function errorRate(sample: TrafficSample): number {
  return sample.requests > 0 ? (100 * sample.errors) / sample.requests : 0;
}

/**
 * Prometheus's histogram_quantile over cumulative buckets: linear within the bucket the rank falls
 * in; in the +Inf bucket, the highest finite bound. NaN without observations.
 */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  if (sorted.length === 0) return NaN;
  const total = sorted[sorted.length - 1].count;
  if (!(total > 0)) return NaN;
  const rank = q * total;
  const index = sorted.findIndex((b) => b.count >= rank);
  const bucket = sorted[index];
  if (bucket.le === Infinity) return sorted.length > 1 ? sorted[sorted.length - 2].le : NaN;
  const lowerBound = index === 0 ? 0 : sorted[index - 1].le;
  const lowerCount = index === 0 ? 0 : sorted[index - 1].count;
  const inBucket = bucket.count - lowerCount;
  if (inBucket <= 0) return bucket.le;
  return lowerBound + (bucket.le - lowerBound) * ((rank - lowerCount) / inBucket);
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export function describeResult(r: GateResult): string {
  const op = r.gate === "success-rate" || r.gate === "min-requests" ? ">=" : "<=";
  const value = (n: number) =>
    Number.isFinite(n)
      ? `${round(n)}${r.unit === "requests" ? "" : r.unit === "points" ? " points" : r.unit}`
      : "no data";
  return `${r.gate} ${value(r.measured)} (threshold ${op} ${value(r.threshold)})`;
}

/** Judges one window: hold below the minimum of requests, fail on the first gate not met, hold while a gate has no data. */
export function judge(
  gates: Omit<MetricGates, "prometheusUrl" | "holdTimeoutMs" | "intervalMs">,
  stats: WindowStats,
): GateDecision {
  const ms = stats.microservice;
  const volume: GateResult = {
    gate: "min-requests",
    measured: ms.requests,
    threshold: gates.minRequests,
    unit: "requests",
    ok: ms.requests >= gates.minRequests,
  };
  if (!volume.ok) {
    return {
      verdict: "hold",
      results: [volume],
      deciding: volume,
      message: `holding: ${round(ms.requests, 0)} requests reached the microservice, ${gates.minRequests} are needed to judge`,
    };
  }
  const results: GateResult[] = [volume];
  if (gates.minSuccessRate !== undefined) {
    const measured = 100 - errorRate(ms);
    results.push({
      gate: "success-rate",
      measured,
      threshold: gates.minSuccessRate,
      unit: "%",
      ok: measured >= gates.minSuccessRate,
    });
  }
  if (gates.maxP99Ms !== undefined) {
    const measured = ms.latency ? histogramQuantile(0.99, ms.latency) : NaN;
    results.push({
      gate: "p99-latency",
      measured,
      threshold: gates.maxP99Ms,
      unit: "ms",
      ok: Number.isFinite(measured) && measured <= gates.maxP99Ms,
    });
  }
  if (gates.maxErrorRateAboveMonolith !== undefined) {
    const measured = errorRate(ms) - errorRate(stats.monolith);
    results.push({
      gate: "relative-error-rate",
      measured,
      threshold: gates.maxErrorRateAboveMonolith,
      unit: "points",
      ok: measured <= gates.maxErrorRateAboveMonolith,
    });
  }
  const failed = results.find((r) => !r.ok && Number.isFinite(r.measured));
  if (failed) return { verdict: "fail", results, deciding: failed, message: `gate failed: ${describeResult(failed)}` };
  // Envoy adds histogram samples to its stats only at each stats flush (5 s by default).
  const missing = results.find((r) => !Number.isFinite(r.measured));
  if (missing)
    return { verdict: "hold", results, deciding: missing, message: `holding: no data yet for ${missing.gate}` };
  return { verdict: "pass", results, message: `gates pass: ${results.map(describeResult).join("; ")}` };
}
