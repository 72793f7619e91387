import type { OpType } from "@pulumi/pulumi/automation";
import type { Phase } from "../../config/schema";
import type { SmokeCheck } from "../../phases/contract";
import type { GateResult } from "./gates";

/**
 * What a journey operation reports while it runs: one typed union for every subscriber (the CLI's
 * progress bars, plain lines and NDJSON, a portal's server-sent events). Plain JSON data only.
 */

export type EngineKind = "pulumi" | "offline";
export type Operation = "status" | "plan" | "preview" | "up" | "shift" | "rollback" | "destroy" | "cancel";
export type PhaseAction = "preview" | "up" | "destroy";
/** Resource operations by kind, as Pulumi counts them (`create`, `update`, `same`, `delete`, ...). */
export type ChangeCounts = Partial<Record<OpType, number>>;
export type CheckStatus = "passed" | "failed" | "not-run";
/**
 * How an operation ended. `gate-refused`: a gate stopped it before anything changed;
 * `rolled-back`: a smoke check failed and the last good state was applied again.
 */
export type Outcome = "succeeded" | "failed" | "gate-refused" | "rolled-back" | "cancelled" | "usage";

export interface OperationStarted {
  type: "operation-started";
  operation: Operation;
  engine: EngineKind;
  /** Which engine and backend, for people. */
  engineDescription: string;
  /** The command line that does the same, e.g. `journey shift disputes --steps 10,25 --bake 5m`. */
  command: string;
}

export interface PhaseStarted {
  type: "phase-started";
  phase: Phase;
  action: PhaseAction;
  stack: string;
  /** Part of the stack only, e.g. a destroy's `in-cluster resources first`. */
  scope?: string;
}

export interface ResourceStep {
  type: "resource-step";
  phase: Phase;
  action: PhaseAction;
  op: OpType;
  state: "started" | "done" | "failed";
  urn: string;
  resourceType: string;
  name: string;
  /** Steps finished so far; `total` when the engine knows it up front (offline, or after a preview). */
  progress: { done: number; total?: number };
}

export interface Diagnostic {
  type: "diagnostic";
  phase?: Phase;
  severity: "info" | "warning" | "error";
  message: string;
  urn?: string;
}

export interface PhaseFinished {
  type: "phase-finished";
  phase: Phase;
  action: PhaseAction;
  changes: ChangeCounts;
  durationMs: number;
  /** Set when there was nothing to do, e.g. destroying a stack that holds no resources. */
  skipped?: string;
}

export interface GateEvent {
  type: "gate";
  /** The phase being stepped into (or shifted). */
  phase: Phase;
  /** The phase that must be deployed and healthy first. */
  requires: Phase;
  verdict: "passed" | "unverified" | "refused";
  reason: string;
}

export interface SmokeCheckEvent {
  type: "smoke-check";
  phase: Phase;
  check: string;
  method: SmokeCheck["method"];
  url: string;
  from: SmokeCheck["from"];
  /** `retrying`: this attempt failed and another follows before the deadline. */
  status: CheckStatus | "retrying";
  attempt: number;
  detail: string;
}

export interface WeightEvent {
  type: "weight";
  migration: string;
  from: number;
  to: number;
  reason: "shift" | "revert" | "rollback";
}

/** A migration's early-access rule turned on or off (`already-on`: nothing to change). */
export interface EarlyAccessEvent {
  type: "early-access";
  migration: string;
  header: string;
  values: string[];
  enabled: boolean;
  reason: "shift" | "revert" | "rollback" | "already-on";
}

/** Metric gates judged a step's live traffic (`hold`: too few requests yet; `not-run`: no metrics to read). */
export interface MetricGateEvent {
  type: "metric-gate";
  migration: string;
  weight: number;
  verdict: "pass" | "hold" | "fail" | "not-run";
  results: GateResult[];
  message: string;
  /** The traffic judged: since the step began. */
  windowMs: number;
}

export interface WaitingEvent {
  type: "waiting";
  phase?: Phase;
  what: "bake" | "load-balancers";
  durationMs: number;
  /** False when the engine only rehearses: the wait is reported, not spent. */
  real: boolean;
  detail: string;
}

export interface SummaryEvent {
  type: "summary";
  operation: Operation;
  outcome: Outcome;
  message: string;
  /** How to carry on after a failure or a cancel. */
  resume?: string;
  durationMs: number;
}

export type JourneyEventBody =
  | OperationStarted
  | PhaseStarted
  | ResourceStep
  | Diagnostic
  | PhaseFinished
  | GateEvent
  | SmokeCheckEvent
  | WeightEvent
  | EarlyAccessEvent
  | MetricGateEvent
  | WaitingEvent
  | SummaryEvent;

export type JourneyEvent = JourneyEventBody & { time: string };
export type JourneyListener = (event: JourneyEvent) => void;
export type Emit = (event: JourneyEventBody) => void;

/** The subscribers of one journey; a listener that throws is reported and never stops the operation. */
export class JourneyEvents {
  private readonly listeners = new Set<JourneyListener>();

  subscribe(listener: JourneyListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  readonly emit: Emit = (body) => {
    const event = { ...body, time: new Date().toISOString() } as JourneyEvent;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        process.emitWarning(`a journey event listener failed on ${event.type}: ${(err as Error).message}`);
      }
    }
  };
}
