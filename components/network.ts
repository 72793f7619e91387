import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { subdivide } from "../lib/cidr";
import type { HostSubnets } from "./addressPlan";

export interface SubnetSpec {
  cidr: string;
  /** Without it, the n-th subnet of a kind goes in the region's n-th available zone. */
  availabilityZone?: pulumi.Input<string>;
}

export interface NetworkArgs {
  cidr: string;
  publicSubnets: SubnetSpec[];
  /** Private subnets get one NAT gateway in the first public subnet (advisory: one NAT is a single point of failure). */
  privateSubnets?: SubnetSpec[];
  publicSubnetTags?: Record<string, string>;
  privateSubnetTags?: Record<string, string>;
  tags: Record<string, string>;
}

/** A VPC with public subnets behind an internet gateway and, optionally, private subnets behind NAT. */
export class Network extends pulumi.ComponentResource {
  static readonly TYPE = "journey:network:Network";
  public readonly vpcId: pulumi.Output<string>;
  public readonly cidr: string;
  public readonly publicSubnetIds: pulumi.Output<string>[];
  /** The public subnets as the address plan places hosts in them (`placeHost`). */
  public readonly publicSubnets: HostSubnets<pulumi.Output<string>>;
  public readonly privateSubnetIds: pulumi.Output<string>[];
  public readonly routeTableIds: pulumi.Output<string>[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super(Network.TYPE, name, { cidr: args.cidr }, opts);
    // Private-only is not a layout this component offers: private subnets reach the internet (images,
    // packages, the EKS API) only through the NAT gateway, and the NAT gateway lives in the first public subnet.
    const privateCidrs = (args.privateSubnets ?? []).map((s) => s.cidr);
    if (privateCidrs.length > 0 && args.publicSubnets.length === 0)
      throw new Error(
        `Network ${name}: publicSubnets is [] with privateSubnets ${JSON.stringify(privateCidrs)}: private subnets need at least one public subnet, where their NAT gateway goes (or give no private subnets)`,
      );
    const tag = (role: string, extra: Record<string, string> = {}) => ({
      ...args.tags,
      ...extra,
      Name: `${name}-${role}`,
    });
    const needsLookup = [...args.publicSubnets, ...(args.privateSubnets ?? [])].some((s) => !s.availabilityZone);
    const azs = needsLookup
      ? aws.getAvailabilityZonesOutput({ state: "available" }, { parent: this }).names
      : pulumi.output([] as string[]);
    const zoneOf = (spec: SubnetSpec, i: number) => spec.availabilityZone ?? azs.apply((names) => names[i]);

    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      { cidrBlock: args.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tag("vpc") },
      { parent: this },
    );
    const gateway = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tag("igw") }, { parent: this });
    // Routes are standalone aws.ec2.Route resources only: walk adds peering routes to these tables,
    // and inline `routes` would overwrite them (see NetworkPeering).
    const publicRoutes = new aws.ec2.RouteTable(
      `${name}-public-rt`,
      { vpcId: vpc.id, tags: tag("public-rt") },
      { parent: this },
    );
    new aws.ec2.Route(
      `${name}-public-default`,
      { routeTableId: publicRoutes.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: gateway.id },
      { parent: this },
    );
    const subnet = (kind: "public" | "private", spec: SubnetSpec, i: number, kindTags?: Record<string, string>) =>
      new aws.ec2.Subnet(
        `${name}-${kind}-${i + 1}`,
        {
          vpcId: vpc.id,
          cidrBlock: spec.cidr,
          availabilityZone: zoneOf(spec, i),
          mapPublicIpOnLaunch: false,
          tags: tag(`${kind}-${i + 1}`, kindTags),
        },
        { parent: this },
      );
    const publicSubnets = args.publicSubnets.map((spec, i) => {
      const created = subnet("public", spec, i, args.publicSubnetTags);
      new aws.ec2.RouteTableAssociation(
        `${name}-public-${i + 1}-rta`,
        { subnetId: created.id, routeTableId: publicRoutes.id },
        { parent: this },
      );
      return created;
    });

    const routeTableIds = [publicRoutes.id];
    const privateSubnets = (args.privateSubnets ?? []).map((spec, i) =>
      subnet("private", spec, i, args.privateSubnetTags),
    );
    if (privateSubnets.length > 0) {
      const natAddress = new aws.ec2.Eip(`${name}-nat-eip`, { domain: "vpc", tags: tag("nat-eip") }, { parent: this });
      const nat = new aws.ec2.NatGateway(
        `${name}-nat`,
        { subnetId: publicSubnets[0].id, allocationId: natAddress.id, tags: tag("nat") },
        { parent: this, dependsOn: [gateway] },
      );
      const privateRoutes = new aws.ec2.RouteTable(
        `${name}-private-rt`,
        { vpcId: vpc.id, tags: tag("private-rt") },
        { parent: this },
      );
      new aws.ec2.Route(
        `${name}-private-default`,
        { routeTableId: privateRoutes.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id },
        { parent: this },
      );
      privateSubnets.forEach(
        (created, i) =>
          new aws.ec2.RouteTableAssociation(
            `${name}-private-${i + 1}-rta`,
            { subnetId: created.id, routeTableId: privateRoutes.id },
            { parent: this },
          ),
      );
      routeTableIds.push(privateRoutes.id);
    }

    this.vpcId = vpc.id;
    this.cidr = args.cidr;
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.publicSubnets = { subnetIds: this.publicSubnetIds, subnetCidrs: args.publicSubnets.map((s) => s.cidr) };
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.routeTableIds = routeTableIds;
    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      routeTableIds: this.routeTableIds,
    });
  }
}

/** Default layout: the first two /26 of the on-prem range as public subnets (what the tutorial used). */
export function planOnPremSubnets(vpcCidr: string): string[] {
  return subdivide(vpcCidr, 26, 2);
}

/** Default cloud layout: two public /24 for load balancers and NAT, two private /20 for EKS nodes and control planes. */
export function planCloudSubnets(vpcCidr: string): { publicCidrs: string[]; privateCidrs: string[] } {
  return { publicCidrs: subdivide(vpcCidr, 24, 2), privateCidrs: subdivide(vpcCidr, 20, 2, 1) };
}

/**
 * The cloud network: the planned subnets in the region's first two availability zones, tagged so
 * that the EKS cluster `clusterName` puts internet-facing load balancers on the public ones and
 * internal ones on the private ones.
 */
export function cloudNetwork(
  name: string,
  args: { cidr: string; clusterName: string; tags: Record<string, string> },
  opts?: pulumi.ComponentResourceOptions,
): Network {
  const { publicCidrs, privateCidrs } = planCloudSubnets(args.cidr);
  const cluster = { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" };
  return new Network(
    name,
    {
      cidr: args.cidr,
      publicSubnets: publicCidrs.map((cidr) => ({ cidr })),
      privateSubnets: privateCidrs.map((cidr) => ({ cidr })),
      publicSubnetTags: { "kubernetes.io/role/elb": "1", ...cluster },
      privateSubnetTags: { "kubernetes.io/role/internal-elb": "1", ...cluster },
      tags: args.tags,
    },
    opts,
  );
}
