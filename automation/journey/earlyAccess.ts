import type { Migration } from "../../config/schema";
import { unwrapSecrets } from "../../offline/evaluator";
import { formatDuration } from "./wording";
import { UsageError } from "./errors";
import { parseWeightChange, WeightChange } from "./migrations";
import type { UpdateRecord } from "../engines/engine";

/** A shift's early-access step: who gets in, and whether run's stack routes them already. */
export interface EarlyAccessStep {
  migration: string;
  header: string;
  values: string[];
  deployed: boolean;
}

/** The early access run's config gives a migration; refused, naming the key, when it has none. */
export function earlyAccessOf(
  name: string,
  index: number,
  configured: Migration,
  outputs: Record<string, unknown>,
  weight: number,
): EarlyAccessStep {
  if (weight >= 100)
    throw new UsageError(
      `${name} is at 100%: every caller reaches the microservice already, so there is no early access to give`,
    );
  const early = configured.earlyAccess;
  if (!early || typeof early.header !== "string" || !Array.isArray(early.values)) {
    throw new UsageError(
      `${name} has no early access to turn on: set cloud-migration-journey:migrations[${index}].earlyAccess in run's config, e.g. {header: x-journey-early-access, values: [qa], enabled: false}, and \`journey up run\``,
    );
  }
  return { migration: name, header: early.header, values: early.values, deployed: deployedEarlyAccess(outputs, name) };
}

/** Whether run's outputs say the migration's early-access rule is deployed. */
function deployedEarlyAccess(outputs: Record<string, unknown>, name: string): boolean {
  const migrations = unwrapSecrets(outputs.migrations);
  const m = Array.isArray(migrations) ? migrations.find((x) => x?.name === name) : undefined;
  return !!m?.earlyAccess && m.earlyAccess.enabled !== false;
}

/** Run's update message for the change, like weightChangeMessage: `journey early-access disputes off->on`. */
export function earlyAccessMessage(migration: string, enabled: boolean): string {
  return `journey early-access ${migration} ${enabled ? "off->on" : "on->off"}`;
}

function parseEarlyAccessChange(message: string | undefined): { migration: string; enabled: boolean } | undefined {
  const match = /^journey early-access (\S+) (off->on|on->off)$/.exec(message?.trim() ?? "");
  return match ? { migration: match[1], enabled: match[2] === "off->on" } : undefined;
}

/**
 * What one step back undoes, from run's successful updates replayed oldest first (as
 * lastUndoableShift does for weights): the last shift not yet undone, or an early access turned
 * on and not yet off.
 */
export function lastUndoableChange(
  history: UpdateRecord[],
): { weight: WeightChange } | { earlyAccessOn: string } | undefined {
  const stack: Array<{ weight: WeightChange } | { earlyAccessOn: string }> = [];
  for (const update of [...history].reverse()) {
    if (update.kind !== "update" || update.result !== "succeeded") continue;
    const top = stack[stack.length - 1];
    const change = parseWeightChange(update.message);
    if (change) {
      if (change.kind === "shift") stack.push({ weight: change });
      else if (
        top &&
        "weight" in top &&
        top.weight.migration === change.migration &&
        top.weight.to === change.from &&
        top.weight.from === change.to
      )
        stack.pop();
      continue;
    }
    const early = parseEarlyAccessChange(update.message);
    if (early?.enabled) stack.push({ earlyAccessOn: early.migration });
    else if (early && top && "earlyAccessOn" in top && top.earlyAccessOn === early.migration) stack.pop();
  }
  return stack[stack.length - 1];
}

export function shiftCommand(
  migration: string,
  steps: number[],
  options: { bakeMs: number; earlyAccess?: boolean },
): string {
  const parts = [`journey shift ${migration}`];
  if (options.earlyAccess) parts.push("--early-access");
  if (steps.length > 0) parts.push(`--steps ${steps.join(",")}`);
  parts.push(`--bake ${formatDuration(options.bakeMs)}`);
  return parts.join(" ");
}
