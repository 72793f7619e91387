import type { Phase } from "../../config/schema";
import { JourneyError } from "./errors";
import { formatDuration } from "./wording";
import type { Outcome, SummaryEvent } from "./events";
import { Journey } from "./journey";
import { DEFAULT_STEPS } from "./migrations";

export interface RehearsalOptions {
  /** The phases the project has stacks for, in order. */
  phases: Phase[];
  /** The migration to shift; defaults to the first in run's config. */
  migration?: string;
  steps?: number[];
  bakeMs?: number;
  signal?: AbortSignal;
}

export interface RehearsalStep {
  command: string;
  outcome: Outcome;
  /** The step's summary: what it did, or would have done. */
  message: string;
}

export interface Rehearsal {
  steps: RehearsalStep[];
  /** Why the rehearsal stopped early. */
  failure?: JourneyError;
}

/**
 * The whole journey in one go, meant for an offline journey: up every phase, shift a migration
 * through its steps, one step back, destroy. Stops at the first step that does not succeed.
 */
export async function rehearse(journey: Journey, options: RehearsalOptions): Promise<Rehearsal> {
  const { signal } = options;
  const plan: Array<[string, () => Promise<unknown>]> = options.phases.map((phase) => [
    `journey up ${phase}`,
    () => journey.up(phase, { signal }),
  ]);
  if (options.phases.includes("run")) {
    const migration = options.migration ?? (await journey.migrations())[0]?.name;
    const steps = options.steps ?? DEFAULT_STEPS;
    const bakeMs = options.bakeMs ?? 5 * 60_000;
    if (migration)
      plan.push([
        `journey shift ${migration} --steps ${steps.join(",")} --bake ${formatDuration(bakeMs)}`,
        () => journey.shift(migration, steps, { bakeMs, signal }),
      ]);
  }
  // After a shift, one step back is that shift undone: a plain rollback. Without one, it destroys the newest phase: --yes.
  const shifted = plan.some(([command]) => command.startsWith("journey shift"));
  plan.push(
    [`journey rollback${shifted ? "" : " --yes"}`, () => journey.rollback({ confirmDestroy: !shifted, signal })],
    ["journey destroy --yes", () => journey.destroy({ signal })],
  );

  let summary: SummaryEvent | undefined;
  const unsubscribe = journey.subscribe((event) => {
    if (event.type === "summary") summary = event;
  });
  const steps: RehearsalStep[] = [];
  try {
    for (const [command, step] of plan) {
      try {
        await step();
        steps.push({ command, outcome: "succeeded", message: summary?.message ?? "" });
      } catch (err) {
        if (!(err instanceof JourneyError)) throw err;
        steps.push({ command, outcome: err.outcome, message: err.message });
        return { steps, failure: err };
      }
    }
    return { steps };
  } finally {
    unsubscribe();
  }
}
