import Fastify, { FastifyInstance, FastifyRequest } from "fastify";
import type { Phase } from "../config/schema";
import { planDocument, PlanDocument } from "../automation/planDiff";
import { allows, bearerToken, Caller, Role, TokenEntry, TokenStore } from "./auth";
import { Access, ERROR_CODES, SECURITY_HEADERS } from "./http";
import { JobManager, JobRefused } from "./jobs";
import { parseJsonBody, ValidationError } from "./schemas";
import type { JourneySource } from "./sources";
import { availablePhases } from "../offline/stackConfig";
import { StatusCache } from "./status";
import { eventRoutes, OpenStreams } from "./routes/events";
import { jobRoutes } from "./routes/jobs";
import { pageRoutes } from "./routes/page";
import { phaseRoutes } from "./routes/phases";
import { serviceRoutes } from "./routes/service";

/**
 * The portal API and the dashboard page, on fastify. Every `/api` route but `/api/health` needs a
 * bearer token; starting and cancelling jobs needs an operator's. Inputs are validated with zod
 * (server/schemas.ts) before anything runs; nothing from a request reaches a shell: jobs are calls
 * of the Journey library, whose engines run the Pulumi CLI without one. The routes are in
 * server/routes, one file per concept.
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

export async function createServer(options: ServerOptions): Promise<JourneyServer> {
  const { source } = options;
  const log = options.log ?? (() => undefined);
  const tokens = new TokenStore(options.tokens);
  const callers = new WeakMap<FastifyRequest, Caller>();
  const callerOf = (request: FastifyRequest) => callers.get(request)!;
  const streams: OpenStreams = new Set();

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
  const status = new StatusCache(source, plan, options.statusTtlMs ?? 3_000);
  const jobs = new JobManager({
    source,
    log,
    onChange: () => status.invalidate(),
    maxQueuedPerStack: options.maxQueuedPerStack,
  });

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
    const code =
      error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (code === 500) log(`error on ${request.method} ${request.url.split("?")[0]}: ${error.stack ?? error.message}`);
    return reply.code(code).send({
      error: ERROR_CODES[code] ?? "bad-request",
      message: code === 500 ? "internal error; see the server's log" : error.message,
    });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: "not-found", message: `no route ${request.method} ${request.url.split("?")[0]}` }),
  );

  await pageRoutes(app);
  serviceRoutes(app, source, jobs, callerOf);
  phaseRoutes(app, source, plan, jobs, status);
  jobRoutes(app, source, jobs, status, callerOf);
  eventRoutes(app, jobs, streams, options.heartbeatMs ?? 15_000);

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
