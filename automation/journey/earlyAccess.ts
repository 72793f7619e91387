import type { Migration } from "../../config/schema";
import { unwrapSecrets } from "../offlineEngine";
import { formatDuration } from "./clock";
import { UsageError } from "./errors";

/** A shift's early-access step: who gets in, and whether run's stack routes them already. */
export interface EarlyAccessStep {
  migration: string;
  header: string;
  values: string[];
  deployed: boolean;
}

/** The early access run's config gives a migration; refused, naming the key, when it has none. */
export function earlyAccessOf(name: string, index: number, configured: Migration, outputs: Record<string, unknown>): EarlyAccessStep {
  const early = configured.earlyAccess;
  if (!early || typeof early.header !== "string" || !Array.isArray(early.values)) {
    throw new UsageError(
      `${name} has no early access to turn on: set cloud-migration-journey:migrations[${index}].earlyAccess in run's config, e.g. {header: x-journey-early-access, values: [qa], enabled: false}, and \`journey up run\``,
    );
  }
  return { migration: name, header: early.header, values: early.values, deployed: deployedEarlyAccess(outputs, name) };
}

/** Whether run's outputs say the migration's early-access rule is deployed. */
export function deployedEarlyAccess(outputs: Record<string, unknown>, name: string): boolean {
  const migrations = unwrapSecrets(outputs.migrations);
  const m = Array.isArray(migrations) ? migrations.find((x) => x?.name === name) : undefined;
  return !!m?.earlyAccess && m.earlyAccess.enabled !== false;
}

/** Run's update message for the change, like weightChangeMessage: `journey early-access disputes off->on`. */
export function earlyAccessMessage(migration: string, enabled: boolean): string {
  return `journey early-access ${migration} ${enabled ? "off->on" : "on->off"}`;
}

export function shiftCommand(migration: string, steps: number[], options: { bakeMs: number; earlyAccess?: boolean }): string {
  const parts = [`journey shift ${migration}`];
  if (options.earlyAccess) parts.push("--early-access");
  if (steps.length > 0) parts.push(`--steps ${steps.join(",")}`);
  parts.push(`--bake ${formatDuration(options.bakeMs)}`);
  return parts.join(" ");
}
