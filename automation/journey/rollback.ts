import { SmokeChecksFailedError, UsageError } from "./errors";
import { earlyAccessMessage, lastUndoableChange } from "./earlyAccess";
import { deployedWeights } from "./migrations";
import { changeRunInPlace, changeWeight, findMigration } from "./inPlaceChange";
import type { JourneyParts, OperationContext } from "./operation";
import { isDeployed, previousPhase, RUN, verify } from "./phaseGate";
import type { RollbackReport } from "./reports";
import { describeReport, failedChecks } from "./smoke";
import { destroyPhase, newestPhase } from "./teardown";

/**
 * The body of `journey rollback`, one step back: the last journey change to run undone (a shift's
 * weight, or its early access) or, when none is left to undo, the newest phase destroyed (only
 * with `confirmDestroy`).
 */
export async function stepBack(
  parts: JourneyParts,
  confirmDestroy: boolean | undefined,
  ctx: OperationContext,
): Promise<{ result: RollbackReport; message: string }> {
  const { engine } = parts;
  const run = await engine.inspect(RUN);
  const undo = isDeployed(run) ? lastUndoableChange(await engine.history(RUN)) : undefined;
  if (undo && "earlyAccessOn" in undo) return earlyAccessOff(parts, undo.earlyAccessOn, ctx);
  const shift = undo?.weight;
  if (shift) {
    const deployed = deployedWeights(run.outputs).get(shift.migration);
    if (deployed !== undefined && deployed !== shift.to) {
      throw new UsageError(
        `the last journey shift moved ${shift.migration} from ${shift.from}% to ${shift.to}%, but it is deployed at ${deployed}%: the weight was changed outside the journey. Move it forward with \`journey shift ${shift.migration} --steps <weights above ${deployed}>\`, or set the weight in run's config and \`journey up run\`.`,
      );
    }
    const { index } = await findMigration(parts, shift.migration);
    const outputs = await changeWeight(
      parts,
      index,
      { kind: "rollback", migration: shift.migration, from: shift.to, to: shift.from },
      ctx,
    );
    const checks = await verify(parts, RUN, outputs, ctx);
    if (checks.verdict === "failed") {
      const failed = failedChecks(checks);
      throw new SmokeChecksFailedError(
        `${shift.migration} is back at ${shift.from}%, but run's smoke checks fail (${failed.join("; ")})`,
        failed,
        "journey status",
      );
    }
    const result: RollbackReport = {
      kind: "weight",
      migration: shift.migration,
      from: shift.to,
      to: shift.from,
      checks,
    };
    return {
      result,
      message: `${shift.migration} is back at ${shift.from}% (was ${shift.to}%); smoke checks ${describeReport(checks)}`,
    };
  }

  const newest = await newestPhase(parts);
  if (!newest) return { result: { kind: "nothing" }, message: "nothing to roll back: no phase is deployed" };
  if (!confirmDestroy) {
    throw new UsageError(
      `no traffic shift is left to undo, so rolling back destroys the newest phase, ${newest.phase} (${newest.resources.length} resources). Run \`journey rollback --yes\` to confirm.`,
      "journey rollback --yes",
    );
  }
  await destroyPhase(parts, newest.phase, newest.resources, ctx);
  const back = previousPhase(newest.phase);
  return {
    result: { kind: "phase", phase: newest.phase },
    message: `${newest.phase} destroyed; the journey is back at ${back ?? "the start"}`,
  };
}

/** `journey rollback` after a shift's early-access step: that rule off again, one resource in place. */
async function earlyAccessOff(
  parts: JourneyParts,
  migration: string,
  ctx: OperationContext,
): Promise<{ result: RollbackReport; message: string }> {
  const { index, configured } = await findMigration(parts, migration);
  const early = configured.earlyAccess;
  if (early)
    parts.emit({
      type: "early-access",
      migration,
      header: early.header,
      values: early.values,
      enabled: false,
      reason: "rollback",
    });
  const label = { what: `${migration}'s early access`, kind: "turning early access off" };
  const outputs = await changeRunInPlace(
    parts,
    `migrations[${index}].earlyAccess.enabled`,
    true,
    false,
    label,
    earlyAccessMessage(migration, false),
    ctx,
  );
  const checks = await verify(parts, RUN, outputs, ctx);
  if (checks.verdict === "failed") {
    const failed = failedChecks(checks);
    throw new SmokeChecksFailedError(
      `${migration}'s early access is off again, but run's smoke checks fail (${failed.join("; ")})`,
      failed,
      "journey status",
    );
  }
  return {
    result: { kind: "early-access", migration, checks },
    message: `${migration}'s early access is off again; smoke checks ${describeReport(checks)}`,
  };
}
