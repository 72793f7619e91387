/**
 * Service identities (`kuma.io/service` tag values) of the migration, in the legacy service mode
 * the Mesh uses (see mesh.ts).
 *
 * A universal service is named by its tag. A Kubernetes service gets a tag the zone CP generates
 * as `<service>_<namespace>_svc_<port>`; it cannot be customised, and every Dataplane outbound and
 * policy that points at it must spell it exactly. The tutorial wrote that string by hand in four
 * places. Here it exists only as the output of `kubernetesServiceTag`, and renderers take a
 * `KubernetesService` rather than a string, so the coupling is checked by the type system.
 */
import { KumaInputError, assertLabel, assertPort } from "./validate";

export interface KubernetesService {
  /** The Kubernetes Service name. */
  name: string;
  namespace: string;
  /** The Service port (not the targetPort). */
  port: number;
}

/** A universal service's `kuma.io/service` tag, or a Kubernetes service whose tag Kuma generates. */
export type ServiceRef = string | KubernetesService;

export const GATEWAY_SERVICE = "kong-gateway";
export const MONOLITH_SERVICE = "monolith";
/** The disputes microservice on EKS: Service `microservice`, namespace `microservice`, port 8080 (appProtocol http). */
export const MICROSERVICE: KubernetesService = { name: "microservice", namespace: "microservice", port: 8080 };

/** The tag Kuma generates for a Kubernetes service, e.g. `microservice_microservice_svc_8080`. */
export function kubernetesServiceTag(service: KubernetesService, field = "service"): string {
  assertLabel(`${field}.name`, service.name);
  assertLabel(`${field}.namespace`, service.namespace);
  assertPort(`${field}.port`, service.port);
  return `${service.name}_${service.namespace}_svc_${service.port}`;
}

/**
 * The `kuma.io/service` tag of a service. Universal names must be RFC 1123 labels, which keeps
 * k8s-style tags (with `_`) from being written as literals: pass a `KubernetesService` instead.
 */
export function serviceTag(service: ServiceRef, field = "service"): string {
  if (typeof service === "string") {
    if (service.includes("_svc_")) {
      throw new KumaInputError(
        field,
        service,
        "looks like a generated Kubernetes service tag; pass { name, namespace, port } so kubernetesServiceTag builds it",
      );
    }
    return assertLabel(field, service);
  }
  if (!service || typeof service !== "object") {
    throw new KumaInputError(
      field,
      service,
      "must be a universal service name or { name, namespace, port } of a Kubernetes Service",
    );
  }
  return kubernetesServiceTag(service, field);
}

/** Selects the proxies of one service (legacy mode), for top-level and `from` targetRefs. */
export function proxiesOf(service: ServiceRef, field = "service") {
  return { kind: "MeshSubset" as const, tags: { "kuma.io/service": serviceTag(service, field) } };
}

/** Names the destination service (legacy mode: a `kuma.io/service` value), for `to` and backendRefs. */
export function meshServiceRef(service: ServiceRef, field = "service") {
  return { kind: "MeshService" as const, name: serviceTag(service, field) };
}
