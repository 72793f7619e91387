/**
 * Drift: which inputs of an entity differ from what Konnect holds, read back from the request body
 * the inputs make and from the live entity.
 */
import { isDeepStrictEqual } from "util";
import { GatewayServiceRequestBody, RouteRequestBody } from "./bodies";
import type { GatewayRoute, GatewayService } from "./entities";
import type { ControlPlaneInputs, DataPlaneCertificateInputs, GatewayServiceInputs, RouteInputs } from "./inputs";

/**
 * How to read each input back from a request body and from the entity Konnect returns, so `read`
 * can tell which inputs drifted. Only inputs the body sets are compared.
 */
export type DriftReaders<I, S> = Partial<Record<keyof I & string, (source: S) => unknown>>;

export const CONTROL_PLANE_DRIFT: DriftReaders<
  ControlPlaneInputs,
  { name: string; description?: string; labels?: Record<string, string> }
> = {
  name: (cp) => cp.name,
  description: (cp) => cp.description,
  labels: (cp) => cp.labels,
};
export const DATA_PLANE_CERTIFICATE_DRIFT: DriftReaders<DataPlaneCertificateInputs, { cert: string }> = {
  cert: (c) => normalisePem(c.cert),
};
export const GATEWAY_SERVICE_DRIFT: DriftReaders<GatewayServiceInputs, ServiceFields> = {
  name: (s) => s.name,
  protocol: (s) => s.protocol,
  host: (s) => s.host,
  port: (s) => s.port,
  path: (s) => s.path,
  retries: (s) => s.retries,
  connectTimeout: (s) => s.connect_timeout,
  readTimeout: (s) => s.read_timeout,
  writeTimeout: (s) => s.write_timeout,
  tags: (s) => s.tags,
};
export const ROUTE_DRIFT: DriftReaders<RouteInputs, RouteFields> = {
  name: (r) => r.name,
  serviceId: (r) => r.service?.id,
  paths: (r) => r.paths,
  methods: (r) => r.methods,
  protocols: (r) => r.protocols,
  stripPath: (r) => r.strip_path,
  preserveHost: (r) => r.preserve_host,
  tags: (r) => r.tags,
};

type ServiceFields = GatewayServiceRequestBody | GatewayService;
type RouteFields = RouteRequestBody | GatewayRoute;

/** The inputs whose live value differs from what the body would set, with their live values. */
export function driftedInputs<I, S>(readers: DriftReaders<I, S>, expected: S, live: S): Partial<I> {
  const drifted: Record<string, unknown> = {};
  for (const [input, read] of Object.entries(readers) as [string, (source: S) => unknown][]) {
    const wanted = read(expected);
    const actual = read(live) ?? undefined;
    if (wanted !== undefined && !isDeepStrictEqual(wanted, actual)) drifted[input] = actual;
  }
  return drifted as Partial<I>;
}

/** PEM text compared without line-ending or surrounding-whitespace differences. */
function normalisePem(pem: string): string {
  return pem.replace(/\r\n/g, "\n").trim();
}
