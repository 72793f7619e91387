import * as pulumi from "@pulumi/pulumi";
import { DYNAMIC_PREFIX } from "./resourceTypes";

/**
 * The one mock world of this project, shared by the offline engine and the tests. It knows every
 * resource type and invoke the program uses and throws on anything else, so a new resource type
 * cannot slip into the program without its outputs being modelled here.
 *
 * Values that only exist after deployment (ids, public addresses, generated keys) come back as
 * placeholders `[unknown.<resource>.<property>]`; `[unknown]` is how the plan prints them.
 */

/** How the plan (and a CrossGuard preview) prints a value only known after deployment. */
export const UNKNOWN_TEXT = "[unknown]";
const UNKNOWN = String.raw`\[unknown(?:\.[^\]\s]*)?\]`;
/** Every unknown in a text, placeholder or printed: `text.replace(UNKNOWN_PATTERN, UNKNOWN_TEXT)`. */
export const UNKNOWN_PATTERN = new RegExp(UNKNOWN, "g");
export const unknownValue = (resource: string, property: string) => `[unknown.${resource}.${property}]`;

/** The resource and property a placeholder stands for; undefined for anything else. */
export function parseUnknownPlaceholder(value: unknown): { resource: string; property: string } | undefined {
  const match = typeof value === "string" ? /^\[unknown\.(.+)\.([^.\]\s]+)\]$/.exec(value) : null;
  return match ? { resource: match[1], property: match[2] } : undefined;
}

export function isUnknownPlaceholder(value: unknown): boolean {
  return parseUnknownPlaceholder(value) !== undefined;
}

/** A value known only after deployment, as a placeholder or printed. */
export function isUnknown(value: unknown): boolean {
  return typeof value === "string" && new RegExp(`^${UNKNOWN}$`).test(value);
}

/** A string built from a value known only after deployment, e.g. `https://[unknown.host.publicIp]:5682`. */
export function mentionsUnknown(value: unknown): boolean {
  return typeof value === "string" && new RegExp(UNKNOWN).test(value);
}

type State = Record<string, unknown>;
type OutputModel = (name: string, inputs: State, ctx: MockContext) => State;

export interface MockContext {
  region: string;
  /** Outputs of earlier phases' stacks by fully qualified stack name, for StackReference. */
  stackOutputs: Record<string, { outputs: State; secretOutputNames: string[] }>;
}

const unknowns = (name: string, ...props: string[]): State =>
  Object.fromEntries(props.map((p) => [p, unknownValue(name, p)]));
const secretUnknowns = (name: string, ...props: string[]): State =>
  Object.fromEntries(props.map((p) => [p, pulumi.secret(unknownValue(name, p))]));

/** Output-only properties by resource type; inputs are echoed back as AWS and the providers do. */
const RESOURCE_OUTPUTS: Record<string, OutputModel> = {
  "aws:ec2/vpc:Vpc": (n) => unknowns(n, "arn", "defaultSecurityGroupId", "mainRouteTableId"),
  "aws:ec2/internetGateway:InternetGateway": (n) => unknowns(n, "arn"),
  "aws:ec2/routeTable:RouteTable": (n) => unknowns(n, "arn"),
  "aws:ec2/route:Route": () => ({}),
  "aws:ec2/subnet:Subnet": (n) => unknowns(n, "arn"),
  "aws:ec2/routeTableAssociation:RouteTableAssociation": () => ({}),
  "aws:ec2/eip:Eip": (n) => unknowns(n, "publicIp", "allocationId"),
  "aws:ec2/natGateway:NatGateway": (n) => unknowns(n, "publicIp"),
  "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": (n) => unknowns(n, "acceptStatus"),
  "aws:ec2/securityGroup:SecurityGroup": (n) => unknowns(n, "arn", "ownerId"),
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (n) => unknowns(n, "arn", "securityGroupRuleId"),
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (n) => unknowns(n, "arn", "securityGroupRuleId"),
  "aws:ec2/keyPair:KeyPair": (n, i) => ({
    keyName: i.keyName ?? unknownValue(n, "keyName"),
    ...unknowns(n, "arn", "fingerprint"),
  }),
  "aws:ec2/instance:Instance": (n, i) => ({
    privateIp: i.privateIp ?? unknownValue(n, "privateIp"),
    ...unknowns(n, "arn", "publicIp", "publicDns", "privateDns"),
  }),
  // Without a `name`, AWS generates one from the resource name (with a random suffix): known after deployment.
  "aws:rds/subnetGroup:SubnetGroup": (n, i) => ({ name: i.name ?? unknownValue(n, "name"), ...unknowns(n, "arn") }),
  "aws:rds/instance:Instance": (n) => ({ ...unknowns(n, "arn", "address", "endpoint"), port: 5432 }),
  "aws:iam/role:Role": (n, i) => ({ name: i.name ?? unknownValue(n, "name"), ...unknowns(n, "arn", "uniqueId") }),
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": () => ({}),
  "aws:kms/key:Key": (n) => unknowns(n, "arn", "keyId"),
  "tls:index/privateKey:PrivateKey": (n) => ({
    ...unknowns(n, "publicKeyOpenssh", "publicKeyPem", "publicKeyFingerprintSha256"),
    ...secretUnknowns(n, "privateKeyPem", "privateKeyOpenssh", "privateKeyPemPkcs8"),
  }),
  "tls:index/selfSignedCert:SelfSignedCert": (n) => unknowns(n, "certPem", "validityStartTime", "validityEndTime"),
  "tls:index/certRequest:CertRequest": (n) => unknowns(n, "certRequestPem"),
  "tls:index/locallySignedCert:LocallySignedCert": (n) => unknowns(n, "certPem", "validityEndTime"),
  "random:index/randomPassword:RandomPassword": (n) => ({
    ...secretUnknowns(n, "result"),
    ...unknowns(n, "bcryptHash"),
  }),
  "command:remote:Command": (n) => unknowns(n, "stdout", "stderr"),
  "eks:index:Cluster": (n) => ({
    ...secretUnknowns(n, "kubeconfig", "kubeconfigJson"),
    ...unknowns(n, "clusterSecurityGroupId", "nodeSecurityGroupId", "oidcProviderArn", "clusterIngressRuleId"),
    eksCluster: {
      id: unknownValue(n, "eksCluster.id"),
      name: unknownValue(n, "eksCluster.name"),
      endpoint: unknownValue(n, "eksCluster.endpoint"),
    },
  }),
  "eks:index:ManagedNodeGroup": (n) => ({ nodeGroup: { id: unknownValue(n, "nodeGroup.id") } }),
  "pulumi:providers:kubernetes": () => ({}),
  "pulumi:providers:aws": () => ({}),
  "kubernetes:core/v1:Namespace": () => ({}),
  "kubernetes:core/v1:Secret": () => ({}),
  "kubernetes:core/v1:Service": (n) => ({
    status: { loadBalancer: { ingress: [{ hostname: unknownValue(n, "hostname") }] } },
  }),
  "kubernetes:apps/v1:Deployment": () => ({}),
  "kubernetes:helm.sh/v3:Release": (n) => ({
    status: { status: unknownValue(n, "status"), revision: unknownValue(n, "revision") },
  }),
};

