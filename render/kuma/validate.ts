/**
 * Input checks shared by the renderers. Each throws an Error that names the field, shows the value
 * and says what is allowed, so a bad stack config fails at `pulumi preview` with a useful line.
 */
import { isIP } from "net";

export class KumaInputError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    allowed: string,
  ) {
    super(`${field} is ${JSON.stringify(value)}: ${allowed}`);
    this.name = "KumaInputError";
  }
}

/** An RFC 1123 label's characters (its length, at most 63, is checked apart): also config's names (config/fields.ts). */
export const RFC1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const RFC1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$/;
/** Go's `time.ParseDuration`, which targetRef policies and token `validFor` use. */
const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
/** Kuma's own Mesh duration format (`ParseDuration` in mesh_helpers.go): one number and one unit. */
const MESH_DURATION = /^\d+(y|w|d|h|m|s|ms)$/;

function isRfc1123Label(value: unknown): value is string {
  return typeof value === "string" && value.length <= 63 && RFC1123_LABEL.test(value);
}

/** Zone names must be RFC 1123 labels (`on-prem`, not the tutorial's `on_prem`: kumahq/kuma#12988). */
export function isValidZoneName(value: unknown): value is string {
  return isRfc1123Label(value);
}

export function assertZoneName(field: string, value: unknown): string {
  if (!isValidZoneName(value)) {
    throw new KumaInputError(
      field,
      value,
      "a zone name must be an RFC 1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters (e.g. on-prem, cloud)",
    );
  }
  return value;
}

export function assertLabel(field: string, value: unknown): string {
  if (!isRfc1123Label(value)) {
    throw new KumaInputError(
      field,
      value,
      "must be an RFC 1123 label: lower-case letters, digits and '-', at most 63 characters",
    );
  }
  return value;
}

/** Resource names double as Kubernetes object names (k8s/ artefacts), hence DNS-1123 subdomains. */
export function assertResourceName(field: string, value: unknown): string {
  if (typeof value !== "string" || value.length > 253 || !RFC1123_SUBDOMAIN.test(value)) {
    throw new KumaInputError(
      field,
      value,
      "must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', at most 253 characters",
    );
  }
  return value;
}

export function assertPort(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new KumaInputError(field, value, "must be an integer port between 1 and 65535");
  }
  return value;
}

export function assertHost(field: string, value: unknown): string {
  if (typeof value !== "string" || (isIP(value) === 0 && !HOSTNAME.test(value))) {
    throw new KumaInputError(field, value, "must be an IPv4/IPv6 address or a DNS hostname");
  }
  return value;
}

export function assertGoDuration(field: string, value: unknown): string {
  if (typeof value !== "string" || !GO_DURATION.test(value)) {
    throw new KumaInputError(
      field,
      value,
      'must be a Go duration such as "250ms", "5s", "1h30m" (units ns, us, ms, s, m, h)',
    );
  }
  return value;
}

export function assertMeshDuration(field: string, value: unknown): string {
  if (typeof value !== "string" || !MESH_DURATION.test(value)) {
    throw new KumaInputError(
      field,
      value,
      'must be a number and one unit of ms, s, m, h, d, w or y, such as "1d" or "10y"',
    );
  }
  return value;
}

export function assertInteger(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new KumaInputError(field, value, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

export function assertBoolean(field: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new KumaInputError(field, value, "must be true or false");
  return value;
}

export function assertOneOf<T extends string | number>(field: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new KumaInputError(field, value, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
  }
  return value as T;
}

/** An absolute HTTP path prefix as MeshHTTPRoute accepts it: starts with `/`, no trailing `/` unless it is `/`. */
export function assertPathPrefix(field: string, value: unknown): string {
  if (
    typeof value !== "string" ||
    !value.startsWith("/") ||
    (value !== "/" && value.endsWith("/")) ||
    /[\s?#]/.test(value)
  ) {
    throw new KumaInputError(
      field,
      value,
      'must be an absolute path such as "/monolith/resources/card/dispute": starting with "/", without a trailing "/" (unless it is "/"), a query or a fragment',
    );
  }
  return value;
}

/** HTTP header names as the MeshHTTPRoute CRD accepts them (lower case token characters). */
export function assertHeaderName(field: string, value: unknown): string {
  if (typeof value !== "string" || value.length > 256 || !/^[a-z0-9!#$%&'*+\-.^_`|~]+$/.test(value)) {
    throw new KumaInputError(field, value, "must be a lower-case HTTP header name");
  }
  return value;
}

export function assertDistinct<T>(field: string, values: readonly T[], key: (value: T) => string = String): void {
  const seen = new Set<string>();
  for (const value of values) {
    const k = key(value);
    if (seen.has(k)) throw new KumaInputError(field, values, `must not list ${k} twice`);
    seen.add(k);
  }
}
