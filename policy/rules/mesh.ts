import { parseYamlDocuments } from "../../lib/yaml";
import { asArray, asRecord, isUnknown, mentionsUnknown, ResourceView } from "../view";
import type { ResourceRule, StackFinding, StackRule } from "./types";

export const KUMA_RESOURCE = "pulumi-nodejs:dynamic/kuma:Resource";
const HOST_FILE = "journey:host:File";
const KUMA_CRD_PREFIX = "kubernetes:kuma.io/";

/** A Kuma resource in universal format (`type`, `name`, `mesh`, then the type's own fields). */
export type KumaObject = Record<string, unknown> & { type: string; name: string; mesh?: string };

/** Types whose universal form puts their fields at the top, not under `spec`. */
const LEGACY_FORMAT = new Set([
  "Mesh",
  "TrafficPermission",
  "TrafficRoute",
  "TrafficLog",
  "TrafficTrace",
  "HealthCheck",
  "CircuitBreaker",
  "FaultInjection",
  "Retry",
  "Timeout",
  "RateLimit",
  "ProxyTemplate",
  "Dataplane",
  "ZoneIngress",
  "ZoneEgress",
]);

function fromKubernetes(props: Readonly<Record<string, unknown>>): KumaObject | undefined {
  const kind = props.kind;
  const metadata = asRecord(props.metadata);
  if (typeof kind !== "string") return undefined;
  const spec = asRecord(props.spec) ?? {};
  const mesh =
    (typeof props.mesh === "string" ? props.mesh : undefined) ??
    (asRecord(metadata?.labels)?.["kuma.io/mesh"] as string | undefined) ??
    "default";
  const base = { type: kind, name: String(metadata?.name ?? ""), ...(kind === "Mesh" ? {} : { mesh }) };
  return LEGACY_FORMAT.has(kind) ? { ...spec, ...base } : { ...base, spec };
}

/**
 * The Kuma resources a resource declares: a dynamic `kuma:Resource` (applied to a CP's REST API), a
 * manifest the program puts on a host (`journey:host:File` with `kumaResource`), or a Kubernetes CRD object.
 */
function kumaObjectsOf(r: ResourceView): KumaObject[] {
  const p = r.props;
  if (r.type === KUMA_RESOURCE) {
    const resource = asRecord(p.resource);
    return resource && typeof resource.type === "string" ? [resource as KumaObject] : [];
  }
  if (r.type === HOST_FILE && p.kumaResource === true && typeof p.content === "string" && !mentionsUnknown(p.content)) {
    try {
      return parseYamlDocuments(p.content)
        .map((doc) => asRecord(doc))
        .filter((doc): doc is KumaObject => typeof doc?.type === "string");
    } catch {
      return [];
    }
  }
  if (r.type.startsWith(KUMA_CRD_PREFIX)) {
    const object = fromKubernetes(p);
    return object ? [object] : [];
  }
  return [];
}

/** Whether a Mesh turns mTLS on; `undefined` while unknown. */
function meshMtls(mesh: KumaObject): { on: boolean | undefined; problem?: string; mode?: unknown } {
  const mtls = asRecord(mesh.mtls);
  const enabled = mtls?.enabledBackend;
  if (isUnknown(mesh.mtls) || isUnknown(enabled)) return { on: undefined };
  if (typeof enabled !== "string" || enabled === "") return { on: false, problem: "mtls.enabledBackend is not set" };
  const backend = asArray(mtls?.backends)
    .map(asRecord)
    .find((b) => b?.name === enabled);
  if (!backend) return { on: false, problem: `mtls.enabledBackend "${enabled}" names no backend in mtls.backends` };
  return { on: true, mode: backend.mode };
}

export const meshMtlsOn: ResourceRule = {
  scope: "resource",
  name: "kuma-mesh-mtls",
  description:
    "Every Kuma Mesh turns mTLS on (an enabled CA backend): traffic between proxies is encrypted and authenticated, and traffic permissions are enforced.",
  enforcement: "mandatory",
  remediation: "Set mtls.enabledBackend to a builtin (or provided) CA backend listed in mtls.backends.",
  check(r) {
    return kumaObjectsOf(r)
      .filter((o) => o.type === "Mesh")
      .flatMap((mesh) => {
        const { on, problem } = meshMtls(mesh);
        return on === false ? [`Mesh ${mesh.name}: mTLS is off (${problem})`] : [];
      });
  },
};

