import { cidrContains, isCidr } from "../../lib/cidr";
import { asArray, asRecord, isOpaqueComponent, isUnknown, ResourceView } from "../view";
import { isWorld } from "./network";
import type { ResourceRule } from "./types";

const EKS_CLUSTER = "aws:eks/cluster:Cluster";
export const EKS_CLUSTER_COMPONENT = "eks:index:Cluster";

/**
 * The public side of a cluster's API endpoint, from the pulumi-eks component's inputs (all the offline
 * plan sees of a remote component) or from the `aws:eks/cluster:Cluster` it creates (what a real preview
 * also sees). Both default to a public endpoint, and AWS to 0.0.0.0/0 when no CIDRs are given.
 */
function publicEndpoint(r: ResourceView): { enabled: unknown; cidrs: unknown } | undefined {
  if (isOpaqueComponent(r)) return undefined;
  if (r.type === EKS_CLUSTER_COMPONENT)
    return { enabled: r.props.endpointPublicAccess ?? true, cidrs: r.props.publicAccessCidrs };
  if (r.type === EKS_CLUSTER) {
    const vpc = asRecord(r.props.vpcConfig);
    return { enabled: vpc?.endpointPublicAccess ?? true, cidrs: vpc?.publicAccessCidrs };
  }
  return undefined;
}

function withinAdmin(cidr: string, admin: readonly string[]): boolean {
  return admin.some((outer) => outer === cidr || (isCidr(outer) && isCidr(cidr) && cidrContains(outer, cidr)));
}

export const eksEndpointAdminOnly: ResourceRule = {
  scope: "resource",
  name: "eks-endpoint-admin-cidrs",
  description:
    "A public EKS API endpoint accepts only the admin networks: policy config adminCidrs when set, otherwise at least one CIDR and never 0.0.0.0/0 or ::/0.",
  enforcement: "mandatory",
  remediation:
    "Set publicAccessCidrs (eks.Cluster) / vpcConfig.publicAccessCidrs to the admin networks, or turn the public endpoint off.",
  types: [EKS_CLUSTER_COMPONENT, EKS_CLUSTER],
  configSchema: {
    properties: {
      adminCidrs: {
        type: "array",
        items: { type: "string" },
        description:
          "Networks allowed to reach public control-plane endpoints; empty: any CIDR except 0.0.0.0/0 and ::/0",
        default: [],
      },
    },
  },
  check(r, ctx) {
    const endpoint = publicEndpoint(r);
    if (!endpoint || endpoint.enabled === false || isUnknown(endpoint.enabled) || isUnknown(endpoint.cidrs)) return [];
    if (endpoint.cidrs === undefined)
      return ["the public endpoint sets no publicAccessCidrs, so AWS opens it to 0.0.0.0/0"];
    const cidrs = asArray(endpoint.cidrs).filter((c): c is string => typeof c === "string" && !isUnknown(c));
    if (asArray(endpoint.cidrs).length === 0) return ["the public endpoint lists no publicAccessCidrs"];
    const messages = cidrs.filter(isWorld).map((c) => `the public endpoint accepts ${c}`);
    const admin = asArray(ctx.config.adminCidrs).filter((c): c is string => typeof c === "string");
    if (admin.length > 0) {
      for (const c of cidrs.filter((c) => !isWorld(c) && !withinAdmin(c, admin)))
        messages.push(`the public endpoint accepts ${c}, outside adminCidrs (${admin.join(", ")})`);
    }
    return messages;
  },
};

export const eksPublicEndpoint: ResourceRule = {
  scope: "resource",
  name: "eks-public-endpoint-enabled",
  description:
    "The EKS API endpoint is public at all, even if restricted (legitimate for operators without a VPN into the VPC).",
  enforcement: "advisory",
  remediation:
    "endpointPublicAccess: false with endpointPrivateAccess: true, and reach the API over VPN, Direct Connect or a bastion.",
  types: [EKS_CLUSTER_COMPONENT, EKS_CLUSTER],
  check(r) {
    const endpoint = publicEndpoint(r);
    if (!endpoint || endpoint.enabled === false || isUnknown(endpoint.enabled)) return [];
    const cidrs = asArray(endpoint.cidrs).filter((c) => typeof c === "string");
    return [`the API endpoint is public${cidrs.length > 0 ? ` (restricted to ${cidrs.join(", ")})` : ""}`];
  },
};
