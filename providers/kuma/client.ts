/**
 * A typed client of the Kuma control-plane REST API (universal mode) for the resources the
 * program applies, and the two token endpoints.
 */
import type { Agent } from "undici";
import { HttpError, JsonRequest, RetryPolicy, detail, requestJson } from "../http";
import {
  DataplaneTokenRequest,
  ResourceKey,
  UniversalResource,
  ZoneTokenRequest,
  dataplaneTokenRequest,
  isKumaType,
  kumaTypeInfo,
  zoneTokenRequest,
} from "../../render/kuma";

export interface KumaConnection {
  /** `https://<cp>:5682` (or `http://<cp>:5681` where TLS ends elsewhere). */
  url: string;
  /** Admin or user token, sent as `Authorization: Bearer`. Never part of an error. */
  token: string;
  /** PEM of the CA that signed the CP's API certificate; the CP must present a certificate it signed. */
  caCertPem?: string;
}

export interface KumaClientOptions extends KumaConnection {
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** Waits between retries; tests pass one that does not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

export interface PutResult {
  /** 201 (created) rather than 200 (updated). */
  created: boolean;
  /** The CP's warnings, e.g. deprecated targetRef kinds. */
  warnings: string[];
}

const DEFAULT_KUMA_TIMEOUT_MS = 15_000;

/** `/meshes/{name}`, `/meshes/{mesh}/<plural>/{name}` or `/<plural>/{name}`, from the type table. */
export function resourcePath(key: ResourceKey): string {
  const { type, name, mesh } = checkedKey(key);
  if (type === "Mesh") return `/meshes/${encodeURIComponent(name)}`;
  const { plural, scope } = kumaTypeInfo(type);
  const collection = scope === "Mesh" ? `/meshes/${encodeURIComponent(mesh as string)}/${plural}` : `/${plural}`;
  return `${collection}/${encodeURIComponent(name)}`;
}

export function resourceKey(resource: ResourceKey): ResourceKey {
  const { type, name, mesh } = checkedKey(resource);
  return mesh === undefined ? { type, name } : { type, name, mesh };
}

/** How errors name a resource: `Kuma MeshHTTPRoute "default/disputes"`. */
function describeResource(key: ResourceKey): string {
  return `Kuma ${key.type} "${key.mesh === undefined ? "" : `${key.mesh}/`}${key.name}"`;
}

function checkedKey(key: ResourceKey): ResourceKey {
  if (!key || !isKumaType(key.type))
    throw new Error(`Kuma resource: type ${JSON.stringify(key?.type)} is not one the program manages`);
  if (typeof key.name !== "string" || key.name === "")
    throw new Error(`Kuma ${key.type}: name is ${JSON.stringify(key.name)}; a non-empty name is required`);
  const meshScoped = kumaTypeInfo(key.type).scope === "Mesh";
  if (meshScoped && (typeof key.mesh !== "string" || key.mesh === "")) {
    throw new Error(
      `Kuma ${key.type} "${key.name}": mesh is ${JSON.stringify(key.mesh)}; a mesh-scoped resource needs its mesh`,
    );
  }
  if (!meshScoped && key.mesh !== undefined)
    throw new Error(`Kuma ${key.type} "${key.name}": a global resource has no mesh (got ${JSON.stringify(key.mesh)})`);
  return key;
}

export class KumaClient {
  private readonly baseUrl: string;
  private readonly agent?: Agent;

  constructor(private readonly options: KumaClientOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new Error(
        `Kuma control plane url ${JSON.stringify(options.url)} is not a URL; expected https://<host>:5682`,
      );
    }
    if (url.protocol !== "https:" && url.protocol !== "http:")
      throw new Error(`Kuma control plane url ${url.origin}: only http and https are supported`);
    if (url.username || url.password)
      throw new Error(
        `Kuma control plane url ${url.host}: credentials in the URL are not accepted; pass the token separately`,
      );
    if (options.caCertPem !== undefined && url.protocol !== "https:") {
      throw new Error(
        `Kuma control plane url ${url.origin}: caCertPem pins a TLS certificate, so the url must be https`,
      );
    }
    if (typeof options.token !== "string" || options.token === "")
      throw new Error(`Kuma control plane ${url.host}: a token is required`);
    this.baseUrl = url.toString().replace(/\/+$/, "");
    // Loaded only to pin a CA: undici is a large module and most uses (plans, tests) never need it.
    this.agent =
      options.caCertPem === undefined
        ? undefined
        : new (require("undici") as typeof import("undici")).Agent({ connect: { ca: options.caCertPem } });
  }

