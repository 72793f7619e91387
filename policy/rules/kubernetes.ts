import { asArray, asRecord, isUnknown } from "../view";
import type { ResourceRule } from "./types";

/** Workload kinds and where each keeps its pod spec. */
const POD_SPEC_PATHS: Record<string, readonly string[]> = {
  "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
  "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
  "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
  "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
  "kubernetes:core/v1:Pod": ["spec"],
};
export const WORKLOAD_TYPES = Object.keys(POD_SPEC_PATHS);

export function podSpecOf(type: string, props: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  const path = POD_SPEC_PATHS[type];
  if (!path) return undefined;
  let node: unknown = props;
  for (const key of path) node = asRecord(node)?.[key];
  return asRecord(node);
}

const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
const HELM_TYPES = [HELM_RELEASE, "kubernetes:helm.sh/v4:Chart"];

/** The values root of a Kong Mesh or Kuma chart (`kong-mesh` nests Kuma's values under `kuma`), or undefined for other charts. */
function kumaChartValues(
  props: Readonly<Record<string, unknown>>,
): { chart: string; root: Record<string, unknown> | undefined; prefix: string } | undefined {
  const chart = typeof props.chart === "string" ? props.chart.split("/").pop()! : "";
  const values = asRecord(props.values);
  if (chart === "kong-mesh") return { chart, root: asRecord(values?.kuma), prefix: "values.kuma" };
  if (chart === "kuma") return { chart, root: values, prefix: "values" };
  return undefined;
}

const DEFAULT_LIMITS = ["cpu", "memory"];

function limitsProblem(resources: unknown, required: readonly string[]): string | undefined {
  const limits = asRecord(asRecord(resources)?.limits);
  if (isUnknown(resources) || isUnknown(limits)) return undefined;
  const missing = required.filter((k) => limits?.[k] === undefined || limits[k] === "" || limits[k] === null);
  return missing.length > 0 ? `no ${missing.join(" or ")} limit` : undefined;
}

export const workloadsNonRootWithLimits: ResourceRule = {
  scope: "resource",
  name: "k8s-workloads-non-root-with-limits",
  description:
    "Kubernetes workload containers run as non-root (runAsNonRoot, or a non-zero runAsUser), are not privileged and have CPU and memory limits; " +
    "so do the Kong Mesh control plane, ingress and egress in the chart's values.",
  enforcement: "mandatory",
  remediation:
    "Set securityContext.runAsNonRoot: true (and a non-zero runAsUser) and resources.limits.{cpu,memory} on every container.",
  types: [...WORKLOAD_TYPES, ...HELM_TYPES],
  configSchema: {
    properties: {
      requiredLimits: {
        type: "array",
        items: { type: "string" },
        description: "Resource limits every container sets",
        default: DEFAULT_LIMITS,
      },
    },
  },
  check(r, ctx) {
    const required = (ctx.config.requiredLimits as string[] | undefined) ?? DEFAULT_LIMITS;
    const messages: string[] = [];
    if (HELM_TYPES.includes(r.type)) {
      const kuma = kumaChartValues(r.props);
      if (!kuma?.root) return [];
      for (const component of ["controlPlane", "ingress", "egress"]) {
        const values = asRecord(kuma.root[component]);
        if (component !== "controlPlane" && values?.enabled !== true) continue;
        const problem = limitsProblem(values?.resources, required);
        if (problem) messages.push(`${kuma.prefix}.${component}.resources: ${problem}`);
      }
      return messages;
    }
    const pod = podSpecOf(r.type, r.props);
    if (!pod) return [];
    const podContext = asRecord(pod.securityContext);
    for (const list of ["initContainers", "containers"] as const) {
      asArray(pod[list]).forEach((raw, i) => {
        const c = asRecord(raw) ?? {};
        const where = `${list}[${i}] (${String(c.name ?? "?")})`;
        const sc = asRecord(c.securityContext);
        const runAsNonRoot = sc?.runAsNonRoot ?? podContext?.runAsNonRoot;
        const runAsUser = sc?.runAsUser ?? podContext?.runAsUser;
        if (runAsUser === 0) messages.push(`${where} runs as uid 0`);
        else if (runAsNonRoot !== true && !(typeof runAsUser === "number" && runAsUser > 0) && !isUnknown(runAsNonRoot))
          messages.push(`${where} may run as root: set runAsNonRoot: true`);
        if (sc?.privileged === true) messages.push(`${where} is privileged`);
        const problem = limitsProblem(c.resources, required);
        if (problem) messages.push(`${where}: ${problem}`);
      });
    }
    return messages;
  },
};

export const injectorFailsClosed: ResourceRule = {
  scope: "resource",
  name: "kuma-injector-fails-closed",
  description:
    "The Kong Mesh / Kuma chart sets the sidecar injector's webhook failurePolicy to Fail (controlPlane.injectorFailurePolicy), so that pods never start outside the mesh when the injector is down.",
  enforcement: "mandatory",
  remediation:
    'Set values.kuma.controlPlane.injectorFailurePolicy: "Fail" (kong-mesh chart) or values.controlPlane.injectorFailurePolicy (kuma chart).',
  types: HELM_TYPES,
  check(r) {
    const kuma = kumaChartValues(r.props);
    if (!kuma || isUnknown(r.props.values)) return [];
    const policy = asRecord(kuma.root?.controlPlane)?.injectorFailurePolicy;
    if (policy === "Fail" || isUnknown(policy)) return [];
    return [
      `${kuma.prefix}.controlPlane.injectorFailurePolicy is ${policy === undefined ? "not set (the chart's default applies)" : JSON.stringify(policy)}`,
    ];
  },
};