/** Dynamic-provider resources: the outputs each one adds to its inputs. */
const DYNAMIC_OUTPUTS: Record<string, { outputs: string[]; secretOutputs?: string[] }> = {
  "konnect:ControlPlane": { outputs: ["controlPlaneId", "controlPlaneEndpoint", "telemetryEndpoint", "adopted"] },
  "konnect:DataPlaneCertificate": { outputs: ["certificateId"] },
  "konnect:GatewayService": { outputs: ["serviceId"] },
  "konnect:Route": { outputs: ["routeId"] },
  "kuma:Resource": { outputs: ["warnings"] },
  "kuma:ZoneToken": { outputs: [], secretOutputs: ["token"] },
  "kuma:DataplaneToken": { outputs: [], secretOutputs: ["token"] },
};

const INVOKES: Record<string, (inputs: State, ctx: MockContext) => State> = {
  "aws:index/getAvailabilityZones:getAvailabilityZones": (_i, ctx) => ({
    names: ["a", "b", "c"].map((s) => `${ctx.region}${s}`),
    zoneIds: ["az1", "az2", "az3"].map((s) => `${ctx.region.split("-")[0]}-${s}`),
    id: ctx.region,
  }),
  "aws:ec2/getAmi:getAmi": () => ({ id: unknownValue("ubuntu-ami", "id"), name: unknownValue("ubuntu-ami", "name") }),
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: unknownValue("caller", "accountId"),
    arn: unknownValue("caller", "arn"),
    userId: unknownValue("caller", "userId"),
  }),
  "aws:index/getRegion:getRegion": (_i, ctx) => ({ name: ctx.region, region: ctx.region, id: ctx.region }),
};

export function isComponentType(type: string): boolean {
  return type.startsWith("journey:");
}

export class JourneyMocks implements pulumi.runtime.Mocks {
  constructor(private readonly ctx: MockContext) {}

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: State } {
    const { type, name, inputs } = args;
    if (type === "pulumi:pulumi:StackReference") {
      const ref = this.ctx.stackOutputs[inputs.name as string];
      if (!ref)
        throw new Error(
          `StackReference ${inputs.name}: no such stack in this offline run (known: ${Object.keys(this.ctx.stackOutputs).join(", ") || "none"})`,
        );
      return {
        id: inputs.name as string,
        state: { name: inputs.name, outputs: ref.outputs, secretOutputNames: ref.secretOutputNames },
      };
    }
    if (!args.custom && (isComponentType(type) || type === "pulumi:pulumi:Stack")) return { id: undefined, state: {} };
    if (type.startsWith(DYNAMIC_PREFIX)) {
      const model = DYNAMIC_OUTPUTS[type.slice(DYNAMIC_PREFIX.length)];
      if (!model)
        throw new Error(
          `mocks: unknown dynamic resource type ${type} (${name}); model its outputs in offline/mocks.ts`,
        );
      const { __provider: _serialisedProvider, ...rest } = inputs;
      return {
        id: unknownValue(name, "id"),
        state: {
          ...rest,
          ...unknowns(name, ...model.outputs),
          ...secretUnknowns(name, ...(model.secretOutputs ?? [])),
        },
      };
    }
    const model = RESOURCE_OUTPUTS[type];
    if (!model)
      throw new Error(`mocks: unknown resource type ${type} (${name}); model its outputs in offline/mocks.ts`);
    return { id: unknownValue(name, "id"), state: { ...inputs, ...model(name, inputs, this.ctx) } };
  }

  call(args: pulumi.runtime.MockCallArgs): State {
    const invoke = INVOKES[args.token];
    if (!invoke) throw new Error(`mocks: unknown invoke ${args.token}; model it in offline/mocks.ts`);
    return invoke(args.inputs, this.ctx);
  }
}
