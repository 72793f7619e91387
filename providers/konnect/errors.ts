/**
 * Konnect's failures as errors: each HTTP status explained once, with what to do about it, naming
 * the entity and the request but never the token.
 */
import { HttpError } from "../http";

/** What went wrong, for callers that react to it (adopt on a conflict, for instance). */
export type KonnectFailure = "unauthenticated" | "forbidden" | "not-found" | "conflict" | "rejected";

export class KonnectError extends HttpError {
  constructor(
    message: string,
    readonly failure: KonnectFailure,
    status: number,
    method: string,
    url: string,
    responseBody?: unknown,
  ) {
    super(message, status, method, url, responseBody);
    this.name = "KonnectError";
  }

  /** The same error with what the caller can do about it appended. */
  withAdvice(advice: string): KonnectError {
    return new KonnectError(
      `${this.message}; ${advice}`,
      this.failure,
      this.status as number,
      this.method,
      this.url,
      this.responseBody,
    );
  }
}

export function isKonnectFailure(err: unknown, failure: KonnectFailure): err is KonnectError {
  return err instanceof KonnectError && err.failure === failure;
}

export type EntityKind = "control plane" | "data plane certificate" | "gateway service" | "route";
export type Action = "create" | "read" | "update" | "delete";

/** The entity a request is about, for error messages. */
export interface Entity {
  kind: EntityKind;
  id?: string;
  name?: string | null;
  controlPlaneId?: string;
}

/** The one place an HTTP status becomes an explanation. */
export function explain(
  status: number,
  { entity, action }: { entity: Entity; action: Action },
  tokenSource: string | undefined,
  problem: string | undefined,
): [KonnectFailure, string] {
  switch (status) {
    case 401:
      return [
        "unauthenticated",
        "the Konnect token is missing, invalid or expired" +
          (tokenSource ? `; set a valid kpat_/spat_ token in ${tokenSource}` : ""),
      ];
    case 403:
      return ["forbidden", permissionAdvice(entity, action)];
    case 404:
      return ["not-found", notFoundAdvice(entity)];
    case 409:
      return [
        "conflict",
        `a ${entity.kind}${entity.name ? ` named "${entity.name}"` : ""} already exists${scope(entity)}`,
      ];
    default:
      return ["rejected", problem ?? `Konnect refused to ${action} it`];
  }
}

function permissionAdvice(entity: Entity, action: Action): string {
  if (entity.kind === "control plane" && action === "create") {
    return "the token lacks permission to create control planes; give the system account the Control Plane Creator role (or the Control Plane Admin team)";
  }
  const controlPlane = controlPlaneOf(entity);
  const what =
    entity.kind === "control plane"
      ? `control plane ${controlPlane}`
      : `${entity.kind}s on control plane ${controlPlane}`;
  return `the token lacks permission to ${action} ${what}; give the system account the Control Plane Admin role for control plane ${controlPlane}`;
}

/** A 404 outside a read or delete: the control plane itself (or the one holding the entity) is gone. */
function notFoundAdvice(entity: Entity): string {
  return `control plane ${controlPlaneOf(entity)} does not exist (deleted outside Pulumi? \`pulumi refresh\` records that)`;
}

function controlPlaneOf(entity: Entity): string | undefined {
  return entity.kind === "control plane" ? (entity.name ? `"${entity.name}"` : entity.id) : entity.controlPlaneId;
}

export function describeEntity(entity: Entity): string {
  const label = entity.name ? `"${entity.name}"${entity.id ? ` (${entity.id})` : ""}` : (entity.id ?? "(new)");
  return `Konnect ${entity.kind} ${label}${scope(entity)}`;
}

function scope(entity: Entity): string {
  return entity.controlPlaneId ? ` in control plane ${entity.controlPlaneId}` : "";
}
