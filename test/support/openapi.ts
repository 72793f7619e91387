import * as fs from "fs";
import Ajv, { ValidateFunction } from "ajv";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import * as YAML from "yaml";

type Json = any;

export interface MatchedOperation {
  pathTemplate: string;
  method: string;
  operationId: string;
  pathParams: Record<string, string>;
}

const METHODS = ["get", "put", "post", "patch", "delete", "head", "options"];

/**
 * A published OpenAPI document used as a contract: finds the operation a request is for and
 * validates request and response bodies against the document's own schemas with ajv.
 */
export class OpenApiContract {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly docId: string;

  private constructor(
    readonly file: string,
    readonly doc: Json,
    readonly basePath: string,
  ) {
    const options = { strict: false, allErrors: true, unicodeRegExp: false };
    this.ajv = String(doc.openapi).startsWith("3.1") ? new Ajv2020(options) : new Ajv(options);
    addFormats(this.ajv);
    // Formats the documents use that JSON Schema does not define: accepted as plain strings.
    for (const format of [
      "set",
      "int32",
      "int64",
      "uint32",
      "uint64",
      "float",
      "double",
      "byte",
      "binary",
      "password",
    ]) {
      if (!this.ajv.formats[format]) this.ajv.addFormat(format, true);
    }
    this.ajv.addKeyword({ keyword: "example" });
    this.docId = `openapi://${file}`;
    this.ajv.addSchema({ ...doc, $id: this.docId }, this.docId);
  }

  static load(file: string): OpenApiContract {
    const doc = YAML.parse(fs.readFileSync(file, "utf8"), { maxAliasCount: -1 });
    const server = doc.servers?.[0]?.url as string | undefined;
    const basePath = server ? new URL(server.replace(/\{[^}]+\}/g, "x")).pathname.replace(/\/$/, "") : "";
    return new OpenApiContract(file, doc, basePath);
  }

  /** Finds the operation for `method` on `requestPath` (with or without the server's base path). */
  match(method: string, requestPath: string): MatchedOperation | undefined {
    const m = method.toLowerCase();
    let p = requestPath.split("?")[0];
    if (this.basePath && p.startsWith(this.basePath + "/")) p = p.slice(this.basePath.length);
    const candidates: MatchedOperation[] = [];
    for (const [template, item] of Object.entries<Json>(this.doc.paths ?? {})) {
      if (!METHODS.includes(m) || !item[m]) continue;
      const names: string[] = [];
      const pattern = template
        .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
        .replace(/\\?\{([^}]+)\\?\}|\{([^}]+)\}/g, (_s, a, b) => {
          names.push(a ?? b);
          return "([^/]+)";
        });
      const hit = new RegExp(`^${pattern}$`).exec(p);
      if (!hit) continue;
      const pathParams: Record<string, string> = {};
      names.forEach((n, i) => (pathParams[n] = decodeURIComponent(hit[i + 1])));
      candidates.push({
        pathTemplate: template,
        method: m,
        operationId: item[m].operationId ?? `${m} ${template}`,
        pathParams,
      });
    }
    // A literal segment beats a parameter: prefer the template with the fewest parameters.
    candidates.sort((a, b) => Object.keys(a.pathParams).length - Object.keys(b.pathParams).length);
    return candidates[0];
  }

  /** Errors of a request body against the operation's JSON request schema ([] when valid). */
  validateRequestBody(op: MatchedOperation, body: unknown): string[] {
    const declared = this.operation(op).requestBody;
    const requestBody = this.deref(declared);
    if (!requestBody) return body === undefined ? [] : [`${op.operationId} takes no request body`];
    const base = declared?.$ref ? this.refPath(declared.$ref) : ["paths", op.pathTemplate, op.method, "requestBody"];
    const schemaPointer = this.jsonSchemaPointer(requestBody, base);
    if (!schemaPointer) return [];
    if (body === undefined) return requestBody.required ? [`${op.operationId} requires a request body`] : [];
    return this.check(schemaPointer, body);
  }

  /** Errors of a response body against the documented response for `status` ([] when valid). */
  validateResponseBody(op: MatchedOperation, status: number, body: unknown): string[] {
    const responses = this.operation(op).responses ?? {};
    const key = responses[String(status)]
      ? String(status)
      : responses[`${String(status)[0]}XX`]
        ? `${String(status)[0]}XX`
        : "default";
    const response = this.deref(responses[key]);
    if (!response) return [`${op.operationId} documents no ${status} response`];
    const base =
      response === responses[key]
        ? ["paths", op.pathTemplate, op.method, "responses", key]
        : this.refPath(responses[key].$ref);
    const pointer = this.jsonSchemaPointer(response, base);
    return pointer && body !== undefined ? this.check(pointer, body) : [];
  }

  /** Errors of `value` against a named component schema, e.g. `MeshHTTPRouteItem`. */
  validateComponent(name: string, value: unknown): string[] {
    if (!this.doc.components?.schemas?.[name]) throw new Error(`${this.file} has no components.schemas.${name}`);
    return this.check(`/components/schemas/${escapePointer(name)}`, value);
  }

  /** Parameters documented for the operation, `in: query` ones by name. */
  queryParameters(op: MatchedOperation): string[] {
    const params = [...(this.doc.paths[op.pathTemplate].parameters ?? []), ...(this.operation(op).parameters ?? [])];
    return params
      .map((p: Json) => this.deref(p))
      .filter((p: Json) => p.in === "query")
      .map((p: Json) => p.name);
  }

  private operation(op: MatchedOperation): Json {
    return this.doc.paths[op.pathTemplate][op.method];
  }

  private check(pointer: string, value: unknown): string[] {
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${this.docId}#${pointer}` });
      this.validators.set(pointer, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (e) => `${e.instancePath || "(body)"} ${e.message}${e.params ? " " + JSON.stringify(e.params) : ""}`,
    );
  }

  private jsonSchemaPointer(container: Json, base: string[]): string | undefined {
    const contentType = Object.keys(container.content ?? {}).find((c) => c.includes("json"));
    if (!contentType || !container.content[contentType].schema) return undefined;
    return "/" + [...base, "content", contentType, "schema"].map(escapePointer).join("/");
  }

  private refPath(ref: string): string[] {
    return ref
      .replace(/^#\//, "")
      .split("/")
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  }

  private deref(node: Json): Json {
    let current = node;
    while (current && current.$ref) {
      current = this.refPath(current.$ref).reduce((acc: Json, key) => acc?.[key], this.doc);
    }
    return current;
  }
}

/** A JSON Pointer segment as it may stand in a `$ref` URI fragment (`{id}` must be percent-encoded). */
function escapePointer(segment: string): string {
  return encodeURIComponent(segment.replace(/~/g, "~0").replace(/\//g, "~1"));
}
