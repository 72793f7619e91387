import type { Journey } from "../automation/journey/journey";
import type { JourneyStatus } from "../automation/journey/reports";
import type { PlanDocument } from "../automation/planDiff";
import type { JourneySource } from "./sources";

/** Where the journey stands, as the server reads it: the stacks' status and run's migrations. */

export interface ConfiguredMigration {
  name: string;
  pathPrefix: string;
  configuredWeight: number;
}

export interface StatusRead {
  status: JourneyStatus;
  migrations: ConfiguredMigration[];
}

export async function withJourney<T>(source: JourneySource, use: (journey: Journey) => Promise<T>): Promise<T> {
  const { journey, release } = source.open();
  try {
    return await use(journey);
  } finally {
    await release();
  }
}

/** The status with smoke checks or without, and run's migrations: read now. */
export function readStatusNow(source: JourneySource, plan: PlanDocument, checks: boolean): Promise<StatusRead> {
  return withJourney(source, async (journey) => ({
    status: await journey.status({ checks }),
    migrations: await configuredMigrations(journey, plan),
  }));
}

/**
 * The status without smoke checks: cached for `ttlMs`, shared by concurrent requests, dropped by
 * `invalidate` (a job starting or finishing) and by a failed read.
 */
export class StatusCache {
  private cached: { at: number; value: Promise<StatusRead> } | undefined;

  constructor(
    private readonly source: JourneySource,
    private readonly plan: PlanDocument,
    private readonly ttlMs: number,
  ) {}

  read(): Promise<StatusRead> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.value;
    const value = readStatusNow(this.source, this.plan, false);
    const entry = { at: Date.now(), value };
    this.cached = entry;
    value.catch(() => this.cached === entry && (this.cached = undefined));
    return value;
  }

  invalidate(): void {
    this.cached = undefined;
  }
}

/** Run's migrations as its config lists them; as the plan evaluated them when the config cannot be read (e.g. no run stack yet). */
async function configuredMigrations(journey: Journey, plan: PlanDocument): Promise<ConfiguredMigration[]> {
  try {
    return (await journey.migrations()).map((m) => ({
      name: m.name,
      pathPrefix: m.pathPrefix,
      configuredWeight: m.weight,
    }));
  } catch {
    return plannedMigrations(plan).map((m) => ({ name: m.name, pathPrefix: m.pathPrefix, configuredWeight: m.weight }));
  }
}

function plannedMigrations(plan: PlanDocument): Array<{ name: string; pathPrefix: string; weight: number }> {
  const migrations = plan.phases.find((p) => p.phase === "run")?.outputs.migrations;
  return (Array.isArray(migrations) ? migrations : []).filter(
    (m) => typeof m?.name === "string" && typeof m?.weight === "number",
  );
}
