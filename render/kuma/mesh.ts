import { DEFAULT_MESH, Mesh, MtlsMode } from "./types";
import { assertBoolean, assertLabel, assertMeshDuration, assertOneOf, assertResourceName } from "./validate";

export interface MeshArgs {
  /** Default `default`. */
  name?: string;
  /** Name of the builtin CA backend. Default `ca-1`. */
  caBackend?: string;
  /** Default STRICT. PERMISSIVE only while moving proxies that are not in the mesh yet. */
  mtlsMode?: MtlsMode;
  /** Lifetime of data plane certificates, rotated before expiry. Default `1d`. */
  dataplaneCertExpiration?: string;
  caCertRsaBits?: 2048 | 3072 | 4096;
  caCertExpiration?: string;
  /** Send cross-zone (and external) traffic through ZoneEgress. Default true. */
  zoneEgress?: boolean;
}

const MESH_DEFAULTS = {
  caBackend: "ca-1",
  mtlsMode: "STRICT",
  dataplaneCertExpiration: "1d",
  caCertRsaBits: 2048,
  caCertExpiration: "10y",
  zoneEgress: true,
} as const satisfies Required<Omit<MeshArgs, "name">>;

/**
 * The mesh with builtin mTLS. mTLS is what zone ingress/egress route by (SNI), so it is required
 * for the walk and run phases; with it on, all traffic is denied unless a MeshTrafficPermission
 * allows it, so apply those (meshTrafficPermissions) before or together with this.
 */
export function mesh(args: MeshArgs = {}): Mesh {
  const options = { ...MESH_DEFAULTS, ...args };
  const caBackend = assertLabel("mesh.caBackend", options.caBackend);
  return {
    type: "Mesh",
    name: assertResourceName("mesh.name", args.name ?? DEFAULT_MESH),
    // Legacy `kuma.io/service` identities rather than MeshService resources: in 2.13 LTS and 2.14 this
    // works the same in universal and Kubernetes zones, and keeps one naming rule for every policy
    // (MeshSubset/`name:` refs by service tag). Exclusive mode would need label selectors everywhere and
    // MeshServices generated from RFC 1035 names; that is the 3.0 migration, not this one.
    meshServices: { mode: "Disabled" },
    mtls: {
      enabledBackend: caBackend,
      backends: [
        {
          name: caBackend,
          type: "builtin",
          mode: assertOneOf("mesh.mtlsMode", options.mtlsMode, ["STRICT", "PERMISSIVE"] as const),
          dpCert: {
            rotation: {
              expiration: assertMeshDuration("mesh.dataplaneCertExpiration", options.dataplaneCertExpiration),
            },
          },
          // `RSAbits` is the proto JSON name the CP reads; the OpenAPI document's `rsaBits` would be
          // dropped as an unknown field and the CA silently generated with the default size.
          conf: {
            caCert: {
              RSAbits: assertOneOf("mesh.caCertRsaBits", options.caCertRsaBits, [2048, 3072, 4096] as const),
              expiration: assertMeshDuration("mesh.caCertExpiration", options.caCertExpiration),
            },
          },
        },
      ],
    },
    routing: { zoneEgress: assertBoolean("mesh.zoneEgress", options.zoneEgress) },
    // Never the legacy allow-all TrafficPermission / route-all TrafficRoute, even on a CP started with
    // KUMA_DEFAULTS_CREATE_MESH_ROUTING_RESOURCES=true; the default MeshTimeout/Retry/CircuitBreaker stay.
    skipCreatingInitialPolicies: ["TrafficPermission", "TrafficRoute"],
  };
}
