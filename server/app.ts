import * as fs from "fs";
import * as path from "path";
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { PHASES, Phase } from "../config/schema";
import type { Journey, JourneyStatus, PhaseStatus } from "../automation/journey/journey";
import { planDocument, PlanDocument } from "../automation/planDiff";
import { shortType } from "../automation/planReport";
import { PROJECT_DIR } from "../offline/stackConfig";
import { allows, bearerToken, Caller, Role, TokenEntry, TokenStore } from "./auth";
import { JobManager, JobRefused } from "./jobs";
import {
  eventsQuery,
  jobParams,
  lastEventId,
  parse,
  parseJobRequest,
  parseJsonBody,
  phasesQuery,
  ValidationError,
} from "./schemas";
import type { JourneySource } from "./sources";
import { topologyOf } from "./topology";
import { openApiDocument } from "./openapi";

/**
 * The portal API and the dashboard page, on fastify. Every `/api` route but `/api/health` needs a
 * bearer token; starting and cancelling jobs needs an operator's. Inputs are validated with zod
 * (server/schemas.ts) before anything runs; nothing from a request reaches a shell: jobs are calls
 * of the Journey library, whose engines run the Pulumi CLI without one.
 */

export interface ServerOptions {
  source: JourneySource;
  tokens: TokenEntry[];
  /** The offline plan the page draws from; evaluated at start when not given. */
  plan?: PlanDocument;
  /** The phases the project has stacks for; defaults to the Pulumi.<phase>.yaml files present. */
  phases?: Phase[];
  log?: (line: string) => void;
  /** Comment lines that keep idle event streams open through proxies (default 15 s). */
  heartbeatMs?: number;
  /**
   * How long a status read (the stacks, run's migrations) serves the page's polls (default 3 s);
   * concurrent reads share one, and a job starting or finishing drops it. With the Pulumi engine a
   * read is several CLI calls.
   */
  statusTtlMs?: number;
  /** Jobs that may wait per stack before requests are answered 429 (default 10). */
  maxQueuedPerStack?: number;
}

export interface JourneyServer {
  app: FastifyInstance;
  jobs: JobManager;
  plan: PlanDocument;
  /** Starts listening; resolves to the base URL. */
  listen(options: { port: number; host: string }): Promise<string>;
  /**
   * Stops taking jobs, lets running ones finish for up to `graceMs` and then cancels them cleanly,
   * ends every event stream and closes the server.
   */
  shutdown(options?: { graceMs?: number; now?: AbortSignal }): Promise<void>;
}

const PUBLIC_DIR = path.join(__dirname, "public");

/** Who may call a route: anyone, a read-only token (the default), or an operator's. */
type Access = "public" | Role;
const STATIC_FILES: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/topology.js": { file: "topology.js", type: "text/javascript; charset=utf-8" },
  "/events.js": { file: "events.js", type: "text/javascript; charset=utf-8" },
  "/app.css": { file: "app.css", type: "text/css; charset=utf-8" },
};

const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cache-control": "no-store",
};

/** The `error` field of an answer, by status. */
const ERROR_CODES: Record<number, string> = {
  404: "not-found",
  413: "too-large",
  415: "unsupported-media-type",
  500: "internal",
};

export function availablePhases(dir = PROJECT_DIR): Phase[] {
  return PHASES.filter((p) => fs.existsSync(path.join(dir, `Pulumi.${p}.yaml`)));
}

