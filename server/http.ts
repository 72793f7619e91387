import type { FastifyRequest } from "fastify";
import type { Caller, Role } from "./auth";

/** What every route of the server shares: who may call it, the headers every answer carries, errors. */

/** Who may call a route: anyone, a read-only token (the default), or an operator's. */
export type Access = "public" | Role;

export const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cache-control": "no-store",
};

/** The `error` field of an answer, by status. */
export const ERROR_CODES: Record<number, string> = {
  404: "not-found",
  413: "too-large",
  415: "unsupported-media-type",
  500: "internal",
};

/** The caller a request was authenticated as (every route but the public ones has one). */
export type CallerOf = (request: FastifyRequest) => Caller;

export function notFound(id: string): Error & { statusCode: number } {
  return Object.assign(new Error(`no job ${id}`), { statusCode: 404 });
}
