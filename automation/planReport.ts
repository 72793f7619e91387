import * as fs from "fs";
import * as path from "path";
import { parseYaml, toYaml } from "../lib/yaml";
import { konnectRequestBody, KonnectKind } from "../providers/konnect/bodies";
import { renderBootstrapScript } from "../render/cloudInit";
import { UNKNOWN_PATTERN, UNKNOWN_TEXT } from "../offline/mocks";
import { isSecretValue, RecordedResource } from "../offline/evaluator";
import type { OfflinePlan } from "../offline/plan";
import { DYNAMIC_PREFIX, shortType } from "../offline/resourceTypes";

/** How the plan prints a secret and a value only known after deployment. */
const SECRET_TEXT = "[secret]";

/** Plain JSON of a recorded value: secrets become "[secret]", deploy-time values "[unknown]". */
export function sanitize(value: unknown): unknown {
  if (isSecretValue(value)) return SECRET_TEXT;
  if (typeof value === "string") return value.replace(UNKNOWN_PATTERN, UNKNOWN_TEXT);
  if (Array.isArray(value)) return value.map(sanitize);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k, v]) => k !== "__provider" && v !== undefined)
        .map(([k, v]) => [k, sanitize(v)]),
    );
  }
  return value;
}

const ownResources = (resources: RecordedResource[]) => resources.filter((r) => r.type !== "pulumi:pulumi:Stack");

export function planJson(plan: OfflinePlan): object {
  return {
    mode: plan.mode,
    phases: plan.phases.map((p) => ({
      phase: p.phase,
      stack: p.stack,
      resources: ownResources(p.resources).map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent ?? null,
        inputs: sanitize(r.inputs),
        ...(r.aliases ? { aliases: r.aliases } : {}),
      })),
      outputs: sanitize(p.outputs),
    })),
  };
}

export function renderTree(resources: RecordedResource[]): string {
  const children = new Map<string | undefined, RecordedResource[]>();
  for (const r of resources) {
    const list = children.get(r.parent) ?? [];
    list.push(r);
    children.set(r.parent, list);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, indent: string) => {
    const list = children.get(parent) ?? [];
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      lines.push(`${indent}${parent === undefined ? "" : last ? "└─ " : "├─ "}${r.name}  ${shortType(r.type)}`);
      walk(r.urn, parent === undefined ? "" : indent + (last ? "   " : "│  "));
    });
  };
  walk(undefined, "");
  return lines.join("\n");
}

