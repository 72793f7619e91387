import * as http from "node:http";
import { randomUUID } from "node:crypto";
import { AddressInfo } from "node:net";
import { MatchedOperation, OpenApiContract } from "./openapi";
import { upstreamPath } from "./upstream";

type Json = any;

/**
 * What the fake answers instead of handling a request normally. A fault is checked after the
 * request passed the contract checks, so a faulty answer is still an answer to a valid request.
 */
export interface Fault {
  /** Answer this status with an error body in the API's own style. */
  status?: number;
  /** Sent as Retry-After (with 429 or 503). */
  retryAfter?: string;
  /** Wait this long before answering; without `status` or `malformedJson` the request is then handled normally. */
  delayMs?: number;
  /** Answer 200 with a JSON content type and a body that is not JSON. */
  malformedJson?: boolean;
  /** The error's detail text. */
  detail?: string;
}

export interface RecordedRequest {
  method: string;
  /** Without the `/v2` base path. */
  path: string;
  query: Record<string, string>;
  body: unknown;
}

interface Reply {
  status: number;
  body?: unknown;
}

interface Operation {
  contract: OpenApiContract;
  op: MatchedOperation;
  family: ErrorFamily;
}

/** The three error body shapes the Konnect documents use: platform problems, legacy DP-certificate errors, gateway errors. */
type ErrorFamily = "platform" | "dp-certificates" | "core-entities";

interface Child {
  controlPlaneId: string;
  entity: Json;
}

interface ArmedFault {
  method: string;
  path: string | RegExp;
  fault: Fault;
  remaining: number;
}

let contracts: OpenApiContract[] | undefined;

function loadContracts(): OpenApiContract[] {
  contracts ??= [
    OpenApiContract.load(upstreamPath("konnect", "control-planes-v2.openapi.yaml")),
    OpenApiContract.load(upstreamPath("konnect", "control-planes-config-v2.openapi.yaml")),
  ];
  return contracts;
}

/**
 * A local stand-in for the Konnect API v2 on 127.0.0.1: keeps control planes, pinned certificates,
 * services and routes the way Konnect does, checks every request against the published OpenAPI
 * documents (and its own answers too), and injects faults on request.
 *
 * A request that breaks the contract is answered 400 and recorded in `violations`; tests assert
 * there are none.
 */
export class KonnectServer {
  readonly violations: string[] = [];
  /** Requests that passed authentication and the contract checks, in order. */
  readonly requests: RecordedRequest[] = [];
  readonly controlPlanes = new Map<string, Json>();
  readonly certificates = new Map<string, Child>();
  readonly services = new Map<string, Child>();
  readonly routes = new Map<string, Child>();

