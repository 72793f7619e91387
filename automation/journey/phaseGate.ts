/**
 * What stepping into a phase needs: the phase before it deployed and, where asked, its smoke
 * checks not failing. A refusal is reported as a `gate` event and thrown as a GateRefusedError.
 */
import { PHASES, Phase } from "../../config/schema";
import type { StackState } from "../engines/engine";
import { unwrapSecrets } from "../../offline/evaluator";
import { GateRefusedError } from "./errors";
import type { JourneyParts, OperationContext } from "./operation";
import { describeReport, failedChecks, runSmokeChecks, smokeChecksOf, SmokePolicy, SmokeReport } from "./smoke";

export const RUN: Phase = "run";

export const previousPhase = (phase: Phase): Phase | undefined => PHASES[PHASES.indexOf(phase) - 1];

export const isDeployed = (state: StackState): boolean => unwrapSecrets(state.outputs.phase) === state.phase;

/** Stepping into `phase` needs the phase before it deployed and, with `checks`, its smoke checks not failing. */
export async function gate(
  parts: JourneyParts,
  phase: Phase,
  ctx: OperationContext,
  { checks }: { checks: boolean },
): Promise<void> {
  const requires = previousPhase(phase);
  if (!requires) return;
  const state = await requireDeployed(parts, requires, phase);
  if (!checks) {
    parts.emit({ type: "gate", phase, requires, verdict: "passed", reason: `${requires} is deployed` });
    return;
  }
  const report = await verify(parts, requires, state.outputs, ctx);
  if (report.verdict === "failed")
    refuse(
      parts,
      phase,
      requires,
      `${requires}'s smoke checks fail (${failedChecks(report).join("; ")})`,
      `journey up ${requires}`,
    );
  parts.emit({
    type: "gate",
    phase,
    requires,
    verdict: report.verdict === "passed" ? "passed" : "unverified",
    reason: `${requires} is deployed; smoke checks ${describeReport(report)}`,
  });
}

/** The stack of `phase`, which `steppingInto` needs deployed. */
export async function requireDeployed(parts: JourneyParts, phase: Phase, steppingInto: Phase): Promise<StackState> {
  const state = await parts.engine.inspect(phase);
  if (!isDeployed(state)) {
    const why =
      state.resourceCount > 0
        ? `${phase} is only partly deployed (its stack holds ${state.resourceCount} resources but no outputs)`
        : `${phase} is not deployed`;
    refuse(parts, steppingInto, phase, why, `journey up ${phase}`);
  }
  return state;
}

export function refuse(parts: JourneyParts, phase: Phase, requires: Phase, reason: string, resume: string): never {
  parts.emit({ type: "gate", phase, requires, verdict: "refused", reason });
  throw new GateRefusedError(`refused: ${reason}`, resume);
}

/** A phase's smoke checks, as its outputs list them, under the journey's policy unless another is given. */
export function verify(
  parts: JourneyParts,
  phase: Phase,
  outputs: Record<string, unknown>,
  ctx: OperationContext,
  policy: SmokePolicy = parts.policy,
): Promise<SmokeReport> {
  return runSmokeChecks({
    phase,
    checks: smokeChecksOf(outputs),
    runner: parts.smoke,
    policy,
    clock: parts.clock,
    emit: parts.emit,
    signal: ctx.signal,
  });
}
