/**
 * A small typed client for the Konnect REST API v2: control planes, pinned data plane certificates,
 * and the gateway services and routes of a control plane. Every request goes through `requestJson`
 * (timeouts, retries on 429/5xx honouring Retry-After); every failure is a `KonnectError` (errors.ts) or an
 * `HttpError` whose message names the entity and the request, never the token.
 */
import { RetryPolicy, detail, requestJson } from "../http";
import {
  ControlPlaneRequestBody,
  ControlPlaneUpdateBody,
  DataPlaneCertificateRequestBody,
  GatewayServiceRequestBody,
  RouteRequestBody,
} from "./bodies";
import type { ControlPlane, DataPlaneCertificate, GatewayRoute, GatewayService } from "./entities";
import { Action, Entity, EntityKind, KonnectError, describeEntity, explain } from "./errors";
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

function certificatesPath(controlPlaneId: string): string {
  return `/control-planes/${enc(controlPlaneId)}/dp-client-certificates`;
}

function coreEntitiesPath(controlPlaneId: string, collection: "services" | "routes", id?: string): string {
  return `/control-planes/${enc(controlPlaneId)}/core-entities/${collection}${id === undefined ? "" : `/${enc(id)}`}`;
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}
