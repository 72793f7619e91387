import * as pulumi from "@pulumi/pulumi";
import type { CrawlOnPrem } from "../config/schema";
import { dockerHost } from "../render/hosts";
import { KONG_PROXY_PORT, KONG_PROXY_TLS_PORT } from "../render/kong";
import { placeHost } from "./addressPlan";
import { Host, hostAmi, InboundRule } from "./host";
import type { SshConnection } from "./hostSoftware";
import { Network, planOnPremSubnets } from "./network";
import { SshKeyPair } from "./sshKeyPair";

/** What the site's hosts serve: who may call the gateway, where the monolith listens. */
export interface OnPremSiteArgs {
  onPrem: CrawlOnPrem;
  /** For onPrem.mode existing, or a supplied public key: the private key from secret config (required then: config/crossKey.ts, config/crawl.ts). */
  sshPrivateKey?: pulumi.Input<string>;
  /** Networks allowed to SSH into the simulated hosts. */
  adminCidrs: string[];
  /** API consumers: the only networks that reach the gateway's proxy. */
  clientCidrs: string[];
  /** The monolith's port: open to the gateway's host only. */
  monolithPort: number;
  /** Config `amiId`; without it the newest Ubuntu 24.04, kept once a host exists. */
  amiId?: string;
  tags: Record<string, string>;
}

export type SiteRole = "gateway" | "monolith";

export interface SiteHost {
  role: SiteRole;
  id: pulumi.Output<string>;
  privateAddress: pulumi.Output<string>;
  publicAddress: pulumi.Output<string>;
  sshUser: string;
  securityGroupId?: pulumi.Output<string>;
  connection: SshConnection;
}

interface SiteHostSpec {
  inbound: InboundRule[];
  publicIp: boolean;
  /** The host's address is published (e.g. the gateway's proxy URL): it gets an Elastic IP. */
  elasticIp?: boolean;
}

/**
 * The data center the monolith lives in: simulated on AWS (VPC, subnets in two AZs, a host for the
 * gateway and one for the monolith, each with its own security group, at the addresses of the
 * address plan) or a real one whose hosts are named in config, where nothing is created.
 */
export class OnPremSite extends pulumi.ComponentResource {
  static readonly TYPE = "journey:onprem:Site";
  static readonly ROLES: readonly SiteRole[] = ["gateway", "monolith"];
  public readonly hosts: Record<SiteRole, SiteHost>;
  public readonly network?: Network;
  public readonly sshPrivateKey: pulumi.Output<string>;
  public readonly sshKeyName?: pulumi.Output<string>;

  constructor(name: string, args: OnPremSiteArgs, opts?: pulumi.ComponentResourceOptions) {
    super(OnPremSite.TYPE, name, { mode: args.onPrem.mode, roles: [...OnPremSite.ROLES] }, opts);
    const onPrem = args.onPrem;

    if (onPrem.mode === "existing") {
      // Config validation requires the secret with existing hosts (config/crossKey.ts): a guard for other callers.
      if (!args.sshPrivateKey) throw new Error("onPrem.mode existing needs the secret onPremSshPrivateKey");
      const privateKey = pulumi.secret(pulumi.output(args.sshPrivateKey));
      this.sshPrivateKey = privateKey;
      const existing = (role: SiteRole): SiteHost => {
        const configured = onPrem.hosts[role];
        return {
          role,
          id: pulumi.output(configured.address),
          privateAddress: pulumi.output(configured.privateAddress ?? configured.address),
          publicAddress: pulumi.output(configured.address),
          sshUser: configured.sshUser,
          connection: { host: configured.address, user: configured.sshUser, privateKey },
        };
      };
      this.hosts = { gateway: existing("gateway"), monolith: existing("monolith") };
      this.registerOutputs({});
      return;
    }

    const subnetCidrs = onPrem.subnets?.map((s) => s.cidr) ?? planOnPremSubnets(onPrem.vpcCidr);
    const network = new Network(
      `${name}-network`,
      {
        cidr: onPrem.vpcCidr,
        publicSubnets: subnetCidrs.map((cidr, i) => ({ cidr, availabilityZone: onPrem.subnets?.[i].az })),
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

    const host = (role: SiteRole, spec: SiteHostSpec): SiteHost => {
      const { subnetId, privateIp } = placeHost(role, network.publicSubnets);
      const created = new Host(
        `${name}-${role}`,
        {
          role,
          vpcId: network.vpcId,
          vpcCidr: onPrem.vpcCidr,
          subnetId,
          privateIp,
          instanceType: onPrem.instanceType,
          ami,
          keyName: key.keyName,
          rootVolumeGiB: onPrem.rootVolumeGiB,
          bootstrap: dockerHost(role),
          adminCidrs: args.adminCidrs,
          inbound: spec.inbound,
          publicIp: spec.publicIp,
          elasticIp: spec.elasticIp,
          tags: args.tags,
        },
        { parent: this },
      );
      return {
        role,
        id: created.instanceId,
        privateAddress: created.privateIp,
        publicAddress: created.publicIp,
        sshUser: "ubuntu",
        securityGroupId: created.securityGroupId,
        connection: { host: created.publicIp, user: "ubuntu", privateKey: key.privateKeyPem },
      };
    };
    const gateway = host("gateway", {
      publicIp: true,
      elasticIp: true,
      inbound: [
        { description: "API consumers: Kong proxy (HTTP)", fromPort: KONG_PROXY_PORT, cidrs: args.clientCidrs },
        { description: "API consumers: Kong proxy (HTTPS)", fromPort: KONG_PROXY_TLS_PORT, cidrs: args.clientCidrs },
      ],
    });
    const monolith = host("monolith", {
      publicIp: true,
      inbound: [
        {
          description: "the Kong gateway only",
          fromPort: args.monolithPort,
          sourceSecurityGroupId: gateway.securityGroupId,
        },
      ],
    });
    this.hosts = { gateway, monolith };
    this.registerOutputs({ vpcId: network.vpcId, hosts: Object.keys(this.hosts) });
  }
}
