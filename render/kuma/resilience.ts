/**
 * Timeouts, retries and outlier detection for the gateway's calls to the microservice.
 *
 * Where each setting lives decides what it covers (legacy service mode):
 * - cluster settings (connect/idle timeouts, connection limits, outlier detection) follow the
 *   destination service, so `to: MeshService <microservice>` covers every request the gateway sends
 *   it, directly (outbound 33034) or through a cutover route on the monolith outbound;
 * - route settings (request timeout, retries) follow the route a request matched. A cutover request
 *   matched a MeshHTTPRoute on the monolith outbound, so those settings also get a
 *   `to: MeshHTTPRoute <route>` entry per cutover route (`routes`). That route holds only the
 *   migrated path, so its monolith share gets the same request timeout and retries.
 */
import { GATEWAY_SERVICE, ServiceRef, meshServiceRef, proxiesOf } from "./services";
import {
  CircuitBreakerConf,
  DEFAULT_MESH,
  MeshCircuitBreaker,
  MeshRetry,
  MeshTimeout,
  RetryConf,
  TargetRef,
  TimeoutConf,
} from "./types";
import { KumaInputError, assertDistinct, assertGoDuration, assertInteger, assertResourceName } from "./validate";

export interface GatewayPathArgs {
  name: string;
  mesh?: string;
  /** Default `kong-gateway`. */
  gateway?: ServiceRef;
  microservice: ServiceRef;
}

export interface RouteScopedArgs extends GatewayPathArgs {
  /** Names of the cutover MeshHTTPRoutes (meshHttpRoute) whose requests reach the microservice. */
  routes?: readonly string[];
}

export interface Timeouts {
  connectionTimeout: string;
  idleTimeout: string;
  requestTimeout: string;
}

export const DEFAULT_TIMEOUTS: Readonly<Timeouts> = {
  connectionTimeout: "5s",
  idleTimeout: "1h",
  requestTimeout: "10s",
};

export function meshTimeout(args: RouteScopedArgs & { timeouts?: Partial<Timeouts> }): MeshTimeout {
  const t = { ...DEFAULT_TIMEOUTS, ...args.timeouts };
  const requestTimeout = { requestTimeout: assertGoDuration("meshTimeout.timeouts.requestTimeout", t.requestTimeout) };
  const service: TimeoutConf = {
    connectionTimeout: assertGoDuration("meshTimeout.timeouts.connectionTimeout", t.connectionTimeout),
    idleTimeout: assertGoDuration("meshTimeout.timeouts.idleTimeout", t.idleTimeout),
    http: requestTimeout,
  };
  return {
    type: "MeshTimeout",
    ...policyFrame("meshTimeout", args),
    spec: toSpec("meshTimeout", args, service, { http: requestTimeout }),
  };
}

export interface Retries {
  numRetries: number;
  perTryTimeout: string;
  backOff: { baseInterval: string; maxInterval: string };
  retryOn: readonly string[];
}

/**
 * Retries only failures where the request cannot have reached the application (no connection, a
 * refused stream, Envoy's 503 for no healthy host / overflow): POST /disputes is not idempotent.
 */
export const DEFAULT_RETRIES: Readonly<Retries> = {
  numRetries: 2,
  perTryTimeout: "3s",
  backOff: { baseInterval: "100ms", maxInterval: "1s" },
  retryOn: ["ConnectFailure", "RefusedStream", "503"],
};

const RETRY_ON = [
  "5xx",
  "GatewayError",
  "Reset",
  "Retriable4xx",
  "ConnectFailure",
  "EnvoyRatelimited",
  "RefusedStream",
  "Http3PostConnectFailure",
];
const HTTP_METHODS = ["Connect", "Delete", "Get", "Head", "Options", "Patch", "Post", "Put", "Trace"];

function assertRetryOn(field: string, condition: unknown): string {
  const known =
    typeof condition === "string" &&
    (RETRY_ON.includes(condition) ||
      /^[1-5]\d\d$/.test(condition) ||
      HTTP_METHODS.some((m) => condition === `HttpMethod${m}`));
  if (!known) {
    throw new KumaInputError(
      field,
      condition,
      `must be one of ${RETRY_ON.join(", ")}, an HTTP status such as "503", or HttpMethod<${HTTP_METHODS.join("|")}>`,
    );
  }
  return condition as string;
}

