import type { Migration } from "../../config/schema";
import type { UpdateRecord } from "../engines/engine";
import { unwrapSecrets } from "../../offline/evaluator";
import { formatDuration } from "./wording";
import { UsageError } from "./errors";

/**
 * A traffic weight change the journey applied, recorded as the message of run's update so that the
 * stack's own history says what to undo: `journey shift disputes 25->50`.
 */
export interface WeightChange {
  kind: "shift" | "revert" | "rollback";
  migration: string;
  from: number;
  to: number;
}

export function weightChangeMessage(change: WeightChange): string {
  return `journey ${change.kind} ${change.migration} ${change.from}->${change.to}`;
}

export function parseWeightChange(message: string | undefined): WeightChange | undefined {
  const match = /^journey (shift|revert|rollback) (\S+) (\d+)->(\d+)$/.exec(message?.trim() ?? "");
  if (!match) return undefined;
  return { kind: match[1] as WeightChange["kind"], migration: match[2], from: Number(match[3]), to: Number(match[4]) };
}

/**
 * The shift that one step back undoes: replays run's successful updates oldest first, each shift
 * pushed, each revert or rollback taking back the shift it undid.
 */
export function lastUndoableShift(history: UpdateRecord[]): WeightChange | undefined {
  const shifts: WeightChange[] = [];
  for (const update of [...history].reverse()) {
    if (update.kind !== "update" || update.result !== "succeeded") continue;
    const change = parseWeightChange(update.message);
    if (!change) continue;
    const top = shifts[shifts.length - 1];
    if (change.kind === "shift") shifts.push(change);
    else if (top && top.migration === change.migration && top.to === change.from && top.from === change.to)
      shifts.pop();
  }
  return shifts[shifts.length - 1];
}

/** Run's `migrations` config, as the journey reads it before changing a weight. */
export function migrationsOf(config: unknown): Migration[] {
  if (config === undefined) return [];
  if (!Array.isArray(config) || !config.every((m) => typeof m?.name === "string" && typeof m?.weight === "number")) {
    throw new UsageError(
      `run's config cloud-migration-journey:migrations is not a list of {name, pathPrefix, rewritePrefix, to, weight}: ${JSON.stringify(config)}`,
    );
  }
  return config as Migration[];
}

/** Weights as deployed: run's `migrations` output. */
export function deployedWeights(outputs: Record<string, unknown>): Map<string, number> {
  const migrations = unwrapSecrets(outputs.migrations);
  const weights = new Map<string, number>();
  if (Array.isArray(migrations))
    for (const m of migrations)
      if (typeof m?.name === "string" && typeof m?.weight === "number") weights.set(m.name, m.weight);
  return weights;
}

/** The traffic steps `status` suggests for a migration. */
export const DEFAULT_STEPS = [10, 25, 50, 100];

/** Longest bake per step the journey takes (the portal API's cap too). */
export const MAX_BAKE_MS = 24 * 3_600_000;

/** Traffic steps: whole percentages from 0 to 100, each above the one before. */
export function validateSteps(steps: number[]): number[] {
  if (steps.length === 0) throw new UsageError("shift needs at least one step, e.g. --steps 10,25,50,100");
  const bad = steps.filter((s) => !Number.isInteger(s) || s < 0 || s > 100);
  if (bad.length > 0) throw new UsageError(`steps must be whole percentages from 0 to 100; got ${bad.join(", ")}`);
  const notRising = steps.findIndex((s, i) => i > 0 && s <= steps[i - 1]);
  if (notRising > 0) {
    throw new UsageError(
      `steps must rise, each above the one before; got ${steps.join(",")} (${steps[notRising]} after ${steps[notRising - 1]}); e.g. 10,25,50,100`,
    );
  }
  return steps;
}

/**
 * A shift only moves traffic forward: its first step must be above the weight deployed now, so
 * that no step ever sends traffic back first (20 -> 10 -> 20). `journey rollback` moves it back.
 */
export function checkStepsAbove(migration: string, current: number, steps: number[]): void {
  validateSteps(steps);
  if (steps[0] > current) return;
  const above = steps.filter((s) => s > current);
  const suggested = above.length > 0 ? above : DEFAULT_STEPS.filter((s) => s > current);
  const hint = current >= 100 ? "it takes all its traffic already" : `e.g. --steps ${suggested.join(",")}`;
  throw new UsageError(
    `${migration} is at ${current}%: a shift's steps must rise above that, but ${steps.join(",")} starts at ${steps[0]}% (a shift never moves traffic back; \`journey rollback\` does); ${hint}`,
  );
}

export function validateBake(ms: number): number {
  if (ms > MAX_BAKE_MS) throw new UsageError(`the bake time must be at most 24h; got ${formatDuration(ms)}`);
  return ms;
}

export function parseSteps(text: string): number[] {
  const parts = text.split(",").map((s) => s.trim());
  const notNumbers = parts.filter((s) => !/^\d+$/.test(s));
  if (notNumbers.length > 0)
    throw new UsageError(`steps must be whole percentages separated by commas, e.g. 10,25,50,100; got "${text}"`);
  return validateSteps(parts.map(Number));
}
