/**
 * The request bodies the Konnect provider sends, built from resource arguments by pure functions.
 * The offline plan writes the same bodies to disk, so what a reviewer reads is what goes on the wire.
 */

export interface ControlPlaneBodyInputs {
  name: string;
  description?: string;
  labels?: Record<string, string>;
}

export interface DataPlaneCertificateBodyInputs {
  /** PEM of the data plane's client certificate (public part only). */
  cert: string;
}

export interface GatewayServiceBodyInputs {
  name: string;
  protocol: GatewayProtocol;
  host: string;
  port: number;
  path?: string;
  retries?: number;
  /** Milliseconds. */
  connectTimeout?: number;
  /** Milliseconds. */
  readTimeout?: number;
  /** Milliseconds. */
  writeTimeout?: number;
  tags?: string[];
}

export interface RouteBodyInputs {
  name: string;
  serviceId: string;
  paths: string[];
  methods?: string[];
  /** Default `["http", "https"]`. */
  protocols?: GatewayProtocol[];
  /** Default `true`. */
  stripPath?: boolean;
  /** Default `false`. */
  preserveHost?: boolean;
  tags?: string[];
}

export type GatewayProtocol =
  "grpc" | "grpcs" | "http" | "https" | "tcp" | "tls" | "tls_passthrough" | "udp" | "ws" | "wss";

/** `CreateControlPlaneRequest`: a hybrid control plane whose data planes authenticate with pinned certificates. */
export interface ControlPlaneRequestBody {
  name: string;
  description?: string;
  cluster_type: "CLUSTER_TYPE_CONTROL_PLANE";
  auth_type: "pinned_client_certs";
  labels?: Record<string, string>;
}

/** `UpdateControlPlaneRequest` (PATCH): only the fields the arguments set; an unset field stays as Konnect has it. */
export interface ControlPlaneUpdateBody {
  description?: string;
  labels?: Record<string, string>;
}

export interface DataPlaneCertificateRequestBody {
  cert: string;
}

export interface GatewayServiceRequestBody {
  name: string;
  protocol: GatewayProtocol;
  host: string;
  port: number;
  path?: string;
  retries?: number;
  connect_timeout?: number;
  read_timeout?: number;
  write_timeout?: number;
  tags?: string[];
}

export interface RouteRequestBody {
  name: string;
  paths: string[];
  methods?: string[];
  protocols: GatewayProtocol[];
  strip_path: boolean;
  preserve_host: boolean;
  service: { id: string };
  tags?: string[];
}

export function controlPlaneBody(inputs: ControlPlaneBodyInputs): ControlPlaneRequestBody {
  return withoutUndefined({
    name: inputs.name,
    description: inputs.description,
    cluster_type: "CLUSTER_TYPE_CONTROL_PLANE",
    auth_type: "pinned_client_certs",
    labels: inputs.labels,
  });
}

export function controlPlaneUpdateBody(inputs: ControlPlaneBodyInputs): ControlPlaneUpdateBody {
  return withoutUndefined({ description: inputs.description, labels: inputs.labels });
}

export function dataPlaneCertificateBody(inputs: DataPlaneCertificateBodyInputs): DataPlaneCertificateRequestBody {
  return { cert: inputs.cert };
}

export function gatewayServiceBody(inputs: GatewayServiceBodyInputs): GatewayServiceRequestBody {
  return withoutUndefined({
    name: inputs.name,
    protocol: inputs.protocol,
    host: inputs.host,
    port: inputs.port,
    path: inputs.path,
    retries: inputs.retries,
    connect_timeout: inputs.connectTimeout,
    read_timeout: inputs.readTimeout,
    write_timeout: inputs.writeTimeout,
    tags: inputs.tags,
  });
}

export function routeBody(inputs: RouteBodyInputs): RouteRequestBody {
  return withoutUndefined({
    name: inputs.name,
    paths: inputs.paths,
    methods: inputs.methods,
    protocols: inputs.protocols ?? ["http", "https"],
    strip_path: inputs.stripPath ?? true,
    preserve_host: inputs.preserveHost ?? false,
    service: { id: inputs.serviceId },
    tags: inputs.tags,
  });
}

export type KonnectKind = "control-plane" | "dp-certificate" | "service" | "route";

export interface KonnectBodyInputs {
  "control-plane": ControlPlaneBodyInputs;
  "dp-certificate": DataPlaneCertificateBodyInputs;
  service: GatewayServiceBodyInputs;
  route: RouteBodyInputs;
}

export interface KonnectRequestBodies {
  "control-plane": ControlPlaneRequestBody;
  "dp-certificate": DataPlaneCertificateRequestBody;
  service: GatewayServiceRequestBody;
  route: RouteRequestBody;
}

const BODY_BUILDERS: { [K in KonnectKind]: (inputs: KonnectBodyInputs[K]) => KonnectRequestBodies[K] } = {
  "control-plane": controlPlaneBody,
  "dp-certificate": dataPlaneCertificateBody,
  service: gatewayServiceBody,
  route: routeBody,
};

/** The body of the request that creates a Konnect entity of `kind`: the one the provider sends and the offline plan writes. */
export function konnectRequestBody<K extends KonnectKind>(
  kind: K,
  inputs: KonnectBodyInputs[K],
): KonnectRequestBodies[K] {
  return BODY_BUILDERS[kind](inputs);
}

/** Drops keys whose value is undefined: an unset argument is absent from the JSON (and from Pulumi state, which cannot hold undefined). */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
