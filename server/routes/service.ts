import * as fs from "fs";
import * as path from "path";
import type { FastifyInstance } from "fastify";
import { PROJECT_DIR } from "../../offline/stackConfig";
import type { Caller } from "../auth";
import type { CallerOf } from "../http";
import type { JobManager } from "../jobs";
import { openApiDocument } from "../openapi";
import type { JourneySource } from "../sources";

/** What `GET /api/whoami` answers: the caller and the engine the server runs. */
export interface WhoAmI extends Caller {
  engine: JourneySource["kind"];
  engineDescription: string;
}

/** The service itself: health (public), its OpenAPI document (public), and who the caller is. */
export function serviceRoutes(app: FastifyInstance, source: JourneySource, jobs: JobManager, callerOf: CallerOf) {
  app.get("/api/health", { config: { access: "public" } }, async () => ({
    ok: true,
    acceptingJobs: jobs.acceptingJobs,
    engine: source.kind,
  }));

  const openApi = openApiDocument(JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).version);
  app.get("/api/openapi.json", { config: { access: "public" } }, async () => openApi);

  app.get("/api/whoami", async (request): Promise<WhoAmI> => ({
    ...callerOf(request),
    engine: source.kind,
    engineDescription: source.describe(),
  }));
}
