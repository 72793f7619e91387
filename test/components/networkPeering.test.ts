import * as assert from "node:assert/strict";
import { NetworkPeering, PeeredNetwork } from "../../components/networkPeering";
import { pick, recordComponent, typesAndNames, unknownOutput } from "../support/components";

const ROUTE = "aws:ec2/route:Route";
const ON_PREM: PeeredNetwork = { vpcId: "vpc-onprem", cidr: "10.0.0.0/16", routeTableIds: ["rt-onprem"] };
const CLOUD: PeeredNetwork = { vpcId: "vpc-cloud", cidr: "10.1.0.0/16", routeTableIds: ["rt-public", "rt-private"] };

const record = () =>
  recordComponent(
    NetworkPeering,
    () => new NetworkPeering("peering", { onPrem: ON_PREM, cloud: CLOUD, tags: { Project: "test" } }),
  );

describe(`${NetworkPeering.TYPE} alone`, () => {
  it("is the cloud VPC's peering with on-prem, accepted, and a route per route table each way", async () => {
    const p = await record();
    assert.deepEqual(p.component.inputs, { onPremCidr: "10.0.0.0/16", cloudCidr: "10.1.0.0/16" });
    assert.deepEqual(typesAndNames(p.children), [
      ["aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "peering-connection"],
      [ROUTE, "peering-to-cloud-1"],
      [ROUTE, "peering-to-onprem-1"],
      [ROUTE, "peering-to-onprem-2"],
    ]);
    assert.deepEqual(pick(p.resource("peering-connection"), "vpcId", "peerVpcId", "autoAccept", "tags"), {
      vpcId: "vpc-cloud",
      peerVpcId: "vpc-onprem",
      autoAccept: true,
      tags: { Project: "test", Name: "peering" },
    });
  });

  it("routes each side's tables to the other side's CIDR through the peering", async () => {
    const p = await record();
    const route = (name: string) =>
      pick(p.resource(name), "routeTableId", "destinationCidrBlock", "vpcPeeringConnectionId");
    const via = unknownOutput("peering-connection", "id");
    assert.deepEqual(route("peering-to-cloud-1"), {
      routeTableId: "rt-onprem",
      destinationCidrBlock: "10.1.0.0/16",
      vpcPeeringConnectionId: via,
    });
    assert.deepEqual(route("peering-to-onprem-1"), {
      routeTableId: "rt-public",
      destinationCidrBlock: "10.0.0.0/16",
      vpcPeeringConnectionId: via,
    });
    assert.deepEqual(route("peering-to-onprem-2"), {
      routeTableId: "rt-private",
      destinationCidrBlock: "10.0.0.0/16",
      vpcPeeringConnectionId: via,
    });
  });
});
