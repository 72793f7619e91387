import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

export interface PeeredNetwork {
  vpcId: pulumi.Input<string>;
  cidr: string;
  routeTableIds: pulumi.Input<string>[];
}

/**
 * Joins the cloud VPC to the (simulated) on-prem VPC, with routes both ways: the walk phase owns
 * the peering and the routes it adds to the on-prem route table, so destroying walk removes them.
 */
export class NetworkPeering extends pulumi.ComponentResource {
  static readonly TYPE = "journey:network:Peering";
  constructor(
    name: string,
    args: { onPrem: PeeredNetwork; cloud: PeeredNetwork; tags: Record<string, string> },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(NetworkPeering.TYPE, name, { onPremCidr: args.onPrem.cidr, cloudCidr: args.cloud.cidr }, opts);
    const peering = new aws.ec2.VpcPeeringConnection(
      `${name}-connection`,
      { vpcId: args.cloud.vpcId, peerVpcId: args.onPrem.vpcId, autoAccept: true, tags: { ...args.tags, Name: name } },
      { parent: this },
    );
    const route = (side: string, tables: pulumi.Input<string>[], destination: string) =>
      tables.forEach(
        (routeTableId, i) =>
          new aws.ec2.Route(
            `${name}-${side}-${i + 1}`,
            { routeTableId, destinationCidrBlock: destination, vpcPeeringConnectionId: peering.id },
            { parent: this },
          ),
      );
    route("to-cloud", args.onPrem.routeTableIds, args.cloud.cidr);
    route("to-onprem", args.cloud.routeTableIds, args.onPrem.cidr);
    this.registerOutputs({ peeringId: peering.id });
  }
}