export async function createServer(options: ServerOptions): Promise<JourneyServer> {
  const { source } = options;
  const log = options.log ?? (() => undefined);
  const tokens = new TokenStore(options.tokens);
  const statusTtlMs = options.statusTtlMs ?? 3_000;
  let cachedStatus: { at: number; value: Promise<StatusRead> } | undefined;
  const jobs = new JobManager({
    source,
    log,
    onChange: () => (cachedStatus = undefined),
    maxQueuedPerStack: options.maxQueuedPerStack,
  });

  /** The stacks' status and run's migrations, without smoke checks: cached briefly, shared by concurrent requests. */
  function readStatus(): Promise<StatusRead> {
    if (cachedStatus && Date.now() - cachedStatus.at < statusTtlMs) return cachedStatus.value;
    const value = withJourney(source, async (journey) => ({
      status: await journey.status({ checks: false }),
      migrations: await configuredMigrations(journey, plan),
    }));
    const entry = { at: Date.now(), value };
    cachedStatus = entry;
    value.catch(() => cachedStatus === entry && (cachedStatus = undefined));
    return value;
  }
  const callers = new WeakMap<FastifyRequest, Caller>();
  const streams = new Set<() => void>();
  const heartbeatMs = options.heartbeatMs ?? 15_000;

  // The plan is evaluated before the server takes any job: offline, the SDK runtime is one per process.
  const plan =
    options.plan ??
    (await (async () => {
      const { journey, release } = source.open();
      try {
        return planDocument(await journey.plan(options.phases ?? availablePhases()));
      } finally {
        await release();
      }
    })());
  const statics = Object.fromEntries(
    Object.entries(STATIC_FILES).map(([route, { file, type }]) => [
      route,
      { body: fs.readFileSync(path.join(PUBLIC_DIR, file)), type },
    ]),
  );

  const app = Fastify({ logger: false, bodyLimit: 16 * 1024, return503OnClosing: true, forceCloseConnections: "idle" });
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  // Deny by default: every route needs a read-only token unless it says `public` (the page, health).
  app.addHook("onRequest", async (request, reply) => {
    const route = request.routeOptions.url;
    const declared = (request.routeOptions.config as { access?: Access } | undefined)?.access;
    if (declared === "public") return;
    // No route matched: a 404, which names nothing outside /api without a token.
    if (route === undefined && !/^\/api(\/|\?|$)/i.test(request.url)) return;
    const needed: Role = declared ?? "read-only";
    const token = bearerToken(request.headers.authorization);
    const caller = token === undefined ? undefined : tokens.identify(token);
    if (!caller) {
      reply.header("www-authenticate", `Bearer realm="journey"${token === undefined ? "" : ', error="invalid_token"'}`);
      return reply.code(401).send({
        error: "unauthorized",
        message:
          token === undefined ? "send a bearer token: Authorization: Bearer <token>" : "the bearer token is not valid",
      });
    }
    if (!allows(caller, needed)) {
      return reply.code(403).send({
        error: "forbidden",
        message: `${caller.name} has the ${caller.role} role; this needs the ${needed} role`,
      });
    }
    callers.set(request, caller);
  });

  app.addHook("onSend", async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(name)) reply.header(name, value);
    return payload;
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error instanceof ValidationError)
      return reply.code(400).send({ error: "validation", message: error.message, fields: error.fields });
    if (error instanceof JobRefused) {
      if (error.retryAfterSeconds !== undefined) reply.header("retry-after", String(error.retryAfterSeconds));
      return reply.code(error.status).send({ error: error.code, message: error.message, ...error.details });
    }
    const status =
      error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) log(`error on ${request.method} ${request.url.split("?")[0]}: ${error.stack ?? error.message}`);
    return reply.code(status).send({
      error: ERROR_CODES[status] ?? "bad-request",
      message: status === 500 ? "internal error; see the server's log" : error.message,
    });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: "not-found", message: `no route ${request.method} ${request.url.split("?")[0]}` }),
  );

  for (const [route, file] of Object.entries(statics)) {
    app.get(route, { config: { access: "public" } }, async (_request, reply) => reply.type(file.type).send(file.body));
  }

  app.get("/api/health", { config: { access: "public" } }, async () => ({
    ok: true,
    acceptingJobs: jobs.acceptingJobs,
    engine: source.kind,
  }));

  const openApi = openApiDocument(JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).version);
  app.get("/api/openapi.json", { config: { access: "public" } }, async () => openApi);

  app.get("/api/whoami", async (request) => ({
    ...callers.get(request)!,
    engine: source.kind,
    engineDescription: source.describe(),
  }));

  app.get("/api/phases", async (request) => {
    const { checks } = parse(phasesQuery, request.query, "query");
    // With checks, a fresh read: the smoke checks run now, one attempt each.
    const { status, migrations } = checks
      ? await withJourney(source, async (journey) => ({
          status: await journey.status({ checks: true }),
          migrations: await configuredMigrations(journey, plan),
        }))
      : await readStatus();
    const run = status.phases.find((p) => p.phase === "run");
    return {
      engine: source.kind,
      engineDescription: status.engine,
      acceptingJobs: jobs.acceptingJobs,
      next: status.next,
      phases: status.phases.map((p) => phaseView(p, plan, jobs)),
      migrations: migrations.map((m) => ({ ...m, deployedWeight: run?.weights?.[m.name] })),
    };
  });

  app.get("/api/plan", async () => plan);

  app.get("/api/topology", async () => {
    const { status } = await readStatus();
    const phases = Object.fromEntries(status.phases.map((p) => [p.phase, p.state]));
    return { phases, ...topologyOf(plan, status.phases.find((p) => p.phase === "run")?.weights ?? {}) };
  });

  app.get("/api/jobs", async () => ({ jobs: jobs.list() }));

  app.post("/api/jobs", { config: { access: "operator" } }, async (request, reply) => {
    const job = parseJobRequest(request.body);
    jobs.refuseCrowding(job);
    if (job.kind === "shift") {
      await checkMigration(source, job.migration);
      await checkStepsRise(job.migration, job.steps);
    }
    const view = await jobs.submit(job, callers.get(request)!.name);
    return reply.code(202).header("location", `/api/jobs/${view.id}`).send(view);
  });

  /** A shift's steps rise above the weight deployed now (automation/journey/migrations.ts says why); unknown weights are left to the job. */
  async function checkStepsRise(migration: string, steps: number[]): Promise<void> {
    const read = await readStatus().catch(() => undefined);
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

  app.get("/api/jobs/:id/events", async (request, reply) => {
    const { id } = parse(jobParams, request.params, "params");
    const query = parse(eventsQuery, request.query, "query");
    const header = request.headers["last-event-id"];
    const last =
      header !== undefined
        ? parse(lastEventId, Array.isArray(header) ? header[0] : header, "Last-Event-ID")
        : (query.lastEventId ?? 0);
    if (!jobs.get(id)) throw notFound(id);
    streamEvents(reply, id, last);
    return reply;
  });

  function streamEvents(reply: FastifyReply, id: string, last: number): void {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    let closed = false;
    let stop: (() => void) | undefined;
    const write = (text: string) => void (closed || res.write(text));
    const heartbeat = setInterval(() => write(": keep-alive\n\n"), heartbeatMs);
    const end = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      stop?.();
      streams.delete(end);
      res.end();
    };
    streams.add(end);
    res.on("close", end);
    write("retry: 2000\n\n");
    // Journey events as plain messages (EventSource's `message`), then one `end` event with the job.
    stop = jobs.follow(id, last, {
      onEvent: ({ id: eventId, event }) => write(`id: ${eventId}\ndata: ${JSON.stringify(event)}\n\n`),
      onEnd: (job) => {
        write(`event: end\ndata: ${JSON.stringify(job)}\n\n`);
        end();
      },
    });
    if (closed) stop?.();
  }

  let closing: Promise<void> | undefined;
  return {
    app,
    jobs,
    plan,
    async listen({ port, host }) {
      await app.listen({ port, host });
      const address = app.server.address();
      const bound = typeof address === "object" && address ? address.port : port;
      return `http://${host.includes(":") ? `[${host}]` : host}:${bound}`;
    },
    shutdown(shutdownOptions = {}) {
      closing ??= (async () => {
        await jobs.shutdown({ graceMs: shutdownOptions.graceMs ?? 5 * 60_000, now: shutdownOptions.now });
        for (const end of [...streams]) end();
        await app.close();
        await source.close();
      })();
      return closing;
    },
  };
}

