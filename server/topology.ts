import type { Phase } from "../config/schema";
import { DYNAMIC_PREFIX } from "../offline/resourceTypes";
import type { PlanDocument, PlanResource } from "../automation/planDiff";

/**
 * The picture the dashboard draws, read from the offline plan: the on-prem zone (monolith,
 * gateway, and from walk its zone control plane), the cloud zone (the microservice on EKS), the
 * Konnect and Kong Mesh global control planes, and the traffic split of each migration. Only what
 * the plan declares is in it: a plan of crawl alone has no cloud zone.
 */

export type NodeKind = "monolith" | "gateway" | "zone-cp" | "microservice" | "global-cp" | "konnect-cp";

export interface TopologyNode {
  id: string;
  kind: NodeKind;
  label: string;
  detail?: string;
  /** The phase whose stack declares it. */
  phase: Phase;
}

export interface TopologyZone {
  id: "on-prem" | "cloud";
  /** The mesh zone's name (config `mesh.onPremZone` / `mesh.cloudZone`), or what the zone is before walk. */
  name: string;
  detail?: string;
  phase: Phase;
  nodes: TopologyNode[];
}

export interface TopologyLink {
  from: string;
  to: string;
  kind: "traffic" | "control" | "kds";
  label: string;
  phase: Phase;
}

export interface TrafficSplit {
  migration: string;
  pathPrefix: string;
  /** Percent to the microservice; the rest stays with the monolith. */
  weight: number;
  /** `deployed`: read from run's stack; `planned`: run's config as the plan evaluated it. */
  source: "deployed" | "planned";
  from: string;
  to: string;
}

export interface Topology {
  zones: TopologyZone[];
  controlPlanes: TopologyNode[];
  links: TopologyLink[];
  splits: TrafficSplit[];
}

const str = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

