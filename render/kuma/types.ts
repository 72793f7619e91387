/**
 * The Kuma resource types this program applies, in Kuma's universal format, and the one table
 * that maps each type to its REST path and its Kubernetes CRD.
 */

export type Scope = "Global" | "Mesh";

interface KumaTypeInfo {
  /** REST collection (`/meshes/{mesh}/<plural>/{name}` or `/<plural>/{name}`), also the CRD plural (`kuma.io_<plural>.yaml`). */
  readonly plural: string;
  /** Global types live at the top of the API; mesh-scoped ones under `/meshes/{mesh}`. */
  readonly scope: Scope;
  /** `policy`: targetRef policy with a `spec`; `legacy`: fields at the top of the universal object. */
  readonly format: "policy" | "legacy";
  readonly kubernetesScope: "Cluster" | "Namespaced";
}

export const KUMA_TYPES = {
  Mesh: { plural: "meshes", scope: "Global", format: "legacy", kubernetesScope: "Cluster" },
  Dataplane: { plural: "dataplanes", scope: "Mesh", format: "legacy", kubernetesScope: "Namespaced" },
  ZoneIngress: { plural: "zoneingresses", scope: "Global", format: "legacy", kubernetesScope: "Namespaced" },
  ZoneEgress: { plural: "zoneegresses", scope: "Global", format: "legacy", kubernetesScope: "Namespaced" },
  MeshTrafficPermission: {
    plural: "meshtrafficpermissions",
    scope: "Mesh",
    format: "policy",
    kubernetesScope: "Namespaced",
  },
  MeshHTTPRoute: { plural: "meshhttproutes", scope: "Mesh", format: "policy", kubernetesScope: "Namespaced" },
  MeshTimeout: { plural: "meshtimeouts", scope: "Mesh", format: "policy", kubernetesScope: "Namespaced" },
  MeshRetry: { plural: "meshretries", scope: "Mesh", format: "policy", kubernetesScope: "Namespaced" },
  MeshCircuitBreaker: { plural: "meshcircuitbreakers", scope: "Mesh", format: "policy", kubernetesScope: "Namespaced" },
  MeshMetric: { plural: "meshmetrics", scope: "Mesh", format: "policy", kubernetesScope: "Namespaced" },
} as const satisfies Record<string, KumaTypeInfo>;

export type KumaType = keyof typeof KUMA_TYPES;
export type PolicyType = { [T in KumaType]: (typeof KUMA_TYPES)[T]["format"] extends "policy" ? T : never }[KumaType];

export function isKumaType(type: unknown): type is KumaType {
  return typeof type === "string" && Object.prototype.hasOwnProperty.call(KUMA_TYPES, type);
}

export function kumaTypeInfo(type: KumaType): KumaTypeInfo {
  return KUMA_TYPES[type];
}

export const DEFAULT_MESH = "default";

/** What identifies a resource on the control plane: changing any of these makes it another resource. */
export interface ResourceKey {
  type: KumaType;
  name: string;
  /** Set for mesh-scoped types, absent for global ones (Mesh, ZoneIngress, ZoneEgress). */
  mesh?: string;
}

/** Any resource in universal format, as PUT to and read from the control plane. */
export interface UniversalResource extends ResourceKey {
  labels?: Record<string, string>;
  [field: string]: unknown;
}

// ---- targetRef policies ----------------------------------------------------------------------

/** A `targetRef`. Only the kinds this program uses; see the CRDs for the full enum. */
export type TargetRef =
  | { kind: "Mesh" }
  /** Proxies selected by tags (legacy `kuma.io/service` mode; deprecated in 2.10, removed in 3.0). */
  | { kind: "MeshSubset"; tags: Record<string, string> }
  /** With `meshServices.mode: Disabled`, `name` is a `kuma.io/service` tag value. */
  | { kind: "MeshService"; name: string }
  | { kind: "MeshHTTPRoute"; name: string };

export interface BackendRef {
  kind: "MeshService";
  name: string;
  weight?: number;
}

export interface PolicyResource<T extends PolicyType, Spec> extends UniversalResource {
  type: T;
  mesh: string;
  spec: Spec;
}

export type TrafficAction = "Allow" | "Deny";

export interface MeshTrafficPermissionSpec {
  targetRef: TargetRef;
  from: { targetRef: TargetRef; default: { action: TrafficAction } }[];
}

export interface HttpPathMatch {
  type: "Exact" | "PathPrefix" | "RegularExpression";
  value: string;
}

export interface HttpHeaderMatch {
  name: string;
  type: "Exact" | "RegularExpression" | "Present" | "Absent" | "Prefix";
  value?: string;
}

