import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { HostBootstrap, renderCloudConfig } from "../render/cloudInit";

/** One allowed inbound flow: a port range from CIDR blocks or from another security group. */
export interface InboundRule {
  description: string;
  fromPort: number;
  toPort?: number;
  protocol?: "tcp" | "udp";
  cidrs?: pulumi.Input<string>[];
  sourceSecurityGroupId?: pulumi.Input<string>;
}

export interface HostArgs {
  /** What the host is for, e.g. "monolith": names its security group and tags. */
  role: string;
  vpcId: pulumi.Input<string>;
  vpcCidr: string;
  subnetId: pulumi.Input<string>;
  /** Fixed private address, planned from the subnet, so that peers can be configured before boot. */
  privateIp: pulumi.Input<string>;
  instanceType: string;
  /** From config `amiId`, or looked up (`ubuntuAmi`): a looked-up image is kept once the host exists. */
  ami: HostAmi;
  keyName: pulumi.Input<string>;
  rootVolumeGiB: number;
  /** What the host installs at first boot, as cloud-init user-data (never secret). */
  bootstrap: HostBootstrap;
  /** Networks allowed to SSH in: the only SSH rule a host has. */
  adminCidrs: pulumi.Input<string>[];
  /** Inbound flows besides SSH. */
  inbound: InboundRule[];
  /** Outbound flows beyond the VPC and HTTP(S), e.g. to a peered network. */
  extraOutbound?: Array<{ description: string; cidr: string }>;
  publicIp: boolean;
  /** The host's public address is published or in a certificate: an Elastic IP keeps it across a stop/start. */
  elasticIp?: boolean;
  tags: Record<string, string>;
}

export interface HostAmi {
  id: pulumi.Input<string>;
  /** True when the id comes from config; false when it is the newest image looked up at each run. */
  pinned: boolean;
}

/**
 * An EC2 host with a security group of its own (least privilege: only the inbound rules given;
 * outbound only inside the VPC and to HTTP(S) for packages and images), IMDSv2 required, and an
 * encrypted gp3 root volume.
 */
export class Host extends pulumi.ComponentResource {
  static readonly TYPE = "journey:host:Host";
  public readonly instanceId: pulumi.Output<string>;
  public readonly securityGroupId: pulumi.Output<string>;
  public readonly privateIp: pulumi.Output<string>;
  public readonly publicIp: pulumi.Output<string>;

  constructor(name: string, args: HostArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      Host.TYPE,
      name,
      {
        role: args.role,
        privateIp: args.privateIp,
        instanceType: args.instanceType,
        ami: args.ami.pinned ? args.ami.id : "newest Ubuntu 24.04 at first deployment, then kept (set amiId to pin)",
      },
      opts,
    );
    const tags = { ...args.tags, Name: name, Role: args.role };

