/**
 * A stand-in for a universal Kuma global control plane: keeps resources like the CP's store, checks
 * every request against the published REST contract (kuma-2.14.3/openapi.yaml) and records each
 * violation, issues tokens, and injects faults on demand. Listens on 127.0.0.1 only.
 */
import { randomBytes } from "crypto";
import * as http from "http";
import * as https from "https";
import { AddressInfo } from "net";
import Ajv from "ajv";
import { MatchedOperation, OpenApiContract } from "./openapi";
import { upstreamPath } from "./upstream";

export const KUMA_OPENAPI_FILE = upstreamPath("kuma-2.14.3", "openapi.yaml");

let contract: OpenApiContract | undefined;

/** The Kuma REST contract, parsed once per test process (the document is 840 kB). */
export function kumaContract(): OpenApiContract {
  contract ??= OpenApiContract.load(KUMA_OPENAPI_FILE);
  return contract;
}

/** Errors of a universal resource against the contract's `<type>Item` schema, known defects handled. */
export function validateKumaItem(type: string, value: unknown): string[] {
  return withoutKnownDefects(kumaContract().validateComponent(`${type}Item`, value), value);
}

const CA_CONF_ONE_OF = /^\/mtls\/backends\/(\d+)\/conf must match exactly one schema in oneOf/;
const CA_CONF_SCHEMAS: Record<string, string> = {
  builtin: "BuiltinCertificateAuthorityConfig",
  provided: "ProvidedCertificateAuthorityConfig",
};

/**
 * The published document rejects bodies the CP accepts in one place: MeshItem
 * `mtls.backends[].conf` is `oneOf: [ProvidedCertificateAuthorityConfig, BuiltinCertificateAuthorityConfig]`,
 * and as neither schema requires a property, every builtin conf matches both and fails the oneOf.
 * The conf is checked instead against the one schema its backend `type` names.
 */
function withoutKnownDefects(errors: string[], value: unknown): string[] {
  return errors.flatMap((error) => {
    const hit = CA_CONF_ONE_OF.exec(error);
    if (!hit) return [error];
    const backend = (value as { mtls?: { backends?: { type?: string; conf?: unknown }[] } }).mtls?.backends?.[
      Number(hit[1])
    ];
    const schema = CA_CONF_SCHEMAS[backend?.type ?? ""];
    if (!schema) return [error];
    return kumaContract()
      .validateComponent(schema, backend?.conf)
      .map((e) => `/mtls/backends/${hit[1]}/conf${e.startsWith("(body)") ? e.slice(6) : e}`);
  });
}

// ---- token endpoints (not in openapi.yaml; shapes from pkg/tokens/builtin/server/types) ----------

const tokenAjv = new Ajv({ allErrors: true });
const TOKEN_REQUEST_SCHEMAS = {
  "/tokens/zone": tokenAjv.compile({
    type: "object",
    additionalProperties: false,
    required: ["zone", "scope"],
    properties: {
      zone: { type: "string", minLength: 1 },
      scope: { type: "array", minItems: 1, items: { enum: ["cp", "ingress", "egress"] } },
      validFor: { type: "string", pattern: "^(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+$" },
    },
  }),
  "/tokens/dataplane": tokenAjv.compile({
    type: "object",
    additionalProperties: false,
    required: ["mesh"],
    properties: {
      name: { type: "string" },
      mesh: { type: "string", minLength: 1 },
      tags: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
      type: { type: "string" },
      workload: { type: "string" },
      validFor: { type: "string", pattern: "^(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+$" },
    },
  }),
};
type TokenPath = keyof typeof TOKEN_REQUEST_SCHEMAS;

// ---- faults ----------------------------------------------------------------------------------

export type Fault =
  | { kind: "status"; status: 200 | 400 | 401 | 403 | 404 | 409 | 429 | 500 | 503; retryAfter?: string; body?: unknown }
  /** Never answers; the client's timeout has to end it. */
  | { kind: "timeout" }
  /** 200 with a body that is not JSON. */
  | { kind: "malformed-json" };

export interface FaultRule {
  method?: string;
  /** Exact request path, or a pattern. Any path when left out. */
  path?: string | RegExp;
  /** How many matching requests get the fault. Default 1. */
  times?: number;
  fault: Fault;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  authorized: boolean;
  operationId?: string;
}

export interface IssuedToken {
  endpoint: TokenPath;
  request: Record<string, unknown>;
  token: string;
}

export interface KumaServerOptions {
  /** The only bearer token accepted. */
  adminToken?: string;
  /** Serve HTTPS with this key pair instead of HTTP. */
  tls?: { key: string; cert: string };
}

