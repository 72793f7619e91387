/**
 * Changes to run's config that must update exactly one resource in place: a migration's weight,
 * its early access on or off. Previewed first; on a wrong preview or a failure the config is set back.
 */
import type { Migration } from "../../config/schema";
import { EngineError, UsageError } from "./errors";
import { migrationsOf, WeightChange, weightChangeMessage } from "./migrations";
import { JourneyParts, OperationContext, runPhase } from "./operation";
import { RUN } from "./phaseGate";
import { describeChanges } from "./wording";

/** Run's migrations as its stack config lists them. */
export async function runMigrations({ engine }: JourneyParts): Promise<Migration[]> {
  return migrationsOf(await engine.readConfig(RUN, "migrations"));
}

/** A migration in run's config and its position there, which config paths name. */
export async function findMigration(
  parts: JourneyParts,
  name: string,
): Promise<{ index: number; configured: Migration }> {
  const migrations = await runMigrations(parts);
  const index = migrations.findIndex((m) => m.name === name);
  if (index < 0) {
    const known = migrations.map((m) => m.name);
    throw new UsageError(
      `run has no migration named ${name}; ${known.length > 0 ? `its migrations: ${known.join(", ")}` : "its config lists no migrations"} (cloud-migration-journey:migrations)`,
    );
  }
  return { index, configured: migrations[index] };
}

/**
 * Sets a migration's weight in run's config and applies it, after a preview shows that exactly one
 * resource is updated in place; otherwise the config is set back and nothing is applied.
 */
export async function changeWeight(
  parts: JourneyParts,
  index: number,
  change: WeightChange,
  ctx: OperationContext,
): Promise<Record<string, unknown>> {
  parts.emit({ type: "weight", migration: change.migration, from: change.from, to: change.to, reason: change.kind });
  return changeRunInPlace(
    parts,
    `migrations[${index}].weight`,
    change.from,
    change.to,
    { what: `${change.migration}'s weight`, kind: "a weight change" },
    weightChangeMessage(change),
    ctx,
  );
}

/** Sets `path` in run's config to `to` and applies it when the preview updates exactly one resource in place. */
export async function changeRunInPlace<V extends number | boolean>(
  parts: JourneyParts,
  path: string,
  from: V,
  to: V,
  label: { what: string; kind: string },
  message: string,
  ctx: OperationContext,
): Promise<Record<string, unknown>> {
  const { engine } = parts;
  await engine.setConfig(RUN, path, to);
  try {
    const { changes } = await runPhase(parts, RUN, "preview", ctx, (o) => engine.preview(RUN, o));
    const changed = Object.entries(changes).filter(([op, n]) => op !== "same" && n! > 0);
    if (changed.length !== 1 || changes.update !== 1) {
      throw new EngineError(
        `refused to change ${label.what}: the preview says it ${describeChanges(changes, "preview")}, but ${label.kind} must update exactly one resource in place`,
      );
    }
    const { outputs } = await runPhase(parts, RUN, "up", ctx, (o) => engine.up(RUN, { ...o, message }));
    return outputs;
  } catch (err) {
    if (!ctx.signal.aborted) await engine.setConfig(RUN, path, from);
    throw err;
  }
}
