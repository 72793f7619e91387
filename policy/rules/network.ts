import { coversPublicInternet, MIN_PUBLIC_PREFIX } from "../../lib/cidr";
import { asArray, asRecord, isUnknown, ResourceView } from "../view";
import type { ResourceRule, StackRule } from "./types";

const SG_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";

/** Ports that must never face the whole internet: remote administration, control-plane APIs, the database. */
const ADMIN_PORTS: ReadonlyArray<{ port: number; what: string }> = [
  { port: 22, what: "SSH" },
  { port: 5432, what: "Postgres" },
  { port: 5678, what: "the Kuma DP server" },
  { port: 5681, what: "the Kuma API (HTTP)" },
  { port: 5682, what: "the Kuma API (HTTPS)" },
  { port: 5685, what: "Kuma KDS" },
];

interface IngressSpec {
  protocol: unknown;
  fromPort: unknown;
  toPort: unknown;
  cidrs: unknown[];
  /** Where in the resource, e.g. `ingress[1]`; empty for a rule resource. */
  where: string;
}

/** The inbound flows a resource opens, from any of the three ways the AWS provider declares them. */
function ingressSpecs(r: ResourceView): IngressSpec[] {
  const p = r.props;
  switch (r.type) {
    case SG_INGRESS_RULE:
      return [
        { protocol: p.ipProtocol, fromPort: p.fromPort, toPort: p.toPort, cidrs: [p.cidrIpv4, p.cidrIpv6], where: "" },
      ];
    case SECURITY_GROUP:
      return asArray(p.ingress).map((raw, i) => {
        const rule = asRecord(raw) ?? {};
        return {
          protocol: rule.protocol,
          fromPort: rule.fromPort,
          toPort: rule.toPort,
          cidrs: [...asArray(rule.cidrBlocks), ...asArray(rule.ipv6CidrBlocks)],
          where: `ingress[${i}]`,
        };
      });
    case SECURITY_GROUP_RULE:
      if (p.type !== "ingress") return [];
      return [
        {
          protocol: p.protocol,
          fromPort: p.fromPort,
          toPort: p.toPort,
          cidrs: [...asArray(p.cidrBlocks), ...asArray(p.ipv6CidrBlocks)],
          where: "",
        },
      ];
    default:
      return [];
  }
}

/** `0.0.0.0/0`, `::/0`, or a public block wide enough to be most of the internet (`0.0.0.0/1`, `8.0.0.0/7`). */
export function isWorld(cidr: unknown): boolean {
  return typeof cidr === "string" && coversPublicInternet(cidr);
}

/** The listed ports the flow lets in; `undefined` when its protocol or ports are not known yet. */
function portsOpened(
  spec: Pick<IngressSpec, "protocol" | "fromPort" | "toPort">,
  ports: readonly number[],
): number[] | undefined {
  if (isUnknown(spec.protocol) || spec.protocol === undefined) return undefined;
  const protocol = String(spec.protocol).toLowerCase();
  if (protocol === "-1" || protocol === "all") return [...ports];
  if (protocol !== "tcp" && protocol !== "6") return [];
  const from = spec.fromPort;
  const to = spec.toPort ?? spec.fromPort;
  if (typeof from !== "number" || typeof to !== "number") return undefined;
  return ports.filter((port) => from <= port && port <= to);
}

export const noWorldAdminIngress: ResourceRule = {
  scope: "resource",
  name: "no-world-admin-ingress",
  description: `No security-group rule opens SSH, a Kuma control-plane port (5678/5681/5682/5685) or Postgres (5432) to the internet: 0.0.0.0/0, ::/0, or any public block shorter than /${MIN_PUBLIC_PREFIX}.`,
  enforcement: "mandatory",
  remediation:
    "Allow these ports only from the admin networks (config adminCidrs), the peer network, or a security group.",
  types: [SG_INGRESS_RULE, SECURITY_GROUP, SECURITY_GROUP_RULE],
  configSchema: {
    properties: {
      ports: {
        type: "array",
        items: { type: "integer" },
        description: "Ports that must never be open to the internet",
        default: ADMIN_PORTS.map((p) => p.port),
      },
    },
  },
  check(r, ctx) {
    const ports = (ctx.config.ports as number[] | undefined) ?? ADMIN_PORTS.map((p) => p.port);
    const messages: string[] = [];
    for (const spec of ingressSpecs(r)) {
      const world = spec.cidrs.filter(isWorld) as string[];
      if (world.length === 0) continue;
      const opened = portsOpened(spec, ports);
      if (!opened || opened.length === 0) continue;
      const names = opened
        .map((port) => `${ADMIN_PORTS.find((p) => p.port === port)?.what ?? "port"} (${port})`)
        .join(", ");
      messages.push(`${spec.where ? `${spec.where} ` : ""}opens ${names} to ${world.join(" and ")}`);
    }
    return messages;
  },
};

export const singleNatGateway: StackRule = {
  scope: "stack",
  name: "single-nat-gateway",
  description:
    "Private subnets spread over several availability zones share fewer NAT gateways than zones (a legitimate cost choice: one zone's outage cuts their egress).",
  enforcement: "advisory",
  remediation: "One NAT gateway per availability zone, each private route table routing to the NAT in its own zone.",
  check(stack) {
    const nats = stack.resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway");
    const zones = new Set(
      stack.resources
        .filter(
          (r) =>
            r.type === "aws:ec2/subnet:Subnet" &&
            typeof r.props.availabilityZone === "string" &&
            !isUnknown(r.props.availabilityZone),
        )
        .map((r) => r.props.availabilityZone as string),
    );
    if (nats.length === 0 || nats.length >= zones.size) return [];
    return nats.map((nat) => ({
      resource: nat,
      message: `${nats.length} NAT gateway(s) serve subnets in ${zones.size} availability zones (${[...zones].sort().join(", ")})`,
    }));
  },
};
