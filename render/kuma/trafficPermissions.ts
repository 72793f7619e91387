import { GATEWAY_SERVICE, MICROSERVICE, MONOLITH_SERVICE, ServiceRef, proxiesOf, serviceTag } from "./services";
import { DEFAULT_MESH, MeshTrafficPermission } from "./types";
import { KumaInputError, assertDistinct, assertResourceName } from "./validate";

export interface MeshTrafficPermissionArgs {
  name: string;
  mesh?: string;
  /** The service whose inbound traffic this governs. */
  destination: ServiceRef;
  /** The only services allowed to call it. At least one; never "everyone". */
  allowedSources: readonly ServiceRef[];
}

/**
 * Deny-by-default permission for one destination: an explicit `Mesh -> Deny` plus one Allow per
 * source. The explicit Deny keeps it default-deny even where a legacy allow-all TrafficPermission
 * exists, since a MeshTrafficPermission that selects a proxy takes precedence over it.
 *
 * Apply before the Mesh's mTLS is relied on: with mTLS on, traffic no permission allows is refused.
 */
export function meshTrafficPermission(args: MeshTrafficPermissionArgs): MeshTrafficPermission {
  if (!Array.isArray(args.allowedSources) || args.allowedSources.length === 0) {
    throw new KumaInputError(
      "meshTrafficPermission.allowedSources",
      args.allowedSources,
      "must list at least one source service (allow-all is not offered)",
    );
  }
  const sources = args.allowedSources.map((source, i) =>
    proxiesOf(source, `meshTrafficPermission.allowedSources[${i}]`),
  );
  assertDistinct("meshTrafficPermission.allowedSources", sources, (source) => source.tags["kuma.io/service"]);
  return {
    type: "MeshTrafficPermission",
    mesh: assertResourceName("meshTrafficPermission.mesh", args.mesh ?? DEFAULT_MESH),
    name: assertResourceName("meshTrafficPermission.name", args.name),
    spec: {
      targetRef: proxiesOf(args.destination, "meshTrafficPermission.destination"),
      from: [
        { targetRef: { kind: "Mesh" }, default: { action: "Deny" } },
        ...sources.map((source) => ({ targetRef: source, default: { action: "Allow" as const } })),
      ],
    },
  };
}

export interface GatewayPermissionsArgs {
  mesh?: string;
  gateway?: ServiceRef;
  monolith?: ServiceRef;
  microservice?: ServiceRef;
}

/** The complete set for the migration: the gateway may call the monolith and the microservice; nothing else is allowed. */
export function meshTrafficPermissions(args: GatewayPermissionsArgs = {}): MeshTrafficPermission[] {
  const gateway = args.gateway ?? GATEWAY_SERVICE;
  const gatewayName = serviceTag(gateway, "meshTrafficPermissions.gateway");
  return [args.monolith ?? MONOLITH_SERVICE, args.microservice ?? MICROSERVICE].map((destination) =>
    meshTrafficPermission({
      name: `allow-${gatewayName}-to-${serviceTag(destination, "meshTrafficPermissions.destination").replace(/_/g, "-")}`,
      mesh: args.mesh,
      destination,
      allowedSources: [gateway],
    }),
  );
}