export function meshRetry(args: RouteScopedArgs & { retries?: Partial<Retries> }): MeshRetry {
  const r = { ...DEFAULT_RETRIES, ...args.retries };
  if (!Array.isArray(r.retryOn) || r.retryOn.length === 0) {
    throw new KumaInputError("meshRetry.retries.retryOn", r.retryOn, "must list at least one retry condition");
  }
  const conf: RetryConf = {
    http: {
      numRetries: assertInteger("meshRetry.retries.numRetries", r.numRetries, 0, 10),
      perTryTimeout: assertGoDuration("meshRetry.retries.perTryTimeout", r.perTryTimeout),
      backOff: {
        baseInterval: assertGoDuration("meshRetry.retries.backOff.baseInterval", r.backOff.baseInterval),
        maxInterval: assertGoDuration("meshRetry.retries.backOff.maxInterval", r.backOff.maxInterval),
      },
      retryOn: r.retryOn.map((condition, i) => assertRetryOn(`meshRetry.retries.retryOn[${i}]`, condition)),
    },
  };
  return { type: "MeshRetry", ...policyFrame("meshRetry", args), spec: toSpec("meshRetry", args, conf, conf) };
}

export interface CircuitBreaking {
  maxConnections: number;
  maxPendingRequests: number;
  maxRequests: number;
  maxRetries: number;
  /** How often ejection is evaluated. */
  interval: string;
  /** Ejected hosts come back after this (times the number of ejections). */
  baseEjectionTime: string;
  maxEjectionPercent: number;
  /** Consecutive 5xx or connection failures before a host is ejected. */
  consecutiveFailures: number;
  /** Consecutive 502/503/504 before a host is ejected. */
  consecutiveGatewayFailures: number;
}

export const DEFAULT_CIRCUIT_BREAKING: Readonly<CircuitBreaking> = {
  maxConnections: 1024,
  maxPendingRequests: 1024,
  maxRequests: 1024,
  maxRetries: 3,
  interval: "10s",
  baseEjectionTime: "30s",
  maxEjectionPercent: 50,
  consecutiveFailures: 5,
  consecutiveGatewayFailures: 5,
};

export function meshCircuitBreaker(
  args: GatewayPathArgs & { circuitBreaking?: Partial<CircuitBreaking> },
): MeshCircuitBreaker {
  const c = { ...DEFAULT_CIRCUIT_BREAKING, ...args.circuitBreaking };
  const count = (name: keyof CircuitBreaking, max = 1_000_000) =>
    assertInteger(`meshCircuitBreaker.circuitBreaking.${name}`, c[name], 1, max);
  const conf: CircuitBreakerConf = {
    connectionLimits: {
      maxConnections: count("maxConnections"),
      maxPendingRequests: count("maxPendingRequests"),
      maxRequests: count("maxRequests"),
      maxRetries: count("maxRetries"),
    },
    outlierDetection: {
      disabled: false,
      interval: assertGoDuration("meshCircuitBreaker.circuitBreaking.interval", c.interval),
      baseEjectionTime: assertGoDuration("meshCircuitBreaker.circuitBreaking.baseEjectionTime", c.baseEjectionTime),
      maxEjectionPercent: count("maxEjectionPercent", 100),
      detectors: {
        totalFailures: { consecutive: count("consecutiveFailures") },
        gatewayFailures: { consecutive: count("consecutiveGatewayFailures") },
      },
    },
  };
  // Cluster-level only: MeshCircuitBreaker cannot target a MeshHTTPRoute, and needs not.
  return {
    type: "MeshCircuitBreaker",
    ...policyFrame("meshCircuitBreaker", args),
    spec: toSpec("meshCircuitBreaker", { ...args, routes: [] }, conf, conf),
  };
}

function policyFrame(policy: string, args: GatewayPathArgs) {
  return {
    mesh: assertResourceName(`${policy}.mesh`, args.mesh ?? DEFAULT_MESH),
    name: assertResourceName(`${policy}.name`, args.name),
  };
}

function toSpec<Conf>(policy: string, args: RouteScopedArgs, serviceConf: Conf, routeConf: Conf) {
  const routes = [...(args.routes ?? [])].map((route, i) => assertResourceName(`${policy}.routes[${i}]`, route));
  assertDistinct(`${policy}.routes`, routes);
  const to: { targetRef: TargetRef; default: Conf }[] = [
    { targetRef: meshServiceRef(args.microservice, `${policy}.microservice`), default: serviceConf },
    ...routes.map((name) => ({ targetRef: { kind: "MeshHTTPRoute" as const, name }, default: routeConf })),
  ];
  return { targetRef: proxiesOf(args.gateway ?? GATEWAY_SERVICE, `${policy}.gateway`), to };
}