export function countByType(resources: RecordedResource[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const r of ownResources(resources)) counts.set(shortType(r.type), (counts.get(shortType(r.type)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export function renderPlanText(plan: OfflinePlan): string {
  const out: string[] = [
    "OFFLINE PLAN: the real program evaluated in-process under mocks. Nothing was deployed and no cloud or",
    "Konnect API was called. [unknown] marks values only known after deployment; [secret] marks secrets.",
    "",
  ];
  for (const p of plan.phases) {
    const own = ownResources(p.resources);
    out.push(`== ${p.phase} (stack ${p.stack}): ${own.length} resources, evaluated in ${p.durationMs} ms`);
    if (p.placeholderSecrets.length > 0)
      out.push(`   secrets not readable offline, stood in for: ${p.placeholderSecrets.join(", ")}`);
    if (p.placeholderImages?.length)
      out.push(`   images to mirror and pin before deploying, stood in for: ${p.placeholderImages.join(", ")}`);
    out.push(renderTree(p.resources), "");
    out.push("   outputs:");
    for (const [key, value] of Object.entries(sanitize(p.outputs) as Record<string, unknown>)) {
      if (key === "smokeChecks") {
        out.push(
          `     smokeChecks: ${(value as unknown[]).length} HTTP checks, e.g. ${(
            value as Array<{ method: string; url: string; expectStatus: number }>
          )
            .slice(0, 2)
            .map((c) => `${c.method} ${c.url} -> ${c.expectStatus}`)
            .join("; ")}`,
        );
      } else {
        out.push(`     ${key}: ${JSON.stringify(value)}`);
      }
    }
    out.push("");
  }
  out.push("== summary");
  for (const p of plan.phases) {
    const counts = countByType(p.resources);
    out.push(
      `   ${p.phase} adds ${ownResources(p.resources).length} resources: ${counts.map(([t, n]) => `${n} ${t}`).join(", ")}`,
    );
  }
  return out.join("\n") + "\n";
}

export interface Artifact {
  /** Relative to the phase's folder, e.g. `hosts/gateway/etc/kong/kong.env`. */
  path: string;
  content: string;
}

const KONNECT_KINDS: Record<string, KonnectKind> = {
  "konnect:ControlPlane": "control-plane",
  "konnect:DataPlaneCertificate": "dp-certificate",
  "konnect:GatewayService": "service",
  "konnect:Route": "route",
};

/** A recorded resource's inputs, read by field: their shape depends on the resource's type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ResourceInputs = Record<string, any>;

/** Every artefact a phase would put on a host, send to Konnect or apply to the mesh, as files. */
export function phaseArtifacts(resources: RecordedResource[]): Artifact[] {
  const artifacts: Artifact[] = [];
  for (const r of resources) {
    const inputs = r.inputs as ResourceInputs;
    if (r.type === "journey:host:Software") {
      artifacts.push({ path: `hosts/${inputs.host}/bootstrap.sh`, content: renderBootstrapScript(inputs.bootstrap) });
    } else if (r.type === "journey:host:File") {
      const content = isSecretValue(inputs.content)
        ? `${SECRET_TEXT} delivered over SSH, mode ${inputs.mode}; not written by the offline plan\n`
        : String(inputs.content);
      artifacts.push({ path: `hosts/${inputs.host}${inputs.path}`, content });
      if (inputs.kumaResource && !isSecretValue(inputs.content)) artifacts.push(kumaArtifact(parseYaml(content)));
    } else if (r.type === `${DYNAMIC_PREFIX}kuma:Resource`) {
      artifacts.push(kumaArtifact(inputs.resource));
    } else if (r.type.startsWith("kubernetes:") && r.custom) {
      artifacts.push(kubernetesArtifact(r));
    } else if (r.type === "aws:ec2/instance:Instance" && inputs.userData) {
      artifacts.push({
        path: `hosts/${inputs.tags?.Role ?? r.name}/cloud-init.yaml`,
        content: String(inputs.userData),
      });
    } else if (r.type.startsWith(DYNAMIC_PREFIX) && KONNECT_KINDS[r.type.slice(DYNAMIC_PREFIX.length)]) {
      const kind = KONNECT_KINDS[r.type.slice(DYNAMIC_PREFIX.length)];
      const body = konnectRequestBody(kind, inputs as never);
      artifacts.push({
        path: `konnect/${kind}-${slug(typeof inputs.name === "string" ? inputs.name : r.name)}.json`,
        content: JSON.stringify(sanitize(body), null, 2) + "\n",
      });
    }
  }
  return artifacts.map((a) => ({ ...a, content: a.content.replace(UNKNOWN_PATTERN, UNKNOWN_TEXT) }));
}

/** A Kuma resource in universal format, as `kumactl apply -f` and `PUT /meshes/...` take it. */
function kumaArtifact(resource: { type: string; name: string }): Artifact {
  return { path: `kuma/${resource.type}-${slug(resource.name)}.yaml`, content: toYaml(sanitize(resource)) };
}

function kubernetesArtifact(r: RecordedResource): Artifact {
  const inputs = sanitize(r.inputs) as ResourceInputs;
  if (r.type === "kubernetes:helm.sh/v3:Release") {
    return {
      path: `k8s/HelmRelease-${slug(inputs.name ?? r.name)}.yaml`,
      content: toYaml({
        chart: inputs.chart,
        version: inputs.version,
        repositoryOpts: inputs.repositoryOpts,
        namespace: inputs.namespace,
        values: inputs.values,
      }),
    };
  }
  const kind = inputs.kind ?? r.type.split(":").pop();
  const name = inputs.metadata?.name ?? r.name;
  return { path: `k8s/${kind}-${slug(name)}.yaml`, content: toYaml(inputs) };
}

export function writeArtifacts(plan: OfflinePlan, dir: string): string[] {
  const written: string[] = [];
  for (const p of plan.phases) {
    for (const artifact of phaseArtifacts(p.resources)) {
      const file = path.join(dir, p.phase, artifact.path);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, artifact.content, { mode: 0o644 });
      written.push(file);
    }
  }
  return written;
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