export interface HttpRouteMatch {
  path?: HttpPathMatch;
  headers?: HttpHeaderMatch[];
}

export interface UrlRewriteFilter {
  type: "URLRewrite";
  urlRewrite: { path: { type: "ReplacePrefixMatch"; replacePrefixMatch: string } };
}

export interface HttpRouteRule {
  matches: HttpRouteMatch[];
  default: { filters?: UrlRewriteFilter[]; backendRefs: BackendRef[] };
}

export interface MeshHTTPRouteSpec {
  targetRef: TargetRef;
  to: { targetRef: TargetRef; rules: HttpRouteRule[] }[];
}

export interface TimeoutConf {
  connectionTimeout?: string;
  idleTimeout?: string;
  http?: { requestTimeout?: string; streamIdleTimeout?: string };
}

export interface RetryConf {
  http: {
    numRetries: number;
    perTryTimeout: string;
    backOff: { baseInterval: string; maxInterval: string };
    retryOn: string[];
  };
}

export interface CircuitBreakerConf {
  connectionLimits: {
    maxConnections: number;
    maxPendingRequests: number;
    maxRequests: number;
    maxRetries: number;
  };
  outlierDetection: {
    disabled: false;
    interval: string;
    baseEjectionTime: string;
    maxEjectionPercent: number;
    detectors: { totalFailures: { consecutive: number }; gatewayFailures: { consecutive: number } };
  };
}

export interface ToPolicySpec<Conf> {
  targetRef: TargetRef;
  to: { targetRef: TargetRef; default: Conf }[];
}

export type MeshTrafficPermission = PolicyResource<"MeshTrafficPermission", MeshTrafficPermissionSpec>;
export type MeshHTTPRoute = PolicyResource<"MeshHTTPRoute", MeshHTTPRouteSpec>;
export type MeshTimeout = PolicyResource<"MeshTimeout", ToPolicySpec<TimeoutConf>>;
export type MeshRetry = PolicyResource<"MeshRetry", ToPolicySpec<RetryConf>>;
export type MeshCircuitBreaker = PolicyResource<"MeshCircuitBreaker", ToPolicySpec<CircuitBreakerConf>>;

export interface MeshMetricSpec {
  targetRef: TargetRef;
  default: {
    sidecar?: { profiles?: { appendProfiles?: { name: "All" | "Basic" | "None" }[] } };
    backends: { type: "Prometheus"; prometheus: { port: number; path: string } }[];
  };
}
export type MeshMetric = PolicyResource<"MeshMetric", MeshMetricSpec>;

// ---- legacy-format resources -----------------------------------------------------------------

export type MeshServicesMode = "Disabled" | "Everywhere" | "ReachableBackends" | "Exclusive";
export type MtlsMode = "STRICT" | "PERMISSIVE";

export interface Mesh extends UniversalResource {
  type: "Mesh";
  mesh?: never;
  meshServices: { mode: MeshServicesMode };
  mtls: {
    enabledBackend: string;
    backends: {
      name: string;
      type: "builtin";
      mode: MtlsMode;
      dpCert: { rotation: { expiration: string } };
      conf: { caCert: { RSAbits: number; expiration: string } };
    }[];
  };
  routing: { zoneEgress: boolean };
  skipCreatingInitialPolicies: string[];
}

export interface DataplaneInbound {
  port: number;
  servicePort: number;
  serviceAddress?: string;
  tags: Record<string, string>;
}

export interface DataplaneOutbound {
  address: string;
  port: number;
  tags: Record<string, string>;
}

export interface Dataplane extends UniversalResource {
  type: "Dataplane";
  mesh: string;
  networking: {
    address: string;
    admin?: { port: number };
    inbound?: DataplaneInbound[];
    gateway?: { type: "DELEGATED"; tags: Record<string, string> };
    outbound?: DataplaneOutbound[];
  };
}

export interface ZoneIngress extends UniversalResource {
  type: "ZoneIngress";
  mesh?: never;
  networking: {
    address: string;
    port: number;
    advertisedAddress: string;
    advertisedPort: number;
    admin?: { port: number };
  };
}

export interface ZoneEgress extends UniversalResource {
  type: "ZoneEgress";
  mesh?: never;
  networking: { address: string; port: number; admin?: { port: number } };
}

export type KumaResource =
  | Mesh
  | Dataplane
  | ZoneIngress
  | ZoneEgress
  | MeshTrafficPermission
  | MeshHTTPRoute
  | MeshTimeout
  | MeshRetry
  | MeshCircuitBreaker
  | MeshMetric;
