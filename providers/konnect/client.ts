/**
 * A small typed client for the Konnect REST API v2: control planes, pinned data plane certificates,
 * and the gateway services and routes of a control plane. Every request goes through `requestJson`
 * (timeouts, retries on 429/5xx honouring Retry-After); every failure is a `KonnectError` or an
 * `HttpError` whose message names the entity and the request, never the token.
 */
import { HttpError, RetryPolicy, detail, requestJson } from "../http";
import {
  ControlPlaneRequestBody,
  ControlPlaneUpdateBody,
  DataPlaneCertificateRequestBody,
  GatewayProtocol,
  GatewayServiceRequestBody,
  RouteRequestBody,
} from "./bodies";
import { KONNECT_REGIONS, KonnectRegion, isKonnectRegion } from "../../config/konnect";

export function konnectApiBaseUrl(region: KonnectRegion): string {
  return `https://${region}.api.konghq.com`;
}

export interface KonnectClientOptions {
  region: KonnectRegion;
  /** Replaces `https://{region}.api.konghq.com` (a proxy, or a local fake in tests). */
  baseUrl?: string;
  token: string;
  timeoutMs: number;
  retry?: RetryPolicy;
  /** Where the token came from, e.g. a config key: named in the 401 message. */
  tokenSource?: string;
  /** Waits between retries; tests pass a recorder. */
  sleep?: (ms: number) => Promise<void>;
}

export interface ControlPlane {
  id: string;
  name: string;
  description: string;
  labels: Record<string, string>;
  config: {
    control_plane_endpoint: string;
    telemetry_endpoint: string;
    cluster_type: string;
    auth_type: string;
    cloud_gateway: boolean;
    proxy_urls: { host: string; port: number; protocol: string }[];
  };
  created_at: string;
  updated_at: string;
}

export interface DataPlaneCertificate {
  id: string;
  cert: string;
  created_at?: number;
  updated_at?: number;
}

export interface GatewayService {
  id: string;
  name?: string | null;
  protocol?: GatewayProtocol | null;
  host: string;
  port?: number | null;
  path?: string | null;
  retries?: number | null;
  connect_timeout?: number | null;
  read_timeout?: number | null;
  write_timeout?: number | null;
  tags?: string[] | null;
}

export interface GatewayRoute {
  id: string;
  name?: string | null;
  paths?: string[] | null;
  methods?: string[] | null;
  protocols?: GatewayProtocol[] | null;
  strip_path?: boolean | null;
  preserve_host?: boolean | null;
  service?: { id?: string } | null;
  tags?: string[] | null;
}

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

type EntityKind = "control plane" | "data plane certificate" | "gateway service" | "route";
type Action = "create" | "read" | "update" | "delete";

/** The entity a request is about, for error messages. */
interface Entity {
  kind: EntityKind;
  id?: string;
  name?: string | null;
  controlPlaneId?: string;
}

interface Call {
  entity: Entity;
  action: Action;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  body?: unknown;
}

/** The four calls on a core entity (gateway services, routes) of a control plane. */
export interface CoreEntityCalls<Body, Live> {
  create(controlPlaneId: string, body: Body): Promise<Live>;
  /** undefined when the entity is gone. */
  get(controlPlaneId: string, id: string, name?: string): Promise<Live | undefined>;
  /** PUT: replaces the entity with this id (creating it if absent). */
  upsert(controlPlaneId: string, id: string, body: Body): Promise<Live>;
  /** Idempotent: an entity already gone is not an error. */
  delete(controlPlaneId: string, id: string, name?: string): Promise<void>;
}

export class KonnectClient {
  private readonly baseUrl: string;

  constructor(private readonly options: KonnectClientOptions) {
    if (!options.token) throw new Error("KonnectClient needs a token");
    if (!isKonnectRegion(options.region)) {
      throw new Error(`unknown Konnect region "${options.region}"; use one of ${KONNECT_REGIONS.join(", ")}`);
    }
    this.baseUrl = (options.baseUrl ?? konnectApiBaseUrl(options.region)).replace(/\/+$/, "");
  }

  createControlPlane(body: ControlPlaneRequestBody): Promise<ControlPlane> {
    return this.expect({
      entity: { kind: "control plane", name: body.name },
      action: "create",
      method: "POST",
      path: "/control-planes",
      body,
    });
  }

  getControlPlane(id: string, name?: string): Promise<ControlPlane | undefined> {
    return this.find({
      entity: { kind: "control plane", id, name },
      action: "read",
      method: "GET",
      path: `/control-planes/${enc(id)}`,
    });
  }

  async findControlPlaneByName(name: string): Promise<ControlPlane | undefined> {
    const query = new URLSearchParams({ "filter[name][eq]": name });
    const page = await this.expect<{ data: ControlPlane[] }>({
      entity: { kind: "control plane", name },
      action: "read",
      method: "GET",
      path: `/control-planes?${query}`,
    });
    return page.data.find((cp) => cp.name === name);
  }

  updateControlPlane(id: string, name: string, body: ControlPlaneUpdateBody): Promise<ControlPlane> {
    return this.expect({
      entity: { kind: "control plane", id, name },
      action: "update",
      method: "PATCH",
      path: `/control-planes/${enc(id)}`,
      body,
    });
  }

  deleteControlPlane(id: string, name?: string): Promise<void> {
    return this.remove({
      entity: { kind: "control plane", id, name },
      action: "delete",
      method: "DELETE",
      path: `/control-planes/${enc(id)}`,
    });
  }

