import * as assert from "node:assert/strict";
import { Host, HostArgs, hostAmi } from "../../components/host";
import { renderCloudConfig } from "../../render/cloudInit";
import { dockerHost } from "../../render/hosts";
import { pick, recordComponent, typesAndNames, unknownOutput } from "../support/components";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const ARGS: HostArgs = {
  role: "gateway",
  vpcId: "vpc-1",
  vpcCidr: "10.0.0.0/16",
  subnetId: "subnet-1",
  privateIp: "10.0.1.20",
  instanceType: "t3.small",
  ami: { id: "ami-pinned", pinned: true },
  keyName: "key",
  rootVolumeGiB: 16,
  bootstrap: dockerHost("gateway"),
  adminCidrs: ["198.51.100.0/24"],
  inbound: [
    { description: "proxy", fromPort: 8000, toPort: 8443, cidrs: ["0.0.0.0/0"], sourceSecurityGroupId: "sg-lb" },
  ],
  publicIp: true,
  tags: { Project: "test" },
};

const record = (args: Partial<HostArgs> | (() => Partial<HostArgs>) = {}) =>
  recordComponent(
    Host,
    () => new Host("gw", { ...ARGS, ...(typeof args === "function" ? args() : args) }),
    (h) => ({
      instanceId: h.instanceId,
      securityGroupId: h.securityGroupId,
      privateIp: h.privateIp,
      publicIp: h.publicIp,
    }),
  );