interface StatusRead {
  status: JourneyStatus;
  migrations: Array<{ name: string; pathPrefix: string; configuredWeight: number }>;
}

async function withJourney<T>(source: JourneySource, use: (journey: Journey) => Promise<T>): Promise<T> {
  const { journey, release } = source.open();
  try {
    return await use(journey);
  } finally {
    await release();
  }
}

/** Run's migrations as its config lists them; as the plan evaluated them when the config cannot be read (e.g. no run stack yet). */
async function configuredMigrations(journey: Journey, plan: PlanDocument): Promise<StatusRead["migrations"]> {
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

function notFound(id: string): Error & { statusCode: number } {
  return Object.assign(new Error(`no job ${id}`), { statusCode: 404 });
}

/** A shift names a migration run's config lists; checked before the job is queued. */
async function checkMigration(source: JourneySource, name: string): Promise<void> {
  const { journey, release } = source.open();
  let known: string[];
  try {
    known = (await journey.migrations()).map((m) => m.name);
  } catch {
    return; // run's config is not readable now; the job reports why.
  } finally {
    await release();
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

function plannedMigrations(plan: PlanDocument): Array<{ name: string; pathPrefix: string; weight: number }> {
  const migrations = plan.phases.find((p) => p.phase === "run")?.outputs.migrations;
  return (Array.isArray(migrations) ? migrations : []).filter(
    (m) => typeof m?.name === "string" && typeof m?.weight === "number",
  );
}

function phaseView(status: PhaseStatus, plan: PlanDocument, jobs: JobManager) {
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
