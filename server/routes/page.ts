import * as fs from "fs";
import * as path from "path";
import type { FastifyInstance } from "fastify";
import { PAGE_SCRIPT, pageScript, PUBLIC_DIR } from "../dashboard";

const STATIC_FILES: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.css": { file: "app.css", type: "text/css; charset=utf-8" },
};

/** The dashboard, public: its page and styles (server/public) and its script (server/dashboard.ts). */
export async function pageRoutes(app: FastifyInstance): Promise<void> {
  const files = Object.entries(STATIC_FILES).map(([route, { file, type }]) => ({
    route,
    type,
    body: fs.readFileSync(path.join(PUBLIC_DIR, file)) as Buffer | string,
  }));
  files.push({ route: `/${PAGE_SCRIPT}`, type: "text/javascript; charset=utf-8", body: await pageScript() });
  for (const { route, type, body } of files) {
    app.get(route, { config: { access: "public" } }, async (_request, reply) => reply.type(type).send(body));
  }
}
