/**
 * Proxy resources of the universal (on-prem) zone. kuma-dp registers them itself from a
 * `--dataplane-file` (direct mode), so these are what the program writes into that file; the
 * global CP does not accept them over REST.
 */
import { GATEWAY_SERVICE, MICROSERVICE, MONOLITH_SERVICE, ServiceRef, serviceTag } from "./services";
import { DEFAULT_MESH, Dataplane, DataplaneOutbound, ZoneEgress, ZoneIngress } from "./types";
import { KumaInputError, assertDistinct, assertHost, assertOneOf, assertPort, assertResourceName } from "./validate";

export const MONOLITH_INBOUND_PORT = 5000;
const MONOLITH_SERVICE_PORT = 8080;
/** Kong's upstreams for the mesh: `http://127.0.0.1:33033` (monolith) and `:33034` (microservice). */
export const MONOLITH_OUTBOUND_PORT = 33033;
export const MICROSERVICE_OUTBOUND_PORT = 33034;
export const ZONE_INGRESS_PORT = 10001;
export const ZONE_EGRESS_PORT = 10002;
const LOOPBACK = "127.0.0.1";

export type ServiceProtocol = "http" | "http2" | "grpc" | "tcp";

export interface ServiceDataplaneArgs {
  /** The proxy's name, e.g. `monolith-1`. */
  name: string;
  mesh?: string;
  /** Address other proxies and the zone ingress reach this proxy on (the VM's private IP). */
  address: string;
  service: ServiceRef;
  /** Where Envoy listens for mesh traffic (5000 for the monolith). */
  inboundPort: number;
  /** Where the application listens (8080 for the monolith). */
  servicePort: number;
  /** Set to 127.0.0.1 when the application is bound to loopback, so nothing can bypass the proxy. */
  serviceAddress?: string;
  /** `kuma.io/protocol`; http is what makes MeshHTTPRoute, retries and HTTP timeouts apply. Default http. */
  protocol?: ServiceProtocol;
  adminPort?: number;
}

/** A standard sidecar Dataplane with one inbound, e.g. the monolith: 5000 -> 8080, service `monolith`. */
export function serviceDataplane(args: ServiceDataplaneArgs): Dataplane {
  const inboundPort = assertPort("dataplane.inboundPort", args.inboundPort);
  const servicePort = assertPort("dataplane.servicePort", args.servicePort);
  if (args.adminPort !== undefined && [inboundPort, servicePort].includes(args.adminPort)) {
    throw new KumaInputError("dataplane.adminPort", args.adminPort, "must differ from the inbound and service ports");
  }
  return {
    type: "Dataplane",
    mesh: assertResourceName("dataplane.mesh", args.mesh ?? DEFAULT_MESH),
    name: assertResourceName("dataplane.name", args.name),
    networking: {
      address: assertHost("dataplane.address", args.address),
      ...admin("dataplane.adminPort", args.adminPort),
      inbound: [
        {
          port: inboundPort,
          servicePort,
          ...(args.serviceAddress === undefined
            ? {}
            : { serviceAddress: assertHost("dataplane.serviceAddress", args.serviceAddress) }),
          tags: {
            "kuma.io/service": serviceTag(args.service, "dataplane.service"),
            "kuma.io/protocol": assertOneOf("dataplane.protocol", args.protocol ?? "http", [
              "http",
              "http2",
              "grpc",
              "tcp",
            ] as const),
          },
        },
      ],
    },
  };
}

/** The monolith's Dataplane: inbound 5000 -> 8080, service `monolith`, protocol http. */
export function monolithDataplane(
  args: Pick<ServiceDataplaneArgs, "name" | "mesh" | "address" | "serviceAddress" | "adminPort">,
): Dataplane {
  return serviceDataplane({
    ...args,
    service: MONOLITH_SERVICE,
    inboundPort: MONOLITH_INBOUND_PORT,
    servicePort: MONOLITH_SERVICE_PORT,
    protocol: "http",
  });
}

export interface GatewayOutbound {
  /** Port on 127.0.0.1 Kong's upstream points at. */
  port: number;
  service: ServiceRef;
}

const GATEWAY_OUTBOUNDS: readonly GatewayOutbound[] = [
  { port: MONOLITH_OUTBOUND_PORT, service: MONOLITH_SERVICE },
  { port: MICROSERVICE_OUTBOUND_PORT, service: MICROSERVICE },
];