  private readonly faults: ArmedFault[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly contracts = loadContracts();

  private constructor(
    private readonly server: http.Server,
    readonly token: string,
    readonly region: string,
  ) {}

  static async start(options: { token: string; region?: string }): Promise<KonnectServer> {
    const server = http.createServer();
    const fake = new KonnectServer(server, options.token, options.region ?? "us");
    server.on("request", (req, res) => fake.receive(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  /** Give this to the client as `baseUrl`. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Arms a fault for the next `times` requests with this method and path (without `/v2`, query ignored). */
  inject(method: string, path: string | RegExp, fault: Fault, times = 1): void {
    this.faults.push({ method: method.toUpperCase(), path, fault, remaining: times });
  }

  /** A control plane made outside Pulumi (by hand, or by another stack). */
  seedControlPlane(name: string, extra: { description?: string; labels?: Record<string, string> } = {}): Json {
    return this.createControlPlane({
      name,
      cluster_type: "CLUSTER_TYPE_CONTROL_PLANE",
      auth_type: "pinned_client_certs",
      ...extra,
    }).body;
  }

  requestsTo(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && matches(path, r.path));
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private receive(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.on("error", () => undefined);
    req.on("error", () => undefined);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => this.serve(req, res, Buffer.concat(chunks).toString("utf8")));
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse, text: string): void {
    const url = new URL(req.url ?? "/", "http://fake");
    const method = req.method ?? "GET";
    const path = url.pathname.replace(/^\/v2(?=\/)/, "");
    const where = `${method} ${url.pathname}${url.search}`;
    const query = Object.fromEntries(url.searchParams);

    const operation = this.operationFor(method, url.pathname);
    if (!operation) {
      this.violation(`${where}: no operation in the Konnect OpenAPI documents`);
      return send(res, { status: 404, body: { message: "no such route" } });
    }
    const admitted = this.admit(operation, req, query, text);
    if ("refusal" in admitted) {
      const { status, refusal, breaksContract } = admitted;
      if (breaksContract) this.violation(`${where} (${operation.op.operationId}): ${refusal}`);
      return this.answer(res, operation, { status, body: errorBody(operation.family, status, refusal) }, where, false);
    }

    this.requests.push({ method, path, query, body: admitted.body });
    const fault = this.takeFault(method, path);
    const respond = () => {
      if (fault?.malformedJson) return send(res, { status: 200, body: '{"id": "truncated', raw: true });
      if (fault?.status) {
        const headers: Record<string, string> = fault.retryAfter ? { "retry-after": fault.retryAfter } : {};
        const body = errorBody(
          operation.family,
          fault.status,
          fault.detail ?? http.STATUS_CODES[fault.status] ?? "fault",
        );
        return this.answer(res, operation, { status: fault.status, body }, where, false, headers);
      }
      this.answer(res, operation, this.handle(operation.op, query, admitted.body), where, true);
    };
    if (!fault?.delayMs) return respond();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      respond();
    }, fault.delayMs);
    this.timers.add(timer);
  }

  /** Authentication and the contract checks: the parsed body of a request that passes them, or why it does not. */
  private admit(
    operation: Operation,
    req: http.IncomingMessage,
    query: Record<string, string>,
    text: string,
  ): { body: unknown } | { status: number; refusal: string; breaksContract: boolean } {
    const authorization = req.headers.authorization;
    if (!authorization || !/^Bearer \S+$/.test(authorization))
      return { status: 401, refusal: "no Authorization: Bearer header", breaksContract: true };
    if (authorization !== `Bearer ${this.token}`)
      return { status: 401, refusal: "Invalid credentials", breaksContract: false };

    const documented = operation.contract.queryParameters(operation.op);
    // A deepObject parameter such as `filter` arrives as `filter[name][eq]`.
    const undocumented = Object.keys(query).filter(
      (key) => !documented.includes(key) && !documented.includes(key.split("[")[0]),
    );
    if (undocumented.length > 0)
      return {
        status: 400,
        refusal: `undocumented query parameter(s) ${undocumented.join(", ")}`,
        breaksContract: true,
      };

    let body: unknown;
    if (text.length > 0) {
      if (!String(req.headers["content-type"]).includes("application/json")) {
        return { status: 400, refusal: "a body without Content-Type: application/json", breaksContract: true };
      }
      try {
        body = JSON.parse(text);
      } catch {
        return { status: 400, refusal: "a body that is not JSON", breaksContract: true };
      }
    }
    const problems = operation.contract.validateRequestBody(operation.op, body);
    if (problems.length > 0)
      return { status: 400, refusal: `request body: ${problems.join("; ")}`, breaksContract: true };
    return { body };
  }

  private operationFor(method: string, pathname: string): Operation | undefined {
    for (const contract of this.contracts) {
      const op = contract.match(method, pathname);
      if (!op) continue;
      const family: ErrorFamily = op.pathTemplate.includes("/dp-client-certificates")
        ? "dp-certificates"
        : op.pathTemplate.includes("/core-entities/")
          ? "core-entities"
          : "platform";
      return { contract, op, family };
    }
    return undefined;
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const armed = this.faults.find((f) => f.remaining > 0 && f.method === method && matches(f.path, path));
    if (!armed) return undefined;
    armed.remaining--;
    return armed.fault;
  }

  /**
   * Sends a reply after checking it against the documented response. A success must be documented;
   * the documents leave out many error statuses Konnect does send (409 on services, 429 anywhere),
   * so an undocumented error status is sent unchecked.
   */
  private answer(
    res: http.ServerResponse,
    operation: Operation,
    reply: Reply,
    where: string,
    fromState: boolean,
    headers: Record<string, string> = {},
  ): void {
    const { contract, op } = operation;
    const responses = contract.doc.paths[op.pathTemplate][op.method].responses ?? {};
    const statusText = String(reply.status);
    const documented = Boolean(responses[statusText] ?? responses[`${statusText[0]}XX`] ?? responses.default);
    if (documented || reply.status < 400) {
      const problems = contract.validateResponseBody(op, reply.status, reply.body);
      if (problems.length > 0)
        this.violation(`${where}: the fake's own ${reply.status} answer breaks the contract: ${problems.join("; ")}`);
    }
    if (fromState && reply.status >= 500) this.violation(`${where}: the fake failed: ${JSON.stringify(reply.body)}`);
    send(res, { ...reply, headers });
  }

  private violation(problem: string): void {
    this.violations.push(problem);
  }

  private handle(op: MatchedOperation, query: Record<string, string>, body: Json): Reply {
    const p = op.pathParams;
    switch (op.operationId) {
      case "list-control-planes":
        return this.listControlPlanes(query);
      case "create-control-plane":
        return this.createControlPlane(body);
      case "get-control-plane":
        return this.withControlPlane(p.controlPlaneId, "platform", (cp) => ({ status: 200, body: cp }));
      case "update-control-plane":
        return this.withControlPlane(p.controlPlaneId, "platform", (cp) => this.updateControlPlane(cp, body));
      case "delete-control-plane":
        return this.withControlPlane(p.controlPlaneId, "platform", (cp) => this.deleteControlPlane(cp.id));
      case "create-dataplane-certificate":
        return this.withControlPlane(p.controlPlaneId, "dp-certificates", (cp) => this.createCertificate(cp.id, body));
      case "get-dataplane-certificate":
        return this.withChild(this.certificates, p.controlPlaneId, p.certificateId, "dp-certificates", (c) => ({
          status: 200,
          body: { item: c.entity },
        }));
      case "delete-dataplane-certificate":
        return this.withChild(this.certificates, p.controlPlaneId, p.certificateId, "dp-certificates", (c) => {
          this.certificates.delete(c.entity.id);
          return { status: 204 };
        });
      case "create-service":
        return this.withControlPlane(p.controlPlaneId, "core-entities", (cp) =>
          this.putService(cp.id, undefined, body, 201),
        );
      case "get-service":
        return this.withChild(this.services, p.controlPlaneId, p.ServiceId, "core-entities", (s) => ({
          status: 200,
          body: s.entity,
        }));
      case "upsert-service":
        return this.withControlPlane(p.controlPlaneId, "core-entities", (cp) =>
          this.putService(cp.id, p.ServiceId, body, 200),
        );
      case "delete-service":
        return this.withControlPlane(p.controlPlaneId, "core-entities", (cp) => this.deleteService(cp.id, p.ServiceId));
      case "create-route":
        return this.withControlPlane(p.controlPlaneId, "core-entities", (cp) =>
          this.putRoute(cp.id, undefined, body, 201),
        );
      case "get-route":
        return this.withChild(this.routes, p.controlPlaneId, p.RouteId, "core-entities", (r) => ({
          status: 200,
          body: r.entity,
        }));
      case "upsert-route":
        return this.withControlPlane(p.controlPlaneId, "core-entities", (cp) =>
          this.putRoute(cp.id, p.RouteId, body, 200),
        );
      case "delete-route":
        return this.withControlPlane(p.controlPlaneId, "core-entities", (cp) => {
          const route = this.findChild(this.routes, cp.id, p.RouteId);
          if (route) this.routes.delete(route.entity.id);
          return { status: 204 };
        });
      default:
        this.violation(`${op.method.toUpperCase()} ${op.pathTemplate}: the fake does not implement ${op.operationId}`);
        return { status: 501, body: { message: `not implemented: ${op.operationId}` } };
    }
  }

  private listControlPlanes(query: Record<string, string>): Reply {
    const unsupported = Object.keys(query).filter((k) => k.startsWith("filter[") && k !== "filter[name][eq]");
    if (unsupported.length > 0) {
      this.violation(`the fake does not implement ${unsupported.join(", ")}`);
      return { status: 501, body: errorBody("platform", 501, "not implemented") };
    }
    const wanted = query["filter[name][eq]"];
    const all = [...this.controlPlanes.values()].filter((cp) => wanted === undefined || cp.name === wanted);
    const size = Number(query["page[size]"] ?? 10);
    const number = Number(query["page[number]"] ?? 1);
    const data = all.slice((number - 1) * size, number * size);
    return { status: 200, body: { meta: { page: { number, size, total: all.length } }, data } };
  }

  private createControlPlane(body: Json): Reply {
    if (this.controlPlaneNamed(body.name)) {
      return { status: 409, body: errorBody("platform", 409, "Control Plane with provided name already exists.") };
    }
    const id = randomUUID();
    const prefix = id.replace(/-/g, "").slice(0, 10);
    const now = new Date().toISOString();
    const controlPlane = {
      id,
      name: body.name,
      description: body.description ?? "",
      labels: body.labels ?? {},
      config: {
        control_plane_endpoint: `https://${prefix}.${this.region}.cp.konghq.com`,
        telemetry_endpoint: `https://${prefix}.${this.region}.tp0.konghq.com`,
        cluster_type: body.cluster_type ?? "CLUSTER_TYPE_CONTROL_PLANE",
        auth_type: body.auth_type ?? "pinned_client_certs",
        cloud_gateway: body.cloud_gateway ?? false,
        proxy_urls: body.proxy_urls ?? [],
      },
      created_at: now,
      updated_at: now,
    };
    this.controlPlanes.set(id, controlPlane);
    return { status: 201, body: controlPlane };
  }

  private updateControlPlane(controlPlane: Json, body: Json): Reply {
    const other = body.name === undefined ? undefined : this.controlPlaneNamed(body.name);
    if (other && other.id !== controlPlane.id) {
      return { status: 409, body: errorBody("platform", 409, "Control Plane with provided name already exists.") };
    }
    const { auth_type, proxy_urls, ...rest } = body;
    Object.assign(controlPlane, rest, { updated_at: new Date().toISOString() });
    if (auth_type !== undefined) controlPlane.config.auth_type = auth_type;
    if (proxy_urls !== undefined) controlPlane.config.proxy_urls = proxy_urls;
    return { status: 200, body: controlPlane };
  }

  /** Deleting a control plane deletes everything configured in it. */
  private deleteControlPlane(id: string): Reply {
    this.controlPlanes.delete(id);
    for (const children of [this.certificates, this.services, this.routes]) {
      for (const [childId, child] of children) if (child.controlPlaneId === id) children.delete(childId);
    }
    return { status: 204 };
  }

  private createCertificate(controlPlaneId: string, body: Json): Reply {
    const now = unixNow();
    const item = {
      id: randomUUID(),
      cert: body.cert,
      ...(body.title ? { title: body.title } : {}),
      created_at: now,
      updated_at: now,
    };
    this.certificates.set(item.id, { controlPlaneId, entity: item });
    return { status: 201, body: { item } };
  }

  /** POST (no id) or PUT (id or name): Kong's upsert semantics, with names unique per control plane. */
  private putService(controlPlaneId: string, idOrName: string | undefined, body: Json, status: number): Reply {
    const existing = idOrName === undefined ? undefined : this.findChild(this.services, controlPlaneId, idOrName);
    const id = existing?.entity.id ?? (idOrName && isUuid(idOrName) ? idOrName : randomUUID());
    const name = body.name ?? (idOrName && !isUuid(idOrName) ? idOrName : null);
    if (name && this.childNamed(this.services, controlPlaneId, name, id)) return uniqueViolation(name);
    const now = unixNow();
    const entity = {
      id,
      name,
      protocol: body.protocol ?? "http",
      host: body.host,
      port: body.port ?? 80,
      path: body.path ?? null,
      retries: body.retries ?? 5,
      connect_timeout: body.connect_timeout ?? 60000,
      read_timeout: body.read_timeout ?? 60000,
      write_timeout: body.write_timeout ?? 60000,
      enabled: body.enabled ?? true,
      tags: body.tags ?? null,
      ca_certificates: null,
      client_certificate: null,
      tls_verify: null,
      tls_verify_depth: null,
      created_at: existing?.entity.created_at ?? now,
      updated_at: now,
    };
    this.services.set(id, { controlPlaneId, entity });
    return { status, body: entity };
  }

  private deleteService(controlPlaneId: string, idOrName: string): Reply {
    const service = this.findChild(this.services, controlPlaneId, idOrName);
    if (!service) return { status: 204 };
    const referenced = [...this.routes.values()].some(
      (r) => r.controlPlaneId === controlPlaneId && r.entity.service?.id === service.entity.id,
    );
    if (referenced) {
      return {
        status: 400,
        body: errorBody("core-entities", 400, "an existing 'routes' entity references this 'services' entity"),
      };
    }
    this.services.delete(service.entity.id);
    return { status: 204 };
  }

  private putRoute(controlPlaneId: string, idOrName: string | undefined, body: Json, status: number): Reply {
    const existing = idOrName === undefined ? undefined : this.findChild(this.routes, controlPlaneId, idOrName);
    const id = existing?.entity.id ?? (idOrName && isUuid(idOrName) ? idOrName : randomUUID());
    const name = body.name ?? (idOrName && !isUuid(idOrName) ? idOrName : null);
    if (name && this.childNamed(this.routes, controlPlaneId, name, id)) return uniqueViolation(name);
    const serviceId = body.service?.id;
    if (serviceId && !this.findChild(this.services, controlPlaneId, serviceId)) {
      return {
        status: 400,
        body: errorBody(
          "core-entities",
          400,
          `schema violation (service.id: no service ${serviceId} in this control plane)`,
        ),
      };
    }
    const now = unixNow();
    const entity = {
      id,
      name,
      paths: body.paths ?? null,
      methods: body.methods ?? null,
      hosts: body.hosts ?? null,
      protocols: body.protocols ?? ["http", "https"],
      strip_path: body.strip_path ?? true,
      preserve_host: body.preserve_host ?? false,
      https_redirect_status_code: 426,
      path_handling: "v0",
      regex_priority: 0,
      request_buffering: true,
      response_buffering: true,
      service: serviceId ? { id: serviceId } : null,
      tags: body.tags ?? null,
      created_at: existing?.entity.created_at ?? now,
      updated_at: now,
    };
    this.routes.set(id, { controlPlaneId, entity });
    return { status, body: entity };
  }

  private withControlPlane(id: string, family: ErrorFamily, then: (controlPlane: Json) => Reply): Reply {
    const controlPlane = this.controlPlanes.get(id);
    return controlPlane
      ? then(controlPlane)
      : { status: 404, body: errorBody(family, 404, "The requested control plane was not found.") };
  }

  private withChild(
    children: Map<string, Child>,
    controlPlaneId: string,
    idOrName: string,
    family: ErrorFamily,
    then: (child: Child) => Reply,
  ): Reply {
    return this.withControlPlane(controlPlaneId, family, () => {
      const child = this.findChild(children, controlPlaneId, idOrName);
      return child ? then(child) : { status: 404, body: errorBody(family, 404, "Not found") };
    });
  }

  private findChild(children: Map<string, Child>, controlPlaneId: string, idOrName: string): Child | undefined {
    const byId = children.get(idOrName);
    if (byId?.controlPlaneId === controlPlaneId) return byId;
    return [...children.values()].find((c) => c.controlPlaneId === controlPlaneId && c.entity.name === idOrName);
  }

  private childNamed(
    children: Map<string, Child>,
    controlPlaneId: string,
    name: string,
    exceptId: string,
  ): Child | undefined {
    return [...children.values()].find(
      (c) => c.controlPlaneId === controlPlaneId && c.entity.name === name && c.entity.id !== exceptId,
    );
  }

  private controlPlaneNamed(name: string): Json | undefined {
    return [...this.controlPlanes.values()].find((cp) => cp.name === name);
  }
}

function errorBody(family: ErrorFamily, status: number, detail: string): Json {
  switch (family) {
    case "platform": {
      const body: Json = {
        status,
        title: http.STATUS_CODES[status] ?? "Error",
        instance: `kong:trace:${Date.now()}`,
        detail,
      };
      return status === 400 ? { ...body, invalid_parameters: [{ field: "body", reason: detail }] } : body;
    }
    case "dp-certificates":
      return { message: detail };
    case "core-entities":
      return { message: detail, status };
  }
}

/** Kong's answer to a duplicate name. */
function uniqueViolation(name: string): Reply {
  return { status: 409, body: errorBody("core-entities", 409, `UNIQUE violation detected on '{name="${name}"}'`) };
}

function send(res: http.ServerResponse, reply: Reply & { raw?: boolean; headers?: Record<string, string> }): void {
  if (res.destroyed) return;
  const text = reply.body === undefined ? "" : reply.raw ? String(reply.body) : JSON.stringify(reply.body);
  res.writeHead(reply.status, { ...(text ? { "content-type": "application/json" } : {}), ...reply.headers });
  res.end(text);
}

function matches(pattern: string | RegExp, path: string): boolean {
  return typeof pattern === "string" ? pattern === path : pattern.test(path);
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
