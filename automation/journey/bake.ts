import type { Migration } from "../../config/schema";
import { Clock, parseDuration } from "./clock";
import { formatDuration } from "./wording";
import { UsageError } from "./errors";
import type { Emit } from "./events";
import { GATE_DEFAULTS, GateDecision, judge, MetricGates } from "./gates";
import { GateTargets, MetricsError, MetricsSource } from "./prometheus";

/** Gate settings a shift is given (flags, the portal) over the migration's config. */
export type GateOverrides = Partial<MetricGates>;

/** Run's `metrics` and the migration's `gates` config, with overrides: undefined when no gate is set. */
export function resolveGates(
  index: number,
  configured: Migration,
  runMetrics: unknown,
  overrides: GateOverrides = {},
): MetricGates | undefined {
  const fromConfig: Partial<NonNullable<Migration["gates"]>> = configured.gates ?? {};
  const duration = (text: string | undefined) => (text === undefined ? undefined : parseDuration(text));
  const merged = {
    minSuccessRate: overrides.minSuccessRate ?? fromConfig.minSuccessRate,
    maxP99Ms: overrides.maxP99Ms ?? duration(fromConfig.maxP99),
    maxErrorRateAboveMonolith: overrides.maxErrorRateAboveMonolith ?? fromConfig.maxErrorRateAboveMonolith,
    minRequests: overrides.minRequests ?? fromConfig.minRequests ?? GATE_DEFAULTS.minRequests,
    holdTimeoutMs: overrides.holdTimeoutMs ?? duration(fromConfig.holdTimeout) ?? GATE_DEFAULTS.holdTimeoutMs,
    intervalMs: overrides.intervalMs ?? duration(fromConfig.interval) ?? GATE_DEFAULTS.intervalMs,
  };
  if (
    merged.minSuccessRate === undefined &&
    merged.maxP99Ms === undefined &&
    merged.maxErrorRateAboveMonolith === undefined
  )
    return undefined;
  const configuredUrl = (runMetrics as { prometheusUrl?: unknown } | undefined)?.prometheusUrl;
  const prometheusUrl = overrides.prometheusUrl ?? (typeof configuredUrl === "string" ? configuredUrl : undefined);
  if (!prometheusUrl) {
    throw new UsageError(
      `${configured.name} has metric gates but nowhere to read metrics from: set cloud-migration-journey:metrics.prometheusUrl in run's config or pass --prometheus <url> (gates of migrations[${index}] need the Prometheus HTTP API)`,
    );
  }
  return { ...merged, prometheusUrl };
}

export interface GatedBake {
  gates: MetricGates;
  /** Undefined where no metrics can be read (the offline engine): the gates are reported as not run. */
  source?: MetricsSource;
  targets: GateTargets;
  clock: Clock;
  signal: AbortSignal;
  emit: Emit;
  migration: string;
  weight: number;
  bakeMs: number;
}

/**
 * Bakes one step while the gates judge the traffic since it began, every `intervalMs`: returns the
 * failing decision as soon as a gate fails, or undefined once the bake is over and the gates pass.
 * Too few requests (or no answer from the metrics source) hold the step past its bake, up to
 * `holdTimeoutMs` from its start; still holding then is a failure.
 */
export async function bakeWithGates(b: GatedBake): Promise<GateDecision | undefined> {
  const report = (
    verdict: GateDecision["verdict"] | "not-run",
    decision: Pick<GateDecision, "results" | "message">,
    windowMs: number,
  ) =>
    b.emit({
      type: "metric-gate",
      migration: b.migration,
      weight: b.weight,
      verdict,
      results: decision.results,
      message: decision.message,
      windowMs,
    });
  if (!b.source) {
    await b.clock.sleep(b.bakeMs, b.signal);
    report(
      "not-run",
      { results: [], message: "metric gates not evaluated: the offline engine reads no metrics" },
      b.bakeMs,
    );
    return undefined;
  }
  const started = b.clock.now();
  const end = started + b.bakeMs;
  const giveUp = started + Math.max(b.bakeMs, b.gates.holdTimeoutMs);
  for (;;) {
    const now = b.clock.now();
    await b.clock.sleep(Math.max(0, Math.min(now + b.gates.intervalMs, now < end ? end : giveUp) - now), b.signal);
    const windowMs = b.clock.now() - started;
    let decision: GateDecision;
    try {
      decision = judge(b.gates, await b.source.window(b.targets, windowMs, b.signal));
    } catch (err) {
      if (!(err instanceof MetricsError)) throw err;
      decision = { verdict: "hold", results: [], message: `holding: ${err.message}` };
    }
    report(decision.verdict, decision, windowMs);
    if (decision.verdict === "fail") return decision;
    const t = b.clock.now();
    if (decision.verdict === "pass" && t >= end) return undefined;
    if (decision.verdict === "hold" && t >= giveUp) {
      const failed: GateDecision = {
        ...decision,
        verdict: "fail",
        message: `gate failed: still holding ${formatDuration(t - started)} after the step began (limit ${formatDuration(b.gates.holdTimeoutMs)}): ${decision.message}`,
      };
      report("fail", failed, windowMs);
      return failed;
    }
  }
}

/** The `journey shift` flags that give these overrides, e.g. ` --min-success-rate 99.5 --max-p99 500ms`. */
export function gateFlags(gates: GateOverrides = {}): string {
  const flags: string[] = [];
  if (gates.prometheusUrl !== undefined) flags.push(`--prometheus ${gates.prometheusUrl}`);
  if (gates.minSuccessRate !== undefined) flags.push(`--min-success-rate ${gates.minSuccessRate}`);
  if (gates.maxP99Ms !== undefined) flags.push(`--max-p99 ${formatDuration(gates.maxP99Ms)}`);
  if (gates.maxErrorRateAboveMonolith !== undefined)
    flags.push(`--max-error-rate-above-monolith ${gates.maxErrorRateAboveMonolith}`);
  if (gates.minRequests !== undefined) flags.push(`--min-requests ${gates.minRequests}`);
  if (gates.holdTimeoutMs !== undefined) flags.push(`--gate-hold ${formatDuration(gates.holdTimeoutMs)}`);
  if (gates.intervalMs !== undefined) flags.push(`--gate-interval ${formatDuration(gates.intervalMs)}`);
  return flags.map((f) => ` ${f}`).join("");
}