export interface GatewayDataplaneArgs {
  name: string;
  mesh?: string;
  address: string;
  /** Default `kong-gateway`. */
  service?: ServiceRef;
  /** Without a transparent proxy every destination Kong calls needs an outbound. Default GATEWAY_OUTBOUNDS. */
  outbounds?: readonly GatewayOutbound[];
  adminPort?: number;
}

/**
 * Kong Gateway as a delegated gateway: traffic reaches Kong directly (no inbound), and Kong's
 * upstream calls go through explicit outbounds on 127.0.0.1 into the mesh (mTLS, routes, retries).
 */
export function gatewayDataplane(args: GatewayDataplaneArgs): Dataplane {
  const outbounds = args.outbounds ?? GATEWAY_OUTBOUNDS;
  if (outbounds.length === 0)
    throw new KumaInputError("gatewayDataplane.outbounds", outbounds, "must list at least one destination");
  const rendered: DataplaneOutbound[] = outbounds.map((outbound, i) => ({
    address: LOOPBACK,
    port: assertPort(`gatewayDataplane.outbounds[${i}].port`, outbound.port),
    tags: { "kuma.io/service": serviceTag(outbound.service, `gatewayDataplane.outbounds[${i}].service`) },
  }));
  assertDistinct("gatewayDataplane.outbounds (ports)", rendered, (o) => String(o.port));
  assertDistinct("gatewayDataplane.outbounds (services)", rendered, (o) => o.tags["kuma.io/service"]);
  if (args.adminPort !== undefined && rendered.some((o) => o.port === args.adminPort)) {
    throw new KumaInputError("gatewayDataplane.adminPort", args.adminPort, "must differ from the outbound ports");
  }
  return {
    type: "Dataplane",
    mesh: assertResourceName("gatewayDataplane.mesh", args.mesh ?? DEFAULT_MESH),
    name: assertResourceName("gatewayDataplane.name", args.name),
    networking: {
      address: assertHost("gatewayDataplane.address", args.address),
      ...admin("gatewayDataplane.adminPort", args.adminPort),
      gateway: {
        type: "DELEGATED",
        tags: { "kuma.io/service": serviceTag(args.service ?? GATEWAY_SERVICE, "gatewayDataplane.service") },
      },
      outbound: rendered,
    },
  };
}

export interface ZoneIngressArgs {
  name: string;
  /** The interface kuma-dp binds on. */
  address: string;
  /** Default 10001. */
  port?: number;
  /**
   * What other zones dial (the load balancer in front of the ingress). Required: other zones
   * ignore an ingress that does not advertise an address and port.
   */
  advertisedAddress: string;
  advertisedPort: number;
  adminPort?: number;
}

export function zoneIngress(args: ZoneIngressArgs): ZoneIngress {
  if (args.advertisedAddress === undefined || args.advertisedAddress === "") {
    throw new KumaInputError(
      "zoneIngress.advertisedAddress",
      args.advertisedAddress,
      "is required: other zones ignore a ZoneIngress without an advertised address and port",
    );
  }
  if (args.advertisedPort === undefined) {
    throw new KumaInputError(
      "zoneIngress.advertisedPort",
      args.advertisedPort,
      "is required: other zones ignore a ZoneIngress without an advertised address and port",
    );
  }
  return {
    type: "ZoneIngress",
    name: assertResourceName("zoneIngress.name", args.name),
    networking: {
      address: assertHost("zoneIngress.address", args.address),
      port: assertPort("zoneIngress.port", args.port ?? ZONE_INGRESS_PORT),
      advertisedAddress: assertHost("zoneIngress.advertisedAddress", args.advertisedAddress),
      advertisedPort: assertPort("zoneIngress.advertisedPort", args.advertisedPort),
      ...admin("zoneIngress.adminPort", args.adminPort),
    },
  };
}

export interface ZoneEgressArgs {
  name: string;
  address: string;
  /** Default 10002. */
  port?: number;
  adminPort?: number;
}

export function zoneEgress(args: ZoneEgressArgs): ZoneEgress {
  return {
    type: "ZoneEgress",
    name: assertResourceName("zoneEgress.name", args.name),
    networking: {
      address: assertHost("zoneEgress.address", args.address),
      port: assertPort("zoneEgress.port", args.port ?? ZONE_EGRESS_PORT),
      ...admin("zoneEgress.adminPort", args.adminPort),
    },
  };
}

function admin(field: string, port: number | undefined): { admin?: { port: number } } {
  return port === undefined ? {} : { admin: { port: assertPort(field, port) } };
}
