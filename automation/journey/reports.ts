import type { Phase } from "../../config/schema";
import type { UpdateRecord } from "../engines/engine";
import type { ChangeCounts } from "./events";
import { DEFAULT_STEPS } from "./migrations";
import { failedChecks, SmokeReport } from "./smoke";

/** What the journey's operations return, and how they read for people. */

export interface PhaseStatus {
  phase: Phase;
  stack: string;
  /** `partial`: the stack holds resources but no outputs (its first `up` failed part way). */
  state: "deployed" | "partial" | "not-deployed";
  resourceCount: number;
  updateInProgress: boolean;
  /** Who holds the stack's lock, where the backend says. */
  lockHolder?: string;
  lastUpdate?: UpdateRecord;
  checks?: SmokeReport;
  /** Run's traffic weights per migration, as deployed. */
  weights?: Record<string, number>;
}

export interface JourneyStatus {
  engine: string;
  phases: PhaseStatus[];
  /** What to run next. */
  next: string;
}

export interface UpReport {
  phase: Phase;
  changes: ChangeCounts;
  checks: SmokeReport;
}

export interface ShiftReport {
  migration: string;
  weight: number;
  /** The weights applied and verified, in order. */
  applied: number[];
}

export type RollbackReport =
  | { kind: "weight"; migration: string; from: number; to: number; checks: SmokeReport }
  | { kind: "early-access"; migration: string; checks: SmokeReport }
  | { kind: "phase"; phase: Phase }
  | { kind: "nothing" };

export interface DestroyReport {
  destroyed: Phase[];
}

export interface CancelReport {
  /** The commands cancelled in this process, or the stacks whose update or lock was cancelled. */
  cancelled: string[];
}

/** What to run next, from where each phase stands. */
export function nextStep(phases: PhaseStatus[]): string {
  const busy = phases.find((p) => p.updateInProgress);
  if (busy) return `wait: an update is running on ${busy.phase} (if it crashed, \`journey cancel ${busy.phase}\`)`;
  const unhealthy = phases.find((p) => p.checks?.verdict === "failed");
  if (unhealthy)
    return `fix ${unhealthy.phase}: its smoke checks fail (${failedChecks(unhealthy.checks!).join("; ")}), then \`journey up ${unhealthy.phase}\``;
  const pending = phases.find((p) => p.state !== "deployed");
  if (pending)
    return pending.state === "partial"
      ? `\`journey up ${pending.phase}\` to finish it, or \`journey rollback --yes\` to remove it`
      : `\`journey up ${pending.phase}\``;
  const [migration, weight] =
    Object.entries(phases.find((p) => p.phase === "run")?.weights ?? {}).find(([, w]) => w < 100) ?? [];
  if (migration !== undefined) {
    const steps = DEFAULT_STEPS.filter((s) => s > weight!);
    return `\`journey shift ${migration} --steps ${steps.join(",")} --bake 5m\``;
  }
  return "nothing: every phase is deployed and every migration takes all its traffic";
}