  async createDataPlaneCertificate(
    controlPlaneId: string,
    body: DataPlaneCertificateRequestBody,
  ): Promise<DataPlaneCertificate> {
    const created = await this.expect<{ item: DataPlaneCertificate }>({
      entity: { kind: "data plane certificate", controlPlaneId },
      action: "create",
      method: "POST",
      path: certificatesPath(controlPlaneId),
      body,
    });
    return created.item;
  }

  async getDataPlaneCertificate(controlPlaneId: string, id: string): Promise<DataPlaneCertificate | undefined> {
    const found = await this.find<{ item: DataPlaneCertificate }>({
      entity: { kind: "data plane certificate", id, controlPlaneId },
      action: "read",
      method: "GET",
      path: `${certificatesPath(controlPlaneId)}/${enc(id)}`,
    });
    return found?.item;
  }

  deleteDataPlaneCertificate(controlPlaneId: string, id: string): Promise<void> {
    return this.remove({
      entity: { kind: "data plane certificate", id, controlPlaneId },
      action: "delete",
      method: "DELETE",
      path: `${certificatesPath(controlPlaneId)}/${enc(id)}`,
    });
  }

  // Accessors, not fields: Pulumi's closure serialiser keeps a class's methods, not its field initialisers.
  /** Gateway services: `core-entities/services`. */
  get services(): CoreEntityCalls<GatewayServiceRequestBody, GatewayService> {
    return this.coreEntities("services", "gateway service");
  }

  /** Routes: `core-entities/routes`. */
  get routes(): CoreEntityCalls<RouteRequestBody, GatewayRoute> {
    return this.coreEntities("routes", "route");
  }

  private coreEntities<Body extends { name: string }, Live>(
    collection: "services" | "routes",
    kind: EntityKind,
  ): CoreEntityCalls<Body, Live> {
    const entity = (controlPlaneId: string, name?: string, id?: string): Entity => ({ kind, id, name, controlPlaneId });
    const path = (controlPlaneId: string, id?: string) => coreEntitiesPath(controlPlaneId, collection, id);
    return {
      create: (cp, body) =>
        this.expect({ entity: entity(cp, body.name), action: "create", method: "POST", path: path(cp), body }),
      get: (cp, id, name) =>
        this.find({ entity: entity(cp, name, id), action: "read", method: "GET", path: path(cp, id) }),
      upsert: (cp, id, body) =>
        this.expect({ entity: entity(cp, body.name, id), action: "update", method: "PUT", path: path(cp, id), body }),
      delete: (cp, id, name) =>
        this.remove({ entity: entity(cp, name, id), action: "delete", method: "DELETE", path: path(cp, id) }),
    };
  }

  /** A request that must succeed with a body. */
  private async expect<T>(call: Call): Promise<T> {
    const { status, body } = await this.send<T>(call, false);
    if (body === undefined) throw this.failure(call, status, undefined, "answered without a body");
    return body;
  }

  /** A read: undefined when the entity is gone (404), which is how drift shows. */
  private async find<T>(call: Call): Promise<T | undefined> {
    return (await this.send<T>(call, true)).body;
  }

  /** A delete: an entity that is already gone (404) counts as deleted. */
  private async remove(call: Call): Promise<void> {
    await this.send(call, true);
  }

  private async send<T>(call: Call, absentIsFine: boolean): Promise<{ status: number; body: T | undefined }> {
    const response = await requestJson<T>({
      method: call.method,
      url: this.url(call),
      bearerToken: this.options.token,
      body: call.body,
      timeoutMs: this.options.timeoutMs,
      retry: this.options.retry,
      subject: describeEntity(call.entity),
      sleep: this.options.sleep,
    });
    if (response.status >= 200 && response.status < 300) return response;
    if (response.status === 404 && absentIsFine) return { status: 404, body: undefined };
    throw this.failure(call, response.status, response.body);
  }

  private failure(call: Call, status: number, body: unknown, problem?: string): KonnectError {
    const [failure, explanation] = explain(status, call, this.options.tokenSource, problem);
    const url = this.url(call);
    return new KonnectError(
      `${describeEntity(call.entity)}: ${call.method} ${url}: HTTP ${status}: ${explanation}${detail(body)}`,
      failure,
      status,
      call.method,
      url,
      body,
    );
  }

  private url(call: Call): string {
    return `${this.baseUrl}/v2${call.path}`;
  }
}

/** The one place an HTTP status becomes an explanation. */
function explain(
  status: number,
  { entity, action }: Call,
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

function describeEntity(entity: Entity): string {
  const label = entity.name ? `"${entity.name}"${entity.id ? ` (${entity.id})` : ""}` : (entity.id ?? "(new)");
  return `Konnect ${entity.kind} ${label}${scope(entity)}`;
}

function scope(entity: Entity): string {
  return entity.controlPlaneId ? ` in control plane ${entity.controlPlaneId}` : "";
}

function certificatesPath(controlPlaneId: string): string {
  return `/control-planes/${enc(controlPlaneId)}/dp-client-certificates`;
}

function coreEntitiesPath(controlPlaneId: string, collection: "services" | "routes", id?: string): string {
  return `/control-planes/${enc(controlPlaneId)}/core-entities/${collection}${id === undefined ? "" : `/${enc(id)}`}`;
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}
