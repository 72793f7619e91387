import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { hostAddress } from "../lib/cidr";
import { DEFAULT_ONPREM_CIDR, OnPremConfig } from "../config/schema";
import type { HostBootstrap } from "../render/cloudInit";
import { Host, hostAmi, InboundRule } from "./host";
import type { SshConnection } from "./hostSoftware";
import { Network, planOnPremSubnets } from "./network";
import { SshKeyPair } from "./sshKeyPair";

export interface SiteHostSpec {
  role: string;
  bootstrap: HostBootstrap;
  /** Inbound flows; `fromRoles` are resolved to the security groups of hosts declared before this one. */
  inbound: Array<InboundRule & { fromRoles?: string[] }>;
  publicIp: boolean;
  /** The host's address is published (e.g. the gateway's proxy URL): it gets an Elastic IP. */
  elasticIp?: boolean;
}

export interface OnPremSiteArgs {
  onPrem: OnPremConfig;
  hosts: SiteHostSpec[];
  /** For onPrem.mode existing, or a supplied public key: the private key from secret config. */
  sshPrivateKey?: pulumi.Input<string>;
  /** Networks allowed to SSH into the simulated hosts. */
  adminCidrs: string[];
  /** Config `amiId`; without it the newest Ubuntu 24.04, kept once a host exists. */
  amiId?: string;
  tags: Record<string, string>;
}

export interface SiteHost {
  role: string;
  id: pulumi.Output<string>;
  privateAddress: pulumi.Output<string>;
  publicAddress: pulumi.Output<string>;
  sshUser: string;
  securityGroupId?: pulumi.Output<string>;
  connection: SshConnection;
}

/**
 * The data center the monolith lives in: simulated on AWS (VPC, subnets in two AZs, one host per
 * role) or a real one whose hosts are named in config, where nothing is created.
 */
export class OnPremSite extends pulumi.ComponentResource {
  static readonly TYPE = "journey:onprem:Site";
  public readonly hosts: Record<string, SiteHost> = {};
  public readonly network?: Network;
  public readonly subnetCidrs: string[] = [];
  public readonly sshPrivateKey: pulumi.Output<string>;
  public readonly sshKeyName?: pulumi.Output<string>;

  constructor(name: string, args: OnPremSiteArgs, opts?: pulumi.ComponentResourceOptions) {
    super(OnPremSite.TYPE, name, { mode: args.onPrem.mode, roles: args.hosts.map((h) => h.role) }, opts);
    const onPrem = args.onPrem;

    if (onPrem.mode === "existing") {
      if (!args.sshPrivateKey) throw new Error("onPrem.mode existing needs the secret onPremSshPrivateKey");
      this.sshPrivateKey = pulumi.secret(pulumi.output(args.sshPrivateKey));
      for (const spec of args.hosts) {
        const configured = (
          onPrem.hosts as Record<string, { address: string; privateAddress?: string; sshUser: string } | undefined>
        )[spec.role];
        if (!configured) throw new Error(`onPrem.hosts.${spec.role} is required with onPrem.mode existing`);
        this.hosts[spec.role] = {
          role: spec.role,
          id: pulumi.output(configured.address),
          privateAddress: pulumi.output(configured.privateAddress ?? configured.address),
          publicAddress: pulumi.output(configured.address),
          sshUser: configured.sshUser,
          connection: { host: configured.address, user: configured.sshUser, privateKey: this.sshPrivateKey },
        };
      }
      this.registerOutputs({});
      return;
    }

    const azs = aws.getAvailabilityZonesOutput({ state: "available" }, { parent: this }).names;
    const vpcCidr = onPrem.vpcCidr ?? DEFAULT_ONPREM_CIDR;
    const subnetSpecs = onPrem.subnets ?? planOnPremSubnets(vpcCidr).map((cidr) => ({ cidr, az: undefined }));
    this.subnetCidrs = subnetSpecs.map((s) => s.cidr);
    const network = new Network(
      `${name}-network`,
      {
        cidr: vpcCidr,
        publicSubnets: subnetSpecs.map((s, i) => ({
          cidr: s.cidr,
          availabilityZone: s.az ?? azs.apply((names) => names[i]),
        })),
        tags: args.tags,
      },
      { parent: this },
    );
    this.network = network;
    const key = new SshKeyPair(
      `${name}-ssh`,
      { publicKey: onPrem.sshPublicKey, suppliedPrivateKey: args.sshPrivateKey, tags: args.tags },
      { parent: this },
    );
    this.sshPrivateKey = key.privateKeyPem;
    this.sshKeyName = key.keyName;
    const ami = hostAmi(args.amiId, { parent: this });

    args.hosts.forEach((spec, i) => {
      const subnetIndex = i % subnetSpecs.length;
      const inbound = spec.inbound.map(({ fromRoles, ...rule }) => {
        const source = fromRoles?.map((role) => this.hosts[role]?.securityGroupId)[0];
        if (fromRoles && !source)
          throw new Error(`host ${spec.role}: allow-from role ${fromRoles.join(",")} must be declared earlier`);
        return { ...rule, sourceSecurityGroupId: source ?? rule.sourceSecurityGroupId };
      });
      const host = new Host(
        `${name}-${spec.role}`,
        {
          role: spec.role,
          vpcId: network.vpcId,
          vpcCidr,
          subnetId: network.publicSubnetIds[subnetIndex],
          privateIp: hostAddress(subnetSpecs[subnetIndex].cidr, 10 + Math.floor(i / subnetSpecs.length)),
          instanceType: onPrem.instanceType,
          ami,
          keyName: key.keyName,
          rootVolumeGiB: onPrem.rootVolumeGiB,
          bootstrap: spec.bootstrap,
          adminCidrs: args.adminCidrs,
          inbound,
          publicIp: spec.publicIp,
          elasticIp: spec.elasticIp,
          tags: args.tags,
        },
        { parent: this },
      );
      this.hosts[spec.role] = {
        role: spec.role,
        id: host.instanceId,
        privateAddress: host.privateIp,
        publicAddress: host.publicIp,
        sshUser: "ubuntu",
        securityGroupId: host.securityGroupId,
        connection: { host: host.publicIp, user: "ubuntu", privateKey: key.privateKeyPem },
      };
    });
    this.registerOutputs({ vpcId: network.vpcId, hosts: Object.keys(this.hosts) });
  }
}