describe(`${Host.TYPE} alone`, () => {
  it("is an instance with a security group of its own; the rules hang under the group", async () => {
    const h = await record();
    assert.deepEqual(h.component.inputs, {
      role: "gateway",
      privateIp: "10.0.1.20",
      instanceType: "t3.small",
      ami: "ami-pinned",
    });
    assert.deepEqual(typesAndNames(h.children), [
      ["aws:ec2/instance:Instance", "gw-instance"],
      [SG, "gw-sg"],
    ]);
    assert.deepEqual(typesAndNames(h.childrenOf(h.resource("gw-sg"))), [
      [INGRESS, "gw-in-22-1"],
      [INGRESS, "gw-in-8000-8443-1"],
      [INGRESS, "gw-in-8000-8443-sg"],
      [EGRESS, "gw-out-http"],
      [EGRESS, "gw-out-https"],
      [EGRESS, "gw-out-vpc"],
    ]);
    assert.deepEqual(h.outputs, {
      instanceId: unknownOutput("gw-instance", "id"),
      securityGroupId: unknownOutput("gw-sg", "id"),
      privateIp: "10.0.1.20",
      publicIp: unknownOutput("gw-instance", "publicIp"),
    });
  });

  it("allows SSH from the admin networks only, and the inbound flows given, by CIDR or by group", async () => {
    const { resource } = await record();
    const rule = (name: string) =>
      pick(
        resource(name),
        "description",
        "fromPort",
        "toPort",
        "ipProtocol",
        "cidrIpv4",
        "referencedSecurityGroupId",
        "securityGroupId",
      );
    const sg = unknownOutput("gw-sg", "id");
    const proxy = { description: "proxy", fromPort: 8000, toPort: 8443, ipProtocol: "tcp", securityGroupId: sg };
    assert.deepEqual(rule("gw-in-22-1"), {
      ...{ description: "SSH from the admin networks", fromPort: 22, toPort: 22, ipProtocol: "tcp" },
      ...{ cidrIpv4: "198.51.100.0/24", referencedSecurityGroupId: undefined, securityGroupId: sg },
    });
    assert.deepEqual(rule("gw-in-8000-8443-sg"), { ...proxy, cidrIpv4: undefined, referencedSecurityGroupId: "sg-lb" });
    assert.deepEqual(rule("gw-in-8000-8443-1"), {
      ...proxy,
      cidrIpv4: "0.0.0.0/0",
      referencedSecurityGroupId: undefined,
    });
  });

  it("sends out only inside the VPC, to HTTP(S), and to the extra networks given", async () => {
    const h = await record({ extraOutbound: [{ description: "peer", cidr: "10.1.0.0/16" }] });
    const egress = ["gw-out-vpc", "gw-out-https", "gw-out-http", "gw-out-extra-1"].map(h.resource);
    assert.equal(h.descendants.filter((r) => r.type === EGRESS).length, egress.length);
    assert.deepEqual(
      egress.map((r) => [r.name, r.inputs.ipProtocol, r.inputs.fromPort ?? "all", r.inputs.cidrIpv4]),
      [
        ["gw-out-vpc", "-1", "all", "10.0.0.0/16"],
        ["gw-out-https", "tcp", 443, "0.0.0.0/0"],
        ["gw-out-http", "tcp", 80, "0.0.0.0/0"],
        ["gw-out-extra-1", "-1", "all", "10.1.0.0/16"],
      ],
    );
  });

  it("requires IMDSv2, encrypts a gp3 root volume, boots with the bootstrap's cloud-init", async () => {
    const instance = (await record()).resource("gw-instance");
    const i = instance.inputs as Record<string, any>;
    assert.deepEqual(i.metadataOptions, {
      httpTokens: "required",
      httpEndpoint: "enabled",
      httpPutResponseHopLimit: 2,
    });
    assert.deepEqual(i.rootBlockDevice, {
      volumeType: "gp3",
      volumeSize: 16,
      encrypted: true,
      deleteOnTermination: true,
    });
    assert.equal(i.userData, renderCloudConfig(ARGS.bootstrap));
    assert.deepEqual(i.vpcSecurityGroupIds, [unknownOutput("gw-sg", "id")]);
    assert.deepEqual([i.ami, i.privateIp, i.associatePublicIpAddress], ["ami-pinned", "10.0.1.20", true]);
    assert.deepEqual(i.tags, { Project: "test", Name: "gw", Role: "gateway" });
  });

  it("goes before its replacement (fixed address); a looked-up image does not replace it", async () => {
    assert.deepEqual((await record()).resource("gw-instance").replacement, { deleteBeforeReplace: true });
    const lookedUp = await record(() => ({ ami: hostAmi(undefined) }));
    assert.deepEqual(lookedUp.resource("gw-instance").replacement, {
      deleteBeforeReplace: true,
      ignoreChanges: ["ami"],
    });
    assert.equal(lookedUp.resource("gw-instance").inputs.ami, unknownOutput("ubuntu-ami", "id"));
    assert.match(lookedUp.component.inputs.ami as string, /^newest Ubuntu 24\.04 .*set amiId to pin/);
  });

  it("with an Elastic IP, publishes the EIP's address", async () => {
    const h = await record({ elasticIp: true });
    const eip = h.resource("gw-eip");
    assert.equal(eip.parent, h.component.urn);
    assert.equal(eip.inputs.instance, unknownOutput("gw-instance", "id"));
    assert.equal(h.outputs.publicIp, unknownOutput("gw-eip", "publicIp"));
  });

  it("refuses a bootstrap that would put secret material in user-data", async () => {
    const leaky = { ...ARGS.bootstrap, hostname: "-----BEGIN PRIVATE KEY-----" };
    await assert.rejects(record({ bootstrap: leaky }), /cloud-init user-data would carry a PEM private key/);
  });

  it("refuses an inbound rule with no source, a port range that runs backwards, and no admin network", async () => {
    await assert.rejects(record({ inbound: [{ description: "proxy", fromPort: 8000 }] }), {
      message:
        'Host gw: inbound rule "proxy": cidrs is not set and sourceSecurityGroupId is not set: must give at least one source, CIDR blocks (cidrs) or a security group (sourceSecurityGroupId)',
    });
    await assert.rejects(record({ inbound: [{ description: "proxy", fromPort: 8000, cidrs: [] }] }), {
      message: /^Host gw: inbound rule "proxy": cidrs is \[\] and sourceSecurityGroupId is not set: must give/,
    });
    await assert.rejects(
      record({ inbound: [{ description: "proxy", fromPort: 8443, toPort: 8000, cidrs: ["0.0.0.0/0"] }] }),
      {
        message:
          'Host gw: inbound rule "proxy": toPort is 8000: must be at least its fromPort 8443 (or left out for the one port 8443)',
      },
    );
    await assert.rejects(record({ adminCidrs: [] }), {
      message:
        "Host gw: adminCidrs is []: must list at least one CIDR block allowed to SSH in (the host is set up over SSH)",
    });
  });
});
