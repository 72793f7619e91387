/**
 * What is known to replace a resource: the dynamic providers' own diff functions, and a table of
 * replace-on-change input properties for the other types.
 */
import {
  diffControlPlane,
  diffDataPlaneCertificate,
  diffGatewayService,
  diffRoute,
} from "../../providers/konnect/diff";
import { dataplaneTokenProvider, diffKumaResource, zoneTokenProvider } from "../../providers/kuma/resources";
import { DYNAMIC_PREFIX } from "../../offline/resourceTypes";

interface ProviderDiffResult {
  changes?: boolean;
  replaces?: string[];
}

interface ProviderDiff {
  /** The function, named for the report. */
  name: string;
  // Each provider's diff takes its own input type; the plan's inputs are untyped JSON.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  diff(olds: any, news: any): ProviderDiffResult | Promise<ProviderDiffResult>;
}

/** The dynamic providers' own diff functions, by resource type. */
export const PROVIDER_DIFFS: Record<string, ProviderDiff> = {
  [`${DYNAMIC_PREFIX}konnect:ControlPlane`]: { name: "diffControlPlane", diff: diffControlPlane },
  [`${DYNAMIC_PREFIX}konnect:DataPlaneCertificate`]: {
    name: "diffDataPlaneCertificate",
    diff: diffDataPlaneCertificate,
  },
  [`${DYNAMIC_PREFIX}konnect:GatewayService`]: { name: "diffGatewayService", diff: diffGatewayService },
  [`${DYNAMIC_PREFIX}konnect:Route`]: { name: "diffRoute", diff: diffRoute },
  [`${DYNAMIC_PREFIX}kuma:Resource`]: { name: "diffKumaResource", diff: diffKumaResource },
  [`${DYNAMIC_PREFIX}kuma:ZoneToken`]: {
    name: "the zone-token provider's diff",
    diff: (olds, news) => zoneTokenProvider.diff!("", olds, news),
  },
  [`${DYNAMIC_PREFIX}kuma:DataplaneToken`]: {
    name: "the dataplane-token provider's diff",
    diff: (olds, news) => dataplaneTokenProvider.diff!("", olds, news),
  },
};

interface ReplaceRule {
  /** Input properties (or property paths, e.g. `metadata.name`) whose change forces a new resource. */
  fields: readonly string[];
  /** Only when the new inputs satisfy this. */
  when?: (inputs: Record<string, unknown>) => boolean;
}

/**
 * Replace-on-change input properties of the other resource types this program declares, as their
 * providers document them (the AWS, TLS and random providers bridge Terraform's, whose schemas mark
 * these ForceNew / RequiresReplace; the Kubernetes provider replaces an object whose name or
 * namespace changes, and a Deployment whose selector does, which Kubernetes does not let change).
 * Deliberately small: a property missing here is reported as undecided, never as an update.
 */
const REPLACE_ON_CHANGE: Record<string, readonly ReplaceRule[]> = {
  "aws:ec2/vpc:Vpc": [{ fields: ["cidrBlock", "ipv4IpamPoolId"] }],
  "aws:ec2/subnet:Subnet": [{ fields: ["vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId"] }],
  "aws:ec2/instance:Instance": [
    {
      fields: [
        "ami",
        "subnetId",
        "privateIp",
        "availabilityZone",
        "keyName",
        "associatePublicIpAddress",
        "placementGroup",
      ],
    },
    // Otherwise a user-data change is an update (the instance is stopped and started).
    { fields: ["userData", "userDataBase64"], when: (inputs) => inputs.userDataReplaceOnChange === true },
  ],
  "aws:ec2/securityGroup:SecurityGroup": [{ fields: ["name", "namePrefix", "description", "vpcId"] }],
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": [{ fields: ["securityGroupId"] }],
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": [{ fields: ["securityGroupId"] }],
  "aws:ec2/routeTable:RouteTable": [{ fields: ["vpcId"] }],
  "aws:ec2/route:Route": [
    { fields: ["routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"] },
  ],
  "aws:ec2/routeTableAssociation:RouteTableAssociation": [{ fields: ["subnetId", "gatewayId"] }],
  "aws:ec2/keyPair:KeyPair": [{ fields: ["keyName", "keyNamePrefix", "publicKey"] }],
  "aws:ec2/natGateway:NatGateway": [{ fields: ["subnetId", "allocationId", "connectivityType"] }],
  "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": [
    { fields: ["vpcId", "peerVpcId", "peerOwnerId", "peerRegion"] },
  ],
  "aws:rds/instance:Instance": [
    {
      fields: [
        "engine",
        "dbName",
        "identifier",
        "identifierPrefix",
        "username",
        "storageEncrypted",
        "kmsKeyId",
        "availabilityZone",
        "characterSetName",
      ],
    },
  ],
  "aws:rds/subnetGroup:SubnetGroup": [{ fields: ["name", "namePrefix"] }],
  "aws:iam/role:Role": [{ fields: ["name", "namePrefix", "path"] }],
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": [{ fields: ["role", "policyArn"] }],
  "aws:kms/key:Key": [{ fields: ["keyUsage", "customerMasterKeySpec", "keySpec", "multiRegion"] }],
  "tls:index/privateKey:PrivateKey": [{ fields: ["algorithm", "rsaBits", "ecdsaCurve"] }],
  "tls:index/selfSignedCert:SelfSignedCert": [
    {
      fields: [
        "privateKeyPem",
        "subject",
        "validityPeriodHours",
        "allowedUses",
        "dnsNames",
        "ipAddresses",
        "uris",
        "isCaCertificate",
      ],
    },
  ],
  "tls:index/certRequest:CertRequest": [{ fields: ["privateKeyPem", "subject", "dnsNames", "ipAddresses", "uris"] }],
  "tls:index/locallySignedCert:LocallySignedCert": [
    {
      fields: [
        "certRequestPem",
        "caPrivateKeyPem",
        "caCertPem",
        "validityPeriodHours",
        "allowedUses",
        "isCaCertificate",
      ],
    },
  ],
  "random:index/randomPassword:RandomPassword": [
    {
      fields: [
        "length",
        "special",
        "upper",
        "lower",
        "numeric",
        "minLower",
        "minUpper",
        "minNumeric",
        "minSpecial",
        "overrideSpecial",
        "keepers",
      ],
    },
  ],
  // `triggers` exist to force a replacement; other inputs re-run `create` (or `update`) in place.
  "command:remote:Command": [{ fields: ["triggers"] }],
  "kubernetes:apps/v1:Deployment": [{ fields: ["metadata.name", "metadata.namespace", "spec.selector"] }],
};

/** Kubernetes objects other than those listed: the name and namespace are the object's identity. */
const KUBERNETES_OBJECT: readonly ReplaceRule[] = [{ fields: ["metadata.name", "metadata.namespace"] }];

export function replaceRules(type: string): readonly ReplaceRule[] | undefined {
  if (REPLACE_ON_CHANGE[type]) return REPLACE_ON_CHANGE[type];
  // Helm releases and the provider itself are no Kubernetes object with metadata.
  if (type.startsWith("kubernetes:") && !type.startsWith("kubernetes:helm.sh/")) return KUBERNETES_OBJECT;
  return undefined;
}