    const group = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: `${args.role}: only the flows this role needs`,
        revokeRulesOnDelete: true,
        tags,
      },
      { parent: this },
    );
    if (args.adminCidrs.length === 0)
      throw new Error(
        `Host ${name}: adminCidrs is []: must list at least one CIDR block allowed to SSH in (the host is set up over SSH)`,
      );
    inboundRuleSpecs(
      [{ description: "SSH from the admin networks", fromPort: 22, cidrs: args.adminCidrs }, ...args.inbound],
      `Host ${name}`,
    ).forEach(
      (rule) =>
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-in-${rule.key}`,
          { ...rule.args, securityGroupId: group.id, tags },
          { parent: group },
        ),
    );
    outboundRuleSpecs(args.vpcCidr, args.extraOutbound).forEach(
      (rule) =>
        new aws.vpc.SecurityGroupEgressRule(
          `${name}-out-${rule.key}`,
          { ...rule.args, securityGroupId: group.id, tags },
          { parent: group },
        ),
    );

    const instance = new aws.ec2.Instance(
      `${name}-instance`,
      {
        ami: args.ami.id,
        instanceType: args.instanceType,
        subnetId: args.subnetId,
        privateIp: args.privateIp,
        vpcSecurityGroupIds: [group.id],
        keyName: args.keyName,
        associatePublicIpAddress: args.publicIp,
        userData: renderCloudConfig(args.bootstrap),
        userDataReplaceOnChange: false,
        metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 2 },
        rootBlockDevice: {
          volumeType: "gp3",
          volumeSize: args.rootVolumeGiB,
          encrypted: true,
          deleteOnTermination: true,
        },
        tags,
        volumeTags: tags,
      },
      { parent: this, ...instanceReplacement(args.ami.pinned) },
    );
    const address = args.elasticIp
      ? new aws.ec2.Eip(`${name}-eip`, { domain: "vpc", instance: instance.id, tags }, { parent: this })
      : undefined;

    this.instanceId = instance.id;
    this.securityGroupId = group.id;
    this.privateIp = instance.privateIp;
    this.publicIp = address ? address.publicIp : instance.publicIp;
    this.registerOutputs({
      instanceId: this.instanceId,
      securityGroupId: this.securityGroupId,
      privateIp: this.privateIp,
      publicIp: this.publicIp,
    });
  }
}

/**
 * How a host is replaced. Its private address is fixed, and AWS refuses a second interface with the
 * same address in the subnet, so the old instance goes first. A looked-up AMI is resolved once: a
 * newer Ubuntu image does not replace a running host (pin `amiId` to choose when it changes).
 */
export function instanceReplacement(
  amiPinned: boolean,
): Pick<pulumi.CustomResourceOptions, "deleteBeforeReplace" | "ignoreChanges"> {
  return { deleteBeforeReplace: true, ...(amiPinned ? {} : { ignoreChanges: ["ami"] }) };
}

/** The configured AMI, or the newest Ubuntu 24.04 looked up (kept once the host exists). */
export function hostAmi(configured: string | undefined, opts?: pulumi.InvokeOptions): HostAmi {
  return configured ? { id: configured, pinned: true } : { id: ubuntuAmi(opts), pinned: false };
}

type RuleArgs = Omit<aws.vpc.SecurityGroupIngressRuleArgs, "securityGroupId">;

/**
 * One security-group rule resource per source, keyed so that names stay stable when rules are added.
 * A rule without a source, or whose port range runs backwards, is refused rather than dropped or sent
 * to AWS: `owner` (e.g. `Host gw`) says whose rule it is.
 */
export function inboundRuleSpecs(rules: InboundRule[], owner = "host"): Array<{ key: string; args: RuleArgs }> {
  return rules.flatMap((rule) => {
    assertInboundRule(rule, owner);
    const base = {
      description: rule.description,
      fromPort: rule.fromPort,
      toPort: rule.toPort ?? rule.fromPort,
      ipProtocol: rule.protocol ?? "tcp",
    };
    const ports = rule.toPort && rule.toPort !== rule.fromPort ? `${rule.fromPort}-${rule.toPort}` : `${rule.fromPort}`;
    const fromGroup = rule.sourceSecurityGroupId
      ? [{ key: `${ports}-sg`, args: { ...base, referencedSecurityGroupId: rule.sourceSecurityGroupId } }]
      : [];
    const fromCidrs = (rule.cidrs ?? []).map((cidr, i) => ({
      key: `${ports}-${i + 1}`,
      args: { ...base, cidrIpv4: cidr },
    }));
    return [...fromGroup, ...fromCidrs];
  });
}

function assertInboundRule(rule: InboundRule, owner: string): void {
  const which = `${owner}: inbound rule ${JSON.stringify(rule.description)}`;
  if (rule.toPort !== undefined && rule.toPort < rule.fromPort)
    throw new Error(
      `${which}: toPort is ${rule.toPort}: must be at least its fromPort ${rule.fromPort} (or left out for the one port ${rule.fromPort})`,
    );
  if ((rule.cidrs ?? []).length === 0 && rule.sourceSecurityGroupId === undefined)
    throw new Error(
      `${which}: cidrs is ${rule.cidrs ? "[]" : "not set"} and sourceSecurityGroupId is not set: must give at least one source, CIDR blocks (cidrs) or a security group (sourceSecurityGroupId)`,
    );
}

export function outboundRuleSpecs(
  vpcCidr: string,
  extra: Array<{ description: string; cidr: string }> = [],
): Array<{ key: string; args: RuleArgs }> {
  return [
    { key: "vpc", args: { description: "anything inside the VPC", ipProtocol: "-1", cidrIpv4: vpcCidr } },
    {
      key: "https",
      args: {
        description: "HTTPS: images, packages, Konnect",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
      },
    },
    {
      key: "http",
      args: {
        description: "HTTP: Ubuntu package mirrors",
        ipProtocol: "tcp",
        fromPort: 80,
        toPort: 80,
        cidrIpv4: "0.0.0.0/0",
      },
    },
    ...extra.map((e, i) => ({
      key: `extra-${i + 1}`,
      args: { description: e.description, ipProtocol: "-1", cidrIpv4: e.cidr },
    })),
  ];
}

/** The newest Ubuntu 24.04 LTS amd64 image published by Canonical. */
export function ubuntuAmi(opts?: pulumi.InvokeOptions): pulumi.Output<string> {
  return aws.ec2
    .getAmiOutput(
      {
        mostRecent: true,
        owners: ["099720109477"],
        filters: [
          { name: "name", values: ["ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"] },
          { name: "virtualization-type", values: ["hvm"] },
        ],
      },
      opts,
    )
    .apply((ami) => ami.id);
}