export const meshMtlsStrict: ResourceRule = {
  scope: "resource",
  name: "kuma-mesh-mtls-strict",
  description:
    "The Mesh's mTLS is PERMISSIVE (accepts plaintext too): legitimate only while moving workloads into the mesh.",
  enforcement: "advisory",
  remediation: "Switch the CA backend's mode to STRICT once every workload has a sidecar.",
  check(r) {
    return kumaObjectsOf(r)
      .filter((o) => o.type === "Mesh")
      .flatMap((mesh) => (meshMtls(mesh).mode === "PERMISSIVE" ? [`Mesh ${mesh.name}: mTLS mode is PERMISSIVE`] : []));
  },
};

const ALLOWING = new Set(["Allow", "AllowWithShadowDeny"]);

function targetName(targetRef: unknown): string {
  const ref = asRecord(targetRef);
  if (!ref || ref.kind === "Mesh") return "every proxy";
  return `${String(ref.kind)} ${String(ref.name ?? JSON.stringify(ref.tags ?? ref.labels ?? {}))}`;
}

/** What in one permission lets every source in; empty when it names its sources. */
function allowAllGrants(object: KumaObject): string[] {
  const grants: string[] = [];
  if (object.type === "MeshTrafficPermission") {
    const spec = asRecord(object.spec);
    asArray(spec?.from).forEach((raw, i) => {
      const entry = asRecord(raw);
      const action = asRecord(entry?.default)?.action;
      if (asRecord(entry?.targetRef)?.kind === "Mesh" && typeof action === "string" && ALLOWING.has(action)) {
        grants.push(
          `from[${i}] lets every proxy of mesh ${object.mesh ?? "default"} reach ${targetName(spec?.targetRef)} (${action})`,
        );
      }
    });
  } else if (object.type === "TrafficPermission") {
    asArray(object.sources).forEach((raw, i) => {
      if (asRecord(asRecord(raw)?.match)?.["kuma.io/service"] === "*")
        grants.push(`sources[${i}] matches every service (kuma.io/service: "*")`);
    });
  }
  return grants;
}

export const noAllowAllTraffic: StackRule = {
  scope: "stack",
  name: "kuma-no-allow-all-traffic",
  description:
    "Mesh traffic is deny-by-default: no MeshTrafficPermission allows the whole mesh as a source, no legacy TrafficPermission matches every service, " +
    "every Mesh keeps the control plane from creating its default allow-all TrafficPermission, and no permission lives in a mesh of this stack with mTLS off (where permissions are not enforced).",
  enforcement: "mandatory",
  remediation:
    "List the allowed sources by service (targetRef kind MeshService / MeshSubset), keep an explicit Mesh -> Deny first, add TrafficPermission to the Mesh's skipCreatingInitialPolicies, and turn mTLS on.",
  check(stack) {
    const objects = stack.resources.flatMap((resource) =>
      kumaObjectsOf(resource).map((object) => ({ resource, object })),
    );
    const findings: StackFinding[] = [];
    const meshes = new Map<string, boolean | undefined>();
    for (const { resource, object } of objects) {
      if (object.type !== "Mesh") continue;
      meshes.set(object.name, meshMtls(object).on);
      const skipped = asArray(object.skipCreatingInitialPolicies);
      if (
        !isUnknown(object.skipCreatingInitialPolicies) &&
        !skipped.includes("TrafficPermission") &&
        !skipped.includes("*")
      ) {
        findings.push({
          resource,
          message: `Mesh ${object.name}: skipCreatingInitialPolicies lacks TrafficPermission, so a control plane creating default routing resources adds an allow-all permission`,
        });
      }
    }
    for (const { resource, object } of objects) {
      if (object.type !== "MeshTrafficPermission" && object.type !== "TrafficPermission") continue;
      for (const grant of allowAllGrants(object))
        findings.push({ resource, message: `${object.type} ${object.name}: ${grant}` });
      const mesh = object.mesh ?? "default";
      if (meshes.get(mesh) === false)
        findings.push({
          resource,
          message: `${object.type} ${object.name}: mesh ${mesh} of this stack has mTLS off, so permissions are not enforced and all traffic is allowed`,
        });
    }
    return findings;
  },
};
