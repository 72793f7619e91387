import { asArray, asRecord, isOpaqueComponent, isUnknown } from "../view";
import type { ResourceRule } from "./types";

const EC2_INSTANCE = "aws:ec2/instance:Instance";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const EBS_VOLUME = "aws:ebs/volume:Volume";
export const EKS_CLUSTER_COMPONENT = "eks:index:Cluster";
const EKS_NODE_GROUPS = ["eks:index:ManagedNodeGroup", "eks:index:NodeGroup", "eks:index:NodeGroupV2"];

/** What a `metadataOptions` block allows; undefined while unknown. */
function metadataProblem(options: unknown): string | undefined | null {
  const mo = asRecord(options);
  if (mo && mo.httpEndpoint === "disabled") return null;
  const tokens = mo?.httpTokens;
  if (isUnknown(tokens)) return undefined;
  if (tokens === "required") return null;
  return tokens === undefined
    ? "metadataOptions.httpTokens is not set (IMDSv1 stays enabled)"
    : `metadataOptions.httpTokens is "${String(tokens)}"`;
}

export const imdsv2Required: ResourceRule = {
  scope: "resource",
  name: "ec2-imdsv2-required",
  description:
    "EC2 instances, launch templates and EKS node groups require IMDSv2 (session tokens), so that a request forgery on the host cannot read the instance role's credentials.",
  enforcement: "mandatory",
  remediation:
    'Set metadataOptions.httpTokens "required" (instances, launch templates) or enableIMDSv2: true (pulumi-eks node groups).',
  types: [EC2_INSTANCE, LAUNCH_TEMPLATE, EKS_CLUSTER_COMPONENT, ...EKS_NODE_GROUPS],
  check(r) {
    const p = r.props;
    if (isOpaqueComponent(r)) return [];
    if (r.type === EC2_INSTANCE || r.type === LAUNCH_TEMPLATE) {
      const problem = metadataProblem(p.metadataOptions);
      return problem ? [problem] : [];
    }
    if (EKS_NODE_GROUPS.includes(r.type)) {
      // A node group on a launch template of its own: the template itself is checked where it is declared.
      if (p.enableIMDSv2 === true || p.launchTemplate !== undefined) return [];
      return [
        "enableIMDSv2 is not true: the node group does not require IMDSv2 itself (what its nodes allow is left to the AMI's default)",
      ];
    }
    // eks:index:Cluster: only its default node group, unless skipped.
    if (p.skipDefaultNodeGroup === true || p.fargate !== undefined) return [];
    const options = asRecord(p.nodeGroupOptions);
    if (options?.enableIMDSv2 === true || options?.launchTemplate !== undefined) return [];
    return [
      "the default node group does not set nodeGroupOptions.enableIMDSv2 (set it, or skipDefaultNodeGroup and declare node groups)",
    ];
  },
};

const encryptedFlag = (value: unknown) => value === true || value === "true";

export const ebsEncrypted: ResourceRule = {
  scope: "resource",
  name: "ebs-encrypted",
  description:
    "EBS volumes (instance root and data volumes, launch-template mappings, standalone volumes) are encrypted.",
  enforcement: "mandatory",
  remediation:
    'Set encrypted: true on rootBlockDevice / ebsBlockDevices / the volume (or "true" on a launch template\'s ebs mapping).',
  types: [EC2_INSTANCE, LAUNCH_TEMPLATE, EBS_VOLUME],
  check(r) {
    const p = r.props;
    const messages: string[] = [];
    const require = (where: string, value: unknown) => {
      if (!isUnknown(value) && !encryptedFlag(value)) messages.push(`${where} is not encrypted`);
    };
    if (r.type === EC2_INSTANCE) {
      require("the root volume (rootBlockDevice.encrypted)", asRecord(p.rootBlockDevice)?.encrypted);
      asArray(p.ebsBlockDevices).forEach((d, i) => require(`ebsBlockDevices[${i}]`, asRecord(d)?.encrypted));
    } else if (r.type === EBS_VOLUME) {
      require("the volume", p.encrypted);
    } else {
      // A mapping without `ebs` is an instance store or a suppressed device; without mappings the AMI's apply.
      asArray(p.blockDeviceMappings).forEach((m, i) => {
        const ebs = asRecord(asRecord(m)?.ebs);
        if (ebs) require(`blockDeviceMappings[${i}].ebs`, ebs.encrypted);
      });
    }
    return messages;
  },
};