export function topologyOf(plan: PlanDocument, deployedWeights: Record<string, number> = {}): Topology {
  const resources = (phase: Phase) => plan.phases.find((p) => p.phase === phase)?.resources ?? [];
  const outputs = (phase: Phase) => plan.phases.find((p) => p.phase === phase)?.outputs ?? {};
  const find = (phase: Phase, test: (r: PlanResource) => boolean) => resources(phase).find(test);
  const host = (phase: Phase, role: string) =>
    find(phase, (r) => r.type === "journey:host:Host" && r.inputs.role === role);

  const zones: TopologyZone[] = [];
  const controlPlanes: TopologyNode[] = [];
  const links: TopologyLink[] = [];

  // Crawl: the data center with the monolith and the gateway in front of it, configured from Konnect.
  const site = find("crawl", (r) => r.type === "journey:onprem:Site");
  if (site) {
    const nodes: TopologyNode[] = [];
    const monolithHost = host("crawl", "monolith");
    const monolithApp = find("crawl", (r) => r.type === "journey:app:Monolith");
    if (monolithHost || monolithApp) {
      const address = str(monolithHost?.inputs.privateIp);
      const port = monolithApp?.inputs.port;
      nodes.push({
        id: "monolith",
        kind: "monolith",
        label: "monolith",
        detail:
          [address && `${address}${port ? `:${port}` : ""}`, str(monolithApp?.inputs.image)]
            .filter(Boolean)
            .join(" · ") || undefined,
        phase: "crawl",
      });
    }
    const gatewayHost = host("crawl", "gateway");
    const gateway = find("crawl", (r) => r.type === "journey:konnect:Gateway");
    if (gatewayHost || gateway) {
      nodes.push({
        id: "gateway",
        kind: "gateway",
        label: "Kong Gateway",
        detail: [str(gatewayHost?.inputs.privateIp), "Konnect data plane"].filter(Boolean).join(" · "),
        phase: "crawl",
      });
    }
    const zone = find("walk", (r) => r.type === "journey:mesh:UniversalZone");
    if (zone) {
      const zoneHost = host("walk", "mesh-zone");
      nodes.push({
        id: "onprem-zone-cp",
        kind: "zone-cp",
        label: "zone control plane",
        detail: [str(zoneHost?.inputs.privateIp), "universal, ingress + egress"].filter(Boolean).join(" · "),
        phase: "walk",
      });
    }
    zones.push({
      id: "on-prem",
      name: str(zone?.inputs.zone) ?? "on-prem",
      detail: [
        site.inputs.mode === "existing" ? "existing data center" : "simulated data center",
        str(find("crawl", (r) => r.type === "journey:network:Network")?.inputs.cidr),
      ]
        .filter(Boolean)
        .join(" · "),
      phase: "crawl",
      nodes,
    });
    for (const route of resources("crawl").filter((r) => r.type === "journey:konnect:GatewayRoute")) {
      links.push({ from: "gateway", to: "monolith", kind: "traffic", label: routeLabel(route), phase: "crawl" });
    }
  }

  const konnect = find("crawl", (r) => r.type === `${DYNAMIC_PREFIX}konnect:ControlPlane`);
  if (konnect) {
    controlPlanes.push({
      id: "konnect-cp",
      kind: "konnect-cp",
      label: "Konnect control plane",
      detail: [str(konnect.inputs.name), str(konnect.inputs.region) && `region ${konnect.inputs.region}`]
        .filter(Boolean)
        .join(" · "),
      phase: "crawl",
    });
    if (site) links.push({ from: "konnect-cp", to: "gateway", kind: "control", label: "config", phase: "crawl" });
  }

  // Walk: the cloud zone on EKS with the microservice, both zones under the global control plane.
  const cloudZone = find("walk", (r) => r.type === "journey:cloud:Zone");
  if (cloudZone) {
    const nodes: TopologyNode[] = [
      {
        id: "cloud-zone-cp",
        kind: "zone-cp",
        label: "zone control plane",
        detail:
          `kong-mesh ${str(cloudZone.inputs.meshVersion) ?? ""} on EKS ${str(cloudZone.inputs.kubernetesVersion) ?? ""}`
            .replace(/ +/g, " ")
            .trim(),
        phase: "walk",
      },
    ];
    const microservice = find("walk", (r) => r.type === "journey:app:Microservice");
    if (microservice) {
      nodes.push({
        id: "microservice",
        kind: "microservice",
        label: str(microservice.inputs.name) ?? "microservice",
        detail: [
          str(microservice.inputs.namespace) && `namespace ${microservice.inputs.namespace}`,
          str(microservice.inputs.image),
        ]
          .filter(Boolean)
          .join(" · "),
        phase: "walk",
      });
    }
    zones.push({
      id: "cloud",
      name: str(cloudZone.inputs.zone) ?? "cloud",
      detail: str(
        find("walk", (r) => r.type === "journey:network:Network" && r.inputs.cidr !== undefined)?.inputs.cidr,
      ),
      phase: "walk",
      nodes,
    });
    const meshRoute = find("walk", (r) => r.type === "journey:konnect:GatewayRoute");
    if (microservice && site)
      links.push({
        from: "gateway",
        to: "microservice",
        kind: "traffic",
        label: meshRoute ? `${routeLabel(meshRoute)} through the mesh` : "through the mesh",
        phase: "walk",
      });
  }

  const globalCp = find("walk", (r) => r.type === "journey:mesh:GlobalControlPlane");
  if (globalCp) {
    controlPlanes.push({
      id: "global-cp",
      kind: "global-cp",
      label: "Kong Mesh global control plane",
      detail: [str(globalCp.inputs.privateIp), "store on RDS"].filter(Boolean).join(" · "),
      phase: "walk",
    });
    if (zones.some((z) => z.nodes.some((n) => n.id === "onprem-zone-cp")))
      links.push({ from: "global-cp", to: "onprem-zone-cp", kind: "kds", label: "KDS", phase: "walk" });
    if (cloudZone) links.push({ from: "global-cp", to: "cloud-zone-cp", kind: "kds", label: "KDS", phase: "walk" });
  }

  // Run: each migration's weight, as deployed when run is, else as planned.
  const migrations = outputs("run").migrations;
  const splits: TrafficSplit[] = (Array.isArray(migrations) ? migrations : [])
    .filter(
      (m): m is { name: string; weight: number; pathPrefix?: string } =>
        typeof m?.name === "string" && typeof m?.weight === "number",
    )
    .map((m) => {
      const deployed = deployedWeights[m.name];
      return {
        migration: m.name,
        pathPrefix: str(m.pathPrefix) ?? "",
        weight: deployed ?? m.weight,
        source: deployed === undefined ? "planned" : "deployed",
        from: "monolith",
        to: "microservice",
      };
    });

  return { zones, controlPlanes, links, splits };
}

function routeLabel(route: PlanResource): string {
  const paths = route.inputs.paths;
  return Array.isArray(paths) && paths.length > 0 ? paths.join(", ") : (str(route.inputs.routeName) ?? route.name);
}