  /** Creates or replaces the resource (PUT is an upsert). */
  async put(resource: UniversalResource): Promise<PutResult> {
    const key = resourceKey(resource);
    const response = await this.send<{ warnings?: string[] }>(
      "PUT",
      resourcePath(key),
      describeResource(key),
      resource,
    );
    if (response.status === 200 || response.status === 201) {
      return { created: response.status === 201, warnings: response.body?.warnings ?? [] };
    }
    throw this.failure(describeResource(key), "PUT", resourcePath(key), response.status, response.body);
  }

  /** The resource as the CP holds it, or undefined when it does not exist. */
  async get<T extends UniversalResource = UniversalResource>(key: ResourceKey): Promise<T | undefined> {
    const path = resourcePath(key);
    const response = await this.send<T>("GET", path, describeResource(key));
    if (response.status === 200 && response.body && typeof response.body === "object") return response.body;
    if (response.status === 404) return undefined;
    throw this.failure(describeResource(key), "GET", path, response.status, response.body);
  }

  /** Deletes the resource; true if it existed, false if it was already gone. */
  async delete(key: ResourceKey): Promise<boolean> {
    const path = resourcePath(key);
    const response = await this.send("DELETE", path, describeResource(key));
    if (response.status === 200 || response.status === 204) return true;
    if (response.status === 404) return false;
    throw this.failure(describeResource(key), "DELETE", path, response.status, response.body);
  }

  /** A zone token (zone CP to global: scope cp; universal zone proxies: ingress/egress). Global CP only. */
  async generateZoneToken(request: ZoneTokenRequest): Promise<string> {
    const body = zoneTokenRequest(request);
    return this.generateToken(
      "/tokens/zone",
      `Kuma zone token for zone "${body.zone}" (${body.scope.join(", ")})`,
      body,
    );
  }

  async generateDataplaneToken(request: DataplaneTokenRequest): Promise<string> {
    const body = dataplaneTokenRequest(request);
    return this.generateToken(
      "/tokens/dataplane",
      `Kuma dataplane token for ${body.name === undefined ? "" : `"${body.name}" in `}mesh "${body.mesh}"`,
      body,
    );
  }

  /** Releases the pinned-CA connection pool, if any. */
  async close(): Promise<void> {
    await this.agent?.close();
  }

  private async generateToken(path: string, subject: string, body: object): Promise<string> {
    // The endpoints answer `text/plain` with the bare JWT.
    const response = await this.send<unknown>("POST", path, subject, body, "text");
    if (response.status === 200 && typeof response.body === "string")
      return this.tokenFrom(subject, path, response.body);
    throw this.failure(subject, "POST", path, response.status, response.status === 200 ? undefined : response.body);
  }

  private tokenFrom(subject: string, path: string, text: string): string {
    const token = text.trim();
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) {
      throw new HttpError(
        `${subject}: POST ${this.baseUrl}${path}: answered 200 without a token (the body is not a JWT; not shown)`,
        200,
        "POST",
        `${this.baseUrl}${path}`,
      );
    }
    return token;
  }

  private send<T>(
    method: JsonRequest["method"],
    path: string,
    subject: string,
    body?: unknown,
    responseType: JsonRequest["responseType"] = "json",
  ) {
    return requestJson<T>({
      responseType,
      method,
      url: `${this.baseUrl}${path}`,
      bearerToken: this.options.token,
      body,
      timeoutMs: this.options.timeoutMs ?? DEFAULT_KUMA_TIMEOUT_MS,
      retry: this.options.retry,
      subject,
      sleep: this.options.sleep,
      init: this.agent ? ({ dispatcher: this.agent } as unknown as JsonRequest["init"]) : undefined,
    });
  }

  private failure(subject: string, method: string, path: string, status: number, body: unknown): HttpError {
    const url = `${this.baseUrl}${path}`;
    return new HttpError(
      `${subject}: ${method} ${url}: ${explain(status)}${detail(body)}${invalidParameters(body)}`,
      status,
      method,
      url,
      body,
    );
  }
}

function explain(status: number): string {
  switch (status) {
    case 401:
      return "HTTP 401: the control plane rejected the token (missing, expired, revoked or issued by another control plane)";
    case 403:
      return "HTTP 403: the token's user may not do this (an admin token, or a user with access to this resource, is needed)";
    case 404:
      return "HTTP 404: not found (for a mesh-scoped resource, does the mesh exist?)";
    default:
      return `HTTP ${status}`;
  }
}

/** Kuma's validation errors list the offending fields: `{ invalid_parameters: [{ field, reason }] }`. */
function invalidParameters(body: unknown): string {
  const params = (body as { invalid_parameters?: { field?: string; reason?: string }[] } | undefined)
    ?.invalid_parameters;
  if (!Array.isArray(params) || params.length === 0) return "";
  return ` (${params.map((p) => `${p.field ?? "?"}: ${p.reason ?? "invalid"}`).join("; ")})`;
}
