import type { JobView } from "../job";
import type { z } from "zod";
import type { JOB_BODIES, JobKind } from "../schemas";
import type { PhasesAnswer, TopologyAnswer } from "../routes/phases";
import type { WhoAmI } from "../routes/service";

/** The portal API as the page calls it, typed from the server's answers; the token stays in the tab's session. */

export const session: { token: string; whoami?: WhoAmI } = {
  token: sessionStorage.getItem("journey-token") || "",
};

export const isOperator = (): boolean => session.whoami?.role === "operator";

/** A refused request: its HTTP status, and a message that says each invalid field once. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The routes the page reads, and what each answers. */
export interface Answers {
  "/api/whoami": WhoAmI;
  "/api/phases": PhasesAnswer;
  "/api/phases?checks=true": PhasesAnswer;
  "/api/topology": TopologyAnswer;
  "/api/jobs": { jobs: JobView[] };
}

export function get<P extends keyof Answers>(path: P): Promise<Answers[P]> {
  return call("GET", path) as Promise<Answers[P]>;
}

export const getJob = (id: string) => call("GET", `/api/jobs/${encodeURIComponent(id)}`) as Promise<JobView>;
export const postJob = (body: JobBody) => call("POST", "/api/jobs", body) as Promise<JobView>;
export const cancelJob = (id: string) => call("DELETE", `/api/jobs/${encodeURIComponent(id)}`) as Promise<JobView>;

/** A job's request body as the server's schemas take it (a `bake` such as `5m`, parsed there). */
export type JobBody = { [K in JobKind]: z.input<(typeof JOB_BODIES)[K]> }[JobKind];

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = { Authorization: `Bearer ${session.token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    // A validation error's message restates its fields: say each field once.
    const fields: Array<{ field: string; message: string }> | undefined = data.fields;
    const detail =
      Array.isArray(fields) && fields.length > 0
        ? `invalid request: ${fields.map((f) => `${f.field} ${f.message}`).join("; ")}`
        : data.message || response.statusText;
    throw new ApiError(response.status, `${response.status} ${detail}`);
  }
  return data;
}
