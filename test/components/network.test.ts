import * as assert from "node:assert/strict";
import { Network, NetworkArgs } from "../../components/network";
import { pick, recordComponent, typesAndNames, unknownOutput } from "../support/components";

const ARGS: NetworkArgs = {
  cidr: "10.1.0.0/16",
  publicSubnets: [
    { cidr: "10.1.0.0/24", availabilityZone: "eu-west-1a" },
    { cidr: "10.1.1.0/24", availabilityZone: "eu-west-1b" },
  ],
  tags: { Project: "test" },
};
const PRIVATE = [
  { cidr: "10.1.16.0/20", availabilityZone: "eu-west-1a" },
  { cidr: "10.1.32.0/20", availabilityZone: "eu-west-1b" },
];

const record = (args: Partial<NetworkArgs> = {}) =>
  recordComponent(
    Network,
    () => new Network("net", { ...ARGS, ...args }),
    (n) => ({
      vpcId: n.vpcId,
      cidr: n.cidr,
      publicSubnetIds: n.publicSubnetIds,
      privateSubnetIds: n.privateSubnetIds,
      routeTableIds: n.routeTableIds,
    }),
  );

describe(`${Network.TYPE} alone`, () => {
  it("is a VPC whose public subnets route to an internet gateway", async () => {
    const n = await record();
    assert.deepEqual(n.component.inputs, { cidr: "10.1.0.0/16" });
    assert.deepEqual(typesAndNames(n.children), [
      ["aws:ec2/internetGateway:InternetGateway", "net-igw"],
      ["aws:ec2/subnet:Subnet", "net-public-1"],
      ["aws:ec2/routeTableAssociation:RouteTableAssociation", "net-public-1-rta"],
      ["aws:ec2/subnet:Subnet", "net-public-2"],
      ["aws:ec2/routeTableAssociation:RouteTableAssociation", "net-public-2-rta"],
      ["aws:ec2/route:Route", "net-public-default"],
      ["aws:ec2/routeTable:RouteTable", "net-public-rt"],
      ["aws:ec2/vpc:Vpc", "net-vpc"],
    ]);
    assert.deepEqual(pick(n.resource("net-public-default"), "routeTableId", "destinationCidrBlock", "gatewayId"), {
      routeTableId: unknownOutput("net-public-rt", "id"),
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: unknownOutput("net-igw", "id"),
    });
    assert.deepEqual(pick(n.resource("net-public-2"), "cidrBlock", "availabilityZone", "mapPublicIpOnLaunch"), {
      cidrBlock: "10.1.1.0/24",
      availabilityZone: "eu-west-1b",
      mapPublicIpOnLaunch: false,
    });
    assert.deepEqual(n.outputs, {
      vpcId: unknownOutput("net-vpc", "id"),
      cidr: "10.1.0.0/16",
      publicSubnetIds: [unknownOutput("net-public-1", "id"), unknownOutput("net-public-2", "id")],
      privateSubnetIds: [],
      routeTableIds: [unknownOutput("net-public-rt", "id")],
    });
  });

  it("keeps routes out of the route tables themselves, so that peering routes added later survive", async () => {
    const n = await record({ privateSubnets: PRIVATE });
    for (const table of n.children.filter((r) => r.type === "aws:ec2/routeTable:RouteTable"))
      assert.equal(table.inputs.routes, undefined, table.name);
  });

  it("puts private subnets behind one NAT gateway in the first public subnet", async () => {
    const n = await record({ privateSubnets: PRIVATE, privateSubnetTags: { "kubernetes.io/role/internal-elb": "1" } });
    const nat = n.resource("net-nat");
    assert.deepEqual(pick(nat, "subnetId", "allocationId"), {
      subnetId: unknownOutput("net-public-1", "id"),
      allocationId: unknownOutput("net-nat-eip", "id"),
    });
    assert.ok(n.waitsFor(nat, n.resource("net-igw")));
    assert.deepEqual(pick(n.resource("net-private-default"), "routeTableId", "natGatewayId"), {
      routeTableId: unknownOutput("net-private-rt", "id"),
      natGatewayId: unknownOutput("net-nat", "id"),
    });
    assert.deepEqual(n.resource("net-private-1").inputs.tags, {
      Project: "test",
      "kubernetes.io/role/internal-elb": "1",
      Name: "net-private-1",
    });
    assert.deepEqual(n.outputs.privateSubnetIds, [
      unknownOutput("net-private-1", "id"),
      unknownOutput("net-private-2", "id"),
    ]);
    assert.deepEqual(n.outputs.routeTableIds, [
      unknownOutput("net-public-rt", "id"),
      unknownOutput("net-private-rt", "id"),
    ]);
  });

  it("refuses private subnets without a public subnet for their NAT gateway", async () => {
    await assert.rejects(record({ publicSubnets: [], privateSubnets: PRIVATE }), {
      message:
        'Network net: publicSubnets is [] with privateSubnets ["10.1.16.0/20","10.1.32.0/20"]: private subnets need at least one public subnet, where their NAT gateway goes (or give no private subnets)',
    });
  });
});
