import type { FastifyInstance } from "fastify";
import type { PhaseStatus } from "../../automation/journey/reports";
import type { PlanDocument } from "../../automation/planDiff";
import { shortType } from "../../offline/resourceTypes";
import type { JobManager } from "../jobs";
import { parse, phasesQuery } from "../schemas";
import type { JourneySource } from "../sources";
import { ConfiguredMigration, readStatusNow, StatusCache } from "../status";
import { Topology, topologyOf } from "../topology";

/** A phase as the page shows it: its status, the jobs on its stack, and what the plan holds for it. */
export interface PhaseView extends PhaseStatus {
  jobs: { running?: string; queued: string[] };
  planned?: { resources: number; byType: Array<{ type: string; count: number }> };
}

/** What `GET /api/phases` answers. */
export interface PhasesAnswer {
  engine: JourneySource["kind"];
  engineDescription: string;
  acceptingJobs: boolean;
  next: string;
  phases: PhaseView[];
  migrations: Array<ConfiguredMigration & { deployedWeight?: number }>;
}

/** What `GET /api/topology` answers: the picture, and each phase's state. */
export type TopologyAnswer = Topology & { phases: Record<string, PhaseStatus["state"]> };

/** The journey as it stands: the phases (with smoke checks on request), the offline plan, the topology. */
export function phaseRoutes(
  app: FastifyInstance,
  source: JourneySource,
  plan: PlanDocument,
  jobs: JobManager,
  status: StatusCache,
) {
  app.get("/api/phases", async (request): Promise<PhasesAnswer> => {
    const { checks } = parse(phasesQuery, request.query, "query");
    // With checks, a fresh read: the smoke checks run now, one attempt each.
    const read = checks ? await readStatusNow(source, plan, true) : await status.read();
    const run = read.status.phases.find((p) => p.phase === "run");
    return {
      engine: source.kind,
      engineDescription: read.status.engine,
      acceptingJobs: jobs.acceptingJobs,
      next: read.status.next,
      phases: read.status.phases.map((p) => phaseView(p, plan, jobs)),
      migrations: read.migrations.map((m) => ({ ...m, deployedWeight: run?.weights?.[m.name] })),
    };
  });

  app.get("/api/plan", async () => plan);

  app.get("/api/topology", async (): Promise<TopologyAnswer> => {
    const read = await status.read();
    const phases = Object.fromEntries(read.status.phases.map((p) => [p.phase, p.state]));
    return { phases, ...topologyOf(plan, read.status.phases.find((p) => p.phase === "run")?.weights ?? {}) };
  });
}

function phaseView(status: PhaseStatus, plan: PlanDocument, jobs: JobManager): PhaseView {
  const planned = plan.phases.find((p) => p.phase === status.phase);
  // Counted as the stack counts them: components (`journey:*`) too.
  const own = planned?.resources ?? [];
  const byType = new Map<string, number>();
  for (const r of own) byType.set(shortType(r.type), (byType.get(shortType(r.type)) ?? 0) + 1);
  const active = jobs.activeOn(status.phase);
  return {
    ...status,
    jobs: {
      running: active.find((j) => j.state === "running")?.id,
      queued: active.filter((j) => j.state === "queued").map((j) => j.id),
    },
    planned: planned
      ? {
          resources: own.length,
          byType: [...byType.entries()]
            .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
            .map(([type, count]) => ({ type, count })),
        }
      : undefined,
  };
}
