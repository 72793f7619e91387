/**
 * The step runner under every journey operation: one operation per stack at a time, its start and
 * summary reported, each phase action framed by `phase-started` and `phase-finished`, and every
 * failure turned into a JourneyError.
 */
import type { Phase } from "../../config/schema";
import type { Engine, OperationOptions, PhaseResult } from "../engines/engine";
import type { Clock } from "./clock";
import { CancelledError, EngineError, JourneyError, StackLockedError } from "./errors";
import type { Emit, Operation, PhaseAction } from "./events";
import type { LoadBalancerProbe } from "./loadBalancers";
import type { MetricsSource } from "./prometheus";
import type { SmokeCheckRunner, SmokePolicy } from "./smoke";

/** What a journey's operations work with, settled when the journey is made. */
export interface JourneyParts {
  engine: Engine;
  emit: Emit;
  smoke: SmokeCheckRunner;
  policy: SmokePolicy;
  clock: Clock;
  probe: LoadBalancerProbe;
  /** How long destroy waits for a phase's load balancers to go before it destroys the network. */
  loadBalancerTimeoutMs: number;
  metrics?: (prometheusUrl: string) => MetricsSource;
}

export interface OperationContext {
  signal: AbortSignal;
  /** Where the journey stands, for the message if the operation is cancelled. */
  where?: string;
}

export interface Running {
  command: string;
  controller: AbortController;
}

/** Operations running in this process, by stack (engine state key and phase): one per stack, across journeys. */
const runningHere = new Map<string, Running>();

const stackKey = (engine: Engine, phase: Phase): string => `${engine.stateKey}#${phase}`;

/** The operations running in this process on these stacks of the engine. */
export function runningOn(engine: Engine, phases: readonly Phase[]): Running[] {
  return phases.flatMap((p) => runningHere.get(stackKey(engine, p)) ?? []);
}

/**
 * Runs one operation: takes the stacks it changes (one operation per stack at a time), reports
 * its start and summary, and turns every failure into a JourneyError.
 */
export async function operate<T>(
  { engine, emit }: JourneyParts,
  operation: Operation,
  command: string,
  stacks: Phase[],
  signal: AbortSignal | undefined,
  body: (ctx: OperationContext) => Promise<{ result: T; message: string }>,
): Promise<T> {
  const started = Date.now();
  const controller = new AbortController();
  const ctx: OperationContext = { signal: controller.signal };
  const abort = () => controller.abort(signal?.reason);
  emit({
    type: "operation-started",
    operation,
    engine: engine.kind,
    engineDescription: engine.describe(),
    command,
  });
  let taken: Phase[] = [];
  try {
    const busy = stacks.find((p) => runningHere.has(stackKey(engine, p)));
    if (busy)
      throw new StackLockedError(
        busy,
        `\`${runningHere.get(stackKey(engine, busy))!.command}\` is running on it in this process`,
      );
    taken = stacks;
    const running = { command, controller };
    for (const p of taken) runningHere.set(stackKey(engine, p), running);
    if (signal?.aborted) abort();
    signal?.addEventListener("abort", abort);
    const { result, message } = await body(ctx);
    emit({ type: "summary", operation, outcome: "succeeded", message, durationMs: Date.now() - started });
    return result;
  } catch (err) {
    const failure = controller.signal.aborted
      ? new CancelledError(
          `${command} was cancelled${ctx.where ? `: ${ctx.where}` : ""}. Run \`${command}\` again to resume${taken.length > 0 ? `; if it reports a lock, \`journey cancel ${taken[0]}\`` : ""}.`,
          command,
        )
      : asJourneyError(err);
    emit({
      type: "summary",
      operation,
      outcome: failure.outcome,
      message: failure.message,
      resume: failure.resume,
      durationMs: Date.now() - started,
    });
    throw failure;
  } finally {
    signal?.removeEventListener("abort", abort);
    for (const p of taken) runningHere.delete(stackKey(engine, p));
  }
}

/** One engine action on a phase's stack, framed by `phase-started` and `phase-finished`. */
export async function runPhase<R extends PhaseResult>(
  { emit }: JourneyParts,
  phase: Phase,
  action: PhaseAction,
  ctx: OperationContext,
  run: (options: OperationOptions) => Promise<R>,
  scope?: string,
): Promise<R> {
  const started = Date.now();
  emit({ type: "phase-started", phase, action, stack: phase, ...(scope ? { scope } : {}) });
  const result = await run({ emit, signal: ctx.signal });
  emit({ type: "phase-finished", phase, action, changes: result.changes, durationMs: Date.now() - started });
  return result;
}

function asJourneyError(err: unknown): JourneyError {
  if (err instanceof JourneyError) return err;
  return new EngineError((err as Error)?.message ?? String(err));
}
