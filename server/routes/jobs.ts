import type { FastifyInstance } from "fastify";
import type { CallerOf } from "../http";
import { notFound } from "../http";
import type { JobManager } from "../jobs";
import { jobParams, parse, parseJobRequest, ValidationError } from "../schemas";
import type { JourneySource } from "../sources";
import { StatusCache, withJourney } from "../status";

/** Jobs: listed and read by anyone with a token; started (checked first) and cancelled by an operator. */
export function jobRoutes(
  app: FastifyInstance,
  source: JourneySource,
  jobs: JobManager,
  status: StatusCache,
  callerOf: CallerOf,
) {
  app.get("/api/jobs", async () => ({ jobs: jobs.list() }));

  app.post("/api/jobs", { config: { access: "operator" } }, async (request, reply) => {
    const job = parseJobRequest(request.body);
    jobs.refuseCrowding(job);
    if (job.kind === "shift") {
      await checkMigration(source, job.migration);
      await checkStepsRise(status, job.migration, job.steps);
    }
    const view = await jobs.submit(job, callerOf(request).name);
    return reply.code(202).header("location", `/api/jobs/${view.id}`).send(view);
  });

  app.get("/api/jobs/:id", async (request) => {
    const { id } = parse(jobParams, request.params, "params");
    const job = jobs.get(id);
    if (!job) throw notFound(id);
    return job;
  });

  app.delete("/api/jobs/:id", { config: { access: "operator" } }, async (request, reply) => {
    const { id } = parse(jobParams, request.params, "params");
    const job = jobs.cancel(id);
    if (!job) throw notFound(id);
    // A queued job is cancelled now; a running one stops after the step in flight.
    return reply.code(job.state === "finished" ? 200 : 202).send(job);
  });
}

/** A shift names a migration run's config lists; checked before the job is queued. */
async function checkMigration(source: JourneySource, name: string): Promise<void> {
  let known: string[];
  try {
    known = await withJourney(source, async (journey) => (await journey.migrations()).map((m) => m.name));
  } catch {
    return; // run's config is not readable now; the job reports why.
  }
  if (!known.includes(name)) {
    throw new ValidationError([
      {
        field: "migration",
        message: `is not a migration of run's config; ${known.length > 0 ? `its migrations: ${known.join(", ")}` : "it lists none"}`,
      },
    ]);
  }
}

/** A shift's steps rise above the weight deployed now (automation/journey/migrations.ts says why); unknown weights are left to the job. */
async function checkStepsRise(status: StatusCache, migration: string, steps: number[]): Promise<void> {
  const read = await status.read().catch(() => undefined);
  const run = read?.status.phases.find((p) => p.phase === "run");
  const current = run?.weights?.[migration] ?? read?.migrations.find((m) => m.name === migration)?.configuredWeight;
  if (current === undefined || steps.length === 0 || steps[0] > current) return;
  throw new ValidationError([
    {
      field: "steps",
      message: `must rise above ${migration}'s current weight, ${current}%: a shift never moves traffic back (a rollback job does); got [${steps.join(", ")}]`,
    },
  ]);
}
