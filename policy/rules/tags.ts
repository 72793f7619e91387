import { ancestorTypes, asRecord, isOpaqueComponent, isUnknown } from "../view";
import type { ResourceRule } from "./types";

/**
 * AWS resource types that take tags and that this program declares, directly or through pulumi-eks
 * (which applies its `tags` to the AWS resources it creates, e.g. the `aws:eks/cluster:Cluster` a real
 * preview sees). Association, route and attachment types take no tags and are left out on purpose; a
 * new taggable type the program starts using must be added here (test/policy checks the list against the plan).
 */
export const TAGGABLE_TYPES: readonly string[] = [
  "aws:ec2/vpc:Vpc",
  "aws:ec2/subnet:Subnet",
  "aws:ec2/internetGateway:InternetGateway",
  "aws:ec2/routeTable:RouteTable",
  "aws:ec2/natGateway:NatGateway",
  "aws:ec2/eip:Eip",
  "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
  "aws:ec2/securityGroup:SecurityGroup",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  "aws:ec2/keyPair:KeyPair",
  "aws:ec2/instance:Instance",
  "aws:ebs/volume:Volume",
  "aws:rds/instance:Instance",
  "aws:rds/subnetGroup:SubnetGroup",
  "aws:rds/cluster:Cluster",
  "aws:iam/role:Role",
  "aws:kms/key:Key",
  "aws:eks/cluster:Cluster",
  "aws:eks/nodeGroup:NodeGroup",
  "eks:index:Cluster",
  "eks:index:ManagedNodeGroup",
];

/**
 * AWS types whose tags are not required: associations, routes, attachments and providers take none;
 * launch templates cost nothing, and pulumi-eks creates the one a managed node group needs for
 * `enableIMDSv2` without passing `tags` on (its nodes and node group carry them). The plan test fails
 * on an AWS type in neither list.
 */
export const TAGS_NOT_REQUIRED: readonly string[] = [
  "aws:ec2/routeTableAssociation:RouteTableAssociation",
  "aws:ec2/route:Route",
  "aws:ec2/securityGroupRule:SecurityGroupRule",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:ec2/launchTemplate:LaunchTemplate",
  "pulumi:providers:aws",
];

const DEFAULT_REQUIRED_TAGS = ["Project", "Phase", "Owner"];

export const requiredTags: ResourceRule = {
  scope: "resource",
  name: "aws-required-tags",
  description:
    "Every taggable AWS resource carries the Project, Phase and Owner tags (non-empty), Phase matching the phase where it is known.",
  enforcement: "mandatory",
  remediation:
    "Pass phaseTags(config, phase) (phases/tags.ts) as `tags` to the resource or component, or set them as the AWS provider's defaultTags.",
  types: TAGGABLE_TYPES,
  configSchema: {
    properties: {
      requiredTags: {
        type: "array",
        items: { type: "string" },
        description: "Tag keys every taggable AWS resource carries",
        default: DEFAULT_REQUIRED_TAGS,
      },
      exemptWithin: {
        type: "array",
        items: { type: "string" },
        description:
          "Component types whose descendants are exempt (e.g. eks:index:Cluster if pulumi-eks leaves some internal resource untagged); the components themselves are still checked",
        default: [],
      },
    },
  },
  check(r, ctx) {
    if (isUnknown(r.props.tags) || isOpaqueComponent(r)) return [];
    const exempt = (ctx.config.exemptWithin as string[] | undefined) ?? [];
    if (ancestorTypes(r.urn).some((t) => exempt.includes(t))) return [];
    // `tagsAll` (provider defaultTags merged in) where the engine has computed it.
    const tags = { ...(asRecord(r.props.tagsAll) ?? {}), ...(asRecord(r.props.tags) ?? {}) };
    const required = (ctx.config.requiredTags as string[] | undefined) ?? DEFAULT_REQUIRED_TAGS;
    const missing = required.filter((key) => typeof tags[key] !== "string" || (tags[key] as string).trim() === "");
    const messages = missing.length > 0 ? [`missing tag${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`] : [];
    const phase = tags.Phase;
    if (ctx.phase && typeof phase === "string" && phase !== "" && !isUnknown(phase) && phase !== ctx.phase)
      messages.push(`tag Phase is "${phase}" in the ${ctx.phase} phase`);
    return messages;
  },
};
