import { formatDuration } from "./wording";
import { RolledBackError } from "./errors";
import { bakeWithGates, GateOverrides, resolveGates } from "./bake";
import { gateTargets } from "./prometheus";
import { earlyAccessMessage, earlyAccessOf, EarlyAccessStep } from "./earlyAccess";
import { checkStepsAbove, deployedWeights, validateBake, validateSteps } from "./migrations";
import { changeRunInPlace, changeWeight, findMigration } from "./inPlaceChange";
import type { JourneyParts, OperationContext } from "./operation";
import { refuse, requireDeployed, RUN, verify } from "./phaseGate";
import type { ShiftReport } from "./reports";
import { describeReport, failedChecks } from "./smoke";

interface ShiftOptions {
  bakeMs: number;
  earlyAccess?: boolean;
  gates?: GateOverrides;
}

/**
 * The body of `journey shift`: run's smoke checks first, then early access where asked, then each
 * step: the weight applied, a bake (judged by the metric gates where configured), run's smoke
 * checks. On a failing gate or check the last good weight is applied again (`rolled-back`).
 */
export async function shiftTraffic(
  parts: JourneyParts,
  migration: string,
  steps: number[],
  options: ShiftOptions,
  command: string,
  ctx: OperationContext,
): Promise<{ result: ShiftReport; message: string }> {
  const { engine, emit, clock } = parts;
  if (!options.earlyAccess || steps.length > 0) validateSteps(steps);
  validateBake(options.bakeMs);
  const run = await requireDeployed(parts, RUN, RUN);
  const { index, configured } = await findMigration(parts, migration);
  let lastGood = deployedWeights(run.outputs).get(migration) ?? configured.weight;
  if (steps.length > 0) checkStepsAbove(migration, lastGood, steps);
  const earlyAccess = options.earlyAccess
    ? earlyAccessOf(migration, index, configured, run.outputs, lastGood)
    : undefined;
  const gates = resolveGates(index, configured, await engine.readConfig(RUN, "metrics"), options.gates);
  const targets = gates ? gateTargets((await engine.inspect("walk")).outputs) : undefined;

  const baseline = await verify(parts, RUN, run.outputs, ctx);
  if (baseline.verdict === "failed") {
    refuse(
      parts,
      RUN,
      RUN,
      `run's smoke checks fail before any traffic moves (${failedChecks(baseline).join("; ")})`,
      "journey status",
    );
  }
  emit({
    type: "gate",
    phase: RUN,
    requires: RUN,
    verdict: baseline.verdict === "passed" ? "passed" : "unverified",
    reason: `run before shifting: ${describeReport(baseline)}`,
  });

  if (earlyAccess) await earlyAccessStep(parts, index, earlyAccess, lastGood, options.bakeMs, command, ctx);
  const applied: number[] = [];
  for (const to of steps) {
    const outputs = await changeWeight(parts, index, { kind: "shift", migration, from: lastGood, to }, ctx);
    ctx.where = `${migration} is at ${to}%, applied but not verified yet; \`journey rollback\` takes it back to ${lastGood}%`;
    const watched = gates ? `, its metric gates judged every ${formatDuration(gates.intervalMs)}` : "";
    emit({
      type: "waiting",
      phase: RUN,
      what: "bake",
      durationMs: options.bakeMs,
      real: clock.waits,
      detail: `while ${migration} takes ${to}% of the traffic${watched}, then run's smoke checks`,
    });
    if (gates && targets) {
      const bake = {
        gates,
        source: parts.metrics?.(gates.prometheusUrl),
        targets,
        clock,
        signal: ctx.signal,
        emit,
        migration,
        weight: to,
        bakeMs: options.bakeMs,
      };
      const failedGate = await bakeWithGates(bake);
      if (failedGate) {
        await changeWeight(parts, index, { kind: "revert", migration, from: to, to: lastGood }, ctx);
        const gate = failedGate.deciding?.gate ?? "metrics";
        const detail = failedGate.message.replace(/^gate failed: /, "");
        throw new RolledBackError(
          `metric gate failed at ${to}%: ${detail}. ${migration} is back at ${lastGood}%.`,
          [gate],
          lastGood,
          `find why the microservice failed its gate, then \`${command}\``,
        );
      }
    } else {
      await clock.sleep(options.bakeMs, ctx.signal);
    }
    const checks = await verify(parts, RUN, outputs, ctx);
    if (checks.verdict === "failed") {
      const failed = failedChecks(checks);
      await changeWeight(parts, index, { kind: "revert", migration, from: to, to: lastGood }, ctx);
      throw new RolledBackError(
        `smoke check failed at ${to}%: ${failed.join("; ")}. ${migration} is back at ${lastGood}%.`,
        failed,
        lastGood,
        `fix the failing check, then \`${command}\``,
      );
    }
    lastGood = to;
    applied.push(to);
    ctx.where = `${migration} is at ${to}%`;
  }
  return { result: { migration, weight: lastGood, applied }, message: `${migration} is at ${lastGood}%` };
}

/** Turns a migration's early access on (one resource in place), bakes and checks; a failing check turns it off again. */
async function earlyAccessStep(
  parts: JourneyParts,
  index: number,
  step: EarlyAccessStep,
  weight: number,
  bakeMs: number,
  command: string,
  ctx: OperationContext,
): Promise<void> {
  const { emit, clock } = parts;
  const { migration, header, values } = step;
  const path = `migrations[${index}].earlyAccess.enabled`;
  if (step.deployed) {
    emit({ type: "early-access", migration, header, values, enabled: true, reason: "already-on" });
    return;
  }
  emit({ type: "early-access", migration, header, values, enabled: true, reason: "shift" });
  const outputs = await changeRunInPlace(
    parts,
    path,
    false,
    true,
    { what: `${migration}'s early access`, kind: "turning early access on" },
    earlyAccessMessage(migration, true),
    ctx,
  );
  ctx.where = `${migration} has early access on for ${header}, applied but not verified yet`;
  emit({
    type: "waiting",
    phase: RUN,
    what: "bake",
    durationMs: bakeMs,
    real: clock.waits,
    detail: `while callers with ${header}: ${values.join(", ")} reach ${migration}'s microservice (everyone else at ${weight}%), then run's smoke checks`,
  });
  await clock.sleep(bakeMs, ctx.signal);
  const checks = await verify(parts, RUN, outputs, ctx);
  if (checks.verdict !== "failed") return;
  const failed = failedChecks(checks);
  emit({ type: "early-access", migration, header, values, enabled: false, reason: "revert" });
  await changeRunInPlace(
    parts,
    path,
    true,
    false,
    { what: `${migration}'s early access`, kind: "turning early access off" },
    earlyAccessMessage(migration, false),
    ctx,
  );
  throw new RolledBackError(
    `smoke check failed with early access on: ${failed.join("; ")}. ${migration}'s early access is off again; it stays at ${weight}%.`,
    failed,
    weight,
    `fix the failing check, then \`${command}\``,
  );
}
