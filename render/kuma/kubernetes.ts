import { KumaResource, UniversalResource, isKumaType, kumaTypeInfo } from "./types";
import { KumaInputError, assertResourceName } from "./validate";

const KUMA_API_VERSION = "kuma.io/v1alpha1";
/** On a global CP running on Kubernetes, policies may only be created in the system namespace. */
export const KUMA_SYSTEM_NAMESPACE = "kong-mesh-system";

export interface KubernetesObject {
  apiVersion: typeof KUMA_API_VERSION;
  kind: string;
  /** Legacy mesh-scoped kinds (Dataplane) carry the mesh at the top of the object as well. */
  mesh?: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}

/**
 * The CRD form of a universal resource: `spec` holds a policy's spec, or every field of a legacy
 * resource (Mesh, Dataplane, ZoneIngress/Egress) but its identity. Mesh-scoped kinds are labelled
 * `kuma.io/mesh`; namespaced kinds go to `namespace` (default kong-mesh-system).
 */
export function toKubernetes(
  resource: KumaResource | UniversalResource,
  namespace = KUMA_SYSTEM_NAMESPACE,
): KubernetesObject {
  if (!isKumaType(resource.type))
    throw new KumaInputError("resource.type", resource.type, "is not a Kuma type this program renders");
  const info = kumaTypeInfo(resource.type);
  const { type, name, mesh, labels, ...fields } = resource;
  const meshScoped = info.scope === "Mesh";
  if (meshScoped && !mesh) throw new KumaInputError(`${type}.mesh`, mesh, "is required for a mesh-scoped resource");

  const allLabels = { ...labels, ...(meshScoped ? { "kuma.io/mesh": mesh as string } : {}) };
  return {
    apiVersion: KUMA_API_VERSION,
    kind: type,
    ...(meshScoped && info.format === "legacy" ? { mesh } : {}),
    metadata: {
      name: assertResourceName(`${type}.name`, name),
      ...(info.kubernetesScope === "Namespaced" ? { namespace: assertResourceName("namespace", namespace) } : {}),
      ...(Object.keys(allLabels).length > 0 ? { labels: allLabels } : {}),
    },
    spec: info.format === "policy" ? (fields.spec as Record<string, unknown>) : fields,
  };
}
