import { InvalidArgumentError } from "commander";
import type { GateOverrides } from "../automation/journey/bake";
import { durationOption } from "./options";

/** `journey shift`'s metric-gate flags: each overrides the migration's `gates` (and run's `metrics`) config. */
export interface GateFlags {
  prometheus?: string;
  minSuccessRate?: number;
  maxP99?: number;
  maxErrorRateAboveMonolith?: number;
  minRequests?: number;
  gateHold?: number;
  gateInterval?: number;
}

export function percentOption(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n > 100)
    throw new InvalidArgumentError("must be a percentage from 0 to 100, e.g. 99.5");
  return n;
}

export function countOption(value: string): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError("must be a whole number of requests, at least 1");
  return Number(value);
}

export function intervalOption(value: string): number {
  const ms = durationOption(value);
  if (ms < 1000) throw new InvalidArgumentError("must be at least 1s");
  return ms;
}

export function urlOption(value: string): string {
  const protocol = URL.canParse(value) ? new URL(value).protocol : undefined;
  if (protocol !== "http:" && protocol !== "https:")
    throw new InvalidArgumentError(
      "must be an http(s) URL of the Prometheus HTTP API, e.g. http://prometheus.internal:9090",
    );
  return value;
}

export function gateOverrides(flags: GateFlags): GateOverrides {
  const entries: Array<[keyof GateOverrides, unknown]> = [
    ["prometheusUrl", flags.prometheus],
    ["minSuccessRate", flags.minSuccessRate],
    ["maxP99Ms", flags.maxP99],
    ["maxErrorRateAboveMonolith", flags.maxErrorRateAboveMonolith],
    ["minRequests", flags.minRequests],
    ["holdTimeoutMs", flags.gateHold],
    ["intervalMs", flags.gateInterval],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as GateOverrides;
}