interface StoredResource {
  resource: Record<string, unknown>;
  creationTime: string;
  modificationTime: string;
}

export class KumaServer {
  readonly requests: RecordedRequest[] = [];
  /** Every departure from the published contract, by the client (request) or by this fake (response). */
  readonly violations: string[] = [];
  readonly tokens: IssuedToken[] = [];
  /** Warnings to return on every successful PUT. */
  putWarnings: string[] = [];
  private readonly store = new Map<string, StoredResource>();
  private readonly faults: (FaultRule & { remaining: number })[] = [];
  private readonly hanging = new Set<http.ServerResponse>();
  private clock = Date.parse("2026-01-01T00:00:00Z");
  url = "";

  private constructor(
    readonly adminToken: string,
    private readonly server: http.Server,
  ) {}

  static async start(options: KumaServerOptions = {}): Promise<KumaServer> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void kumaServer.handle(req, res);
    const server = options.tls
      ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
      : http.createServer(handler);
    const kumaServer = new KumaServer(options.adminToken ?? `admin-${randomBytes(8).toString("hex")}`, server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    kumaServer.url = `${options.tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return kumaServer;
  }

  inject(rule: FaultRule): void {
    this.faults.push({ ...rule, remaining: rule.times ?? 1 });
  }

  /** A stored resource as a GET returns it, by REST path. */
  stored(path: string): Record<string, unknown> | undefined {
    const entry = this.store.get(path);
    return entry && this.asServed(path, entry);
  }

  /** Changes a stored resource behind the client's back (drift). */
  tamper(path: string, change: (resource: Record<string, unknown>) => void): void {
    const entry = this.store.get(path);
    if (!entry) throw new Error(`nothing stored at ${path}`);
    change(entry.resource);
  }

  /** Removes a stored resource behind the client's back (drift). */
  forget(path: string): void {
    this.store.delete(path);
  }

  paths(): string[] {
    return [...this.store.keys()].sort();
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const text = await readBody(req);
    const authorized = req.headers.authorization === `Bearer ${this.adminToken}`;
    const record: RecordedRequest = { method, path, body: undefined, authorized };
    this.requests.push(record);

    let body: unknown;
    if (text.length > 0) {
      if (!String(req.headers["content-type"] ?? "").includes("application/json"))
        this.violations.push(`${method} ${path}: body sent without content-type application/json`);
      try {
        body = JSON.parse(text);
      } catch {
        this.violations.push(`${method} ${path}: body is not JSON`);
        return problem(res, 400, "Bad Request", "could not parse the request body");
      }
    }
    record.body = body;

    const tokenEndpoint = method === "POST" && path in TOKEN_REQUEST_SCHEMAS ? (path as TokenPath) : undefined;
    const op = tokenEndpoint ? undefined : kumaContract().match(method, path);
    if (!tokenEndpoint && !op) {
      this.violations.push(`${method} ${path}: no such operation in ${KUMA_OPENAPI_FILE}`);
      return problem(res, 404, "Not Found", "no such endpoint");
    }
    record.operationId = op?.operationId;
    const requestErrors = tokenEndpoint
      ? tokenRequestErrors(tokenEndpoint, body)
      : withoutKnownDefects(kumaContract().validateRequestBody(op as MatchedOperation, body), body);
    this.violations.push(...requestErrors.map((e) => `${method} ${path}: request ${e}`));

    const fault = this.takeFault(method, path);
    if (fault) return this.applyFault(fault, res);
    if (!authorized) return problem(res, 401, "Unauthorized", "invalid or missing token");
    if (requestErrors.length > 0) return problem(res, 400, "Bad Request", requestErrors.join("; "));

    if (tokenEndpoint) return this.issueToken(tokenEndpoint, body as Record<string, unknown>, res);
    const { status, body: answer } = this.resourceOperation(
      op as MatchedOperation,
      path,
      body as Record<string, unknown> | undefined,
    );
    // A 400 answers a violation already recorded; every other answer must be one the contract documents.
    if (status !== 400) {
      const responseErrors = withoutKnownDefects(
        kumaContract().validateResponseBody(op as MatchedOperation, status, answer),
        answer,
      );
      this.violations.push(...responseErrors.map((e) => `${method} ${path}: fake CP's ${status} response ${e}`));
    }
    return send(res, status, answer);
  }

  private resourceOperation(
    op: MatchedOperation,
    path: string,
    body: Record<string, unknown> | undefined,
  ): { status: number; body: unknown } {
    const verb = /^(put|get|delete)([A-Za-z]+)$/.exec(op.operationId);
    if (!verb || verb[2].endsWith("List"))
      return { status: 400, body: problemBody(400, "Bad Request", `${op.operationId} is not emulated`) };
    const [, action, type] = verb;
    const existing = this.store.get(path);
    const notFound = { status: 404, body: problemBody(404, "Not Found", `${path} not found`) };
    if (action === "get") return existing ? { status: 200, body: this.asServed(path, existing) } : notFound;
    if (action === "delete") {
      if (!existing) return notFound;
      this.store.delete(path);
      return { status: 200, body: {} };
    }

    const name = op.pathParams.name;
    const mesh = op.pathParams.mesh;
    const mismatch =
      body?.type !== type
        ? `type is ${JSON.stringify(body?.type)}, the path is for ${type}`
        : body?.name !== name
          ? `name is ${JSON.stringify(body?.name)}, the path names ${name}`
          : mesh !== undefined && body?.mesh !== mesh
            ? `mesh is ${JSON.stringify(body?.mesh)}, the path is in mesh ${mesh}`
            : mesh !== undefined && !this.store.has(`/meshes/${mesh}`)
              ? `mesh ${mesh} does not exist`
              : undefined;
    if (mismatch) {
      this.violations.push(`PUT ${path}: ${mismatch}`);
      return { status: 400, body: problemBody(400, "Bad Request", mismatch) };
    }
    const now = new Date((this.clock += 1000)).toISOString();
    this.store.set(path, {
      resource: structuredClone(body as Record<string, unknown>),
      creationTime: existing?.creationTime ?? now,
      modificationTime: now,
    });
    return {
      status: existing ? 200 : 201,
      body: this.putWarnings.length > 0 ? { warnings: [...this.putWarnings] } : {},
    };
  }

  /** What the CP adds when serving a resource: timestamps, a KRI and its computed labels. */
  private asServed(path: string, entry: StoredResource): Record<string, unknown> {
    const resource = structuredClone(entry.resource);
    const labels = {
      ...(resource.labels as Record<string, string> | undefined),
      "kuma.io/origin": "global",
      "kuma.io/env": "universal",
    };
    if (typeof resource.mesh === "string") Object.assign(labels, { "kuma.io/mesh": resource.mesh });
    return {
      ...resource,
      labels,
      creationTime: entry.creationTime,
      modificationTime: entry.modificationTime,
      kri: `kri_${path.replace(/\//g, "_")}`,
    };
  }

  private issueToken(endpoint: TokenPath, request: Record<string, unknown>, res: http.ServerResponse): void {
    const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const token = [
      segment({ alg: "RS256", kid: "1" }),
      segment({ ...request, jti: randomBytes(8).toString("hex") }),
      randomBytes(32).toString("base64url"),
    ].join(".");
    this.tokens.push({ endpoint, request, token });
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(token);
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const rule = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        (!f.method || f.method.toUpperCase() === method) &&
        (!f.path || (typeof f.path === "string" ? f.path === path : f.path.test(path))),
    );
    if (!rule) return undefined;
    rule.remaining--;
    return rule.fault;
  }

  private applyFault(fault: Fault, res: http.ServerResponse): void {
    switch (fault.kind) {
      case "timeout":
        this.hanging.add(res);
        return;
      case "malformed-json":
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"type": "Mesh", "name": ');
        return;
      case "status":
        return send(
          res,
          fault.status,
          fault.body ?? problemBody(fault.status, `Injected ${fault.status}`, "fault injected by the test"),
          fault.retryAfter,
        );
    }
  }
}

export function startKumaServer(options: KumaServerOptions = {}): Promise<KumaServer> {
  return KumaServer.start(options);
}

function tokenRequestErrors(endpoint: TokenPath, body: unknown): string[] {
  const validate = TOKEN_REQUEST_SCHEMAS[endpoint];
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || "(body)"} ${e.message}${e.params ? " " + JSON.stringify(e.params) : ""}`,
  );
}

function problemBody(status: number, title: string, detailText: string) {
  return {
    type: `https://httpstatuses.com/${status}`,
    title,
    status,
    detail: detailText,
    instance: `trace:${randomBytes(4).toString("hex")}`,
  };
}

function problem(res: http.ServerResponse, status: number, title: string, detailText: string): void {
  send(res, status, problemBody(status, title, detailText));
}

/** JSON for success, problem+json for errors, as the CP answers. */
function send(res: http.ServerResponse, status: number, body: unknown, retryAfter?: string): void {
  const contentType = status >= 400 ? "application/problem+json" : "application/json";
  res.writeHead(status, {
    "content-type": contentType,
    ...(retryAfter === undefined ? {} : { "retry-after": retryAfter }),
  });
  res.end(JSON.stringify(body));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
