import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import { KumaConnectionArgs, KumaZoneToken } from "../providers/kuma/resources";
import {
  kdsGlobalCaSecret,
  kongMeshSystemNamespace,
  kongMeshZoneValues,
  KONG_MESH_CHART,
  KONG_MESH_CHART_REPO,
  KONG_MESH_NAMESPACE,
  KONG_MESH_RELEASE,
  zoneCpTokenSecret,
} from "../render/k8s";

export interface CloudZoneArgs {
  zone: string;
  vpcId: pulumi.Input<string>;
  publicSubnetIds: pulumi.Input<string>[];
  privateSubnetIds: pulumi.Input<string>[];
  kubernetesVersion: string;
  nodeInstanceType: string;
  nodes: { min: number; desired: number; max: number };
  /** The EKS API endpoint is public only to these networks (and private inside the VPC). */
  adminCidrs: string[];
  /** The on-prem network, the only one allowed to reach this zone's ingress (over peering). */
  onPremCidr?: string;
  meshVersion: string;
  /** The global CP: where this zone registers (KDS) and whose API issues the zone's token. */
  global: { kdsAddress: string; api: pulumi.Input<KumaConnectionArgs> };
  caCertPem: pulumi.Input<string>;
  /** Lifetime of the zone's cp-scoped token. */
  tokenValidity: string;
  tags: Record<string, string>;
}

const NODE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"];

/**
 * The cloud zone, a Kong Mesh zone in Kubernetes mode: EKS with a managed node group on private subnets across two AZs and Kubernetes
 * secrets encrypted with KMS, and the kong-mesh chart in zone mode connected to the global CP
 * over verified TLS.
 */
export class CloudZone extends pulumi.ComponentResource {
  static readonly TYPE = "journey:cloud:Zone";
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly provider: k8s.Provider;
  public readonly meshRelease: k8s.helm.v3.Release;
  /** Hostnames of the load balancers the chart creates (the zone ingress NLB): destroy waits for them to go. */
  public readonly loadBalancers: pulumi.Output<string[]>;

  constructor(name: string, args: CloudZoneArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      CloudZone.TYPE,
      name,
      { zone: args.zone, kubernetesVersion: args.kubernetesVersion, meshVersion: args.meshVersion },
      opts,
    );
    const { min, desired, max } = args.nodes;
    if (![min, desired, max].every((n) => Number.isInteger(n) && n >= 1) || !(min <= desired && desired <= max))
      throw new Error(
        `CloudZone ${name}: nodes is ${JSON.stringify(args.nodes)}: must be whole numbers of at least 1 with min <= desired <= max`,
      );
    const tags = args.tags;

    // The zone's cp-scoped token, issued by the global CP. It was declared at the stack's top level
    // before this component owned it: the alias names that URN, so existing stacks move the token
    // under the component instead of replacing it (a new token).
    const cpToken = new KumaZoneToken(
      `${name}-cp-token`,
      { connection: args.global.api, zone: args.zone, scope: ["cp"], validFor: args.tokenValidity },
      { parent: this, aliases: [{ parent: pulumi.rootStackResource }] },
    );
    const secretsKey = new aws.kms.Key(
      `${name}-secrets-key`,
      { description: `${name}: EKS secrets envelope encryption`, enableKeyRotation: true, tags },
      { parent: this },
    );
    const nodeRole = new aws.iam.Role(
      `${name}-node-role`,
      {
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
        tags,
      },
      { parent: this },
    );
    NODE_POLICIES.forEach(
      (policy) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-node-${policy}`,
          { role: nodeRole.name, policyArn: `arn:aws:iam::aws:policy/${policy}` },
          { parent: nodeRole },
        ),
    );

    const cluster = new eks.Cluster(
      `${name}-eks`,
      {
        vpcId: args.vpcId,
        publicSubnetIds: args.publicSubnetIds,
        privateSubnetIds: args.privateSubnetIds,
        version: args.kubernetesVersion,
        authenticationMode: eks.AuthenticationMode.Api,
        skipDefaultNodeGroup: true,
        endpointPrivateAccess: true,
        endpointPublicAccess: true,
        publicAccessCidrs: args.adminCidrs,
        encryptionConfigKeyArn: secretsKey.arn,
        enabledClusterLogTypes: ["api", "audit", "authenticator"],
        createOidcProvider: true,
        tags,
      },
      { parent: this },
    );
    new eks.ManagedNodeGroup(
      `${name}-nodes`,
      {
        cluster,
        nodeRoleArn: nodeRole.arn,
        subnetIds: args.privateSubnetIds,
        instanceTypes: [args.nodeInstanceType],
        scalingConfig: { minSize: args.nodes.min, desiredSize: args.nodes.desired, maxSize: args.nodes.max },
        // A launch template with metadataOptions httpTokens "required": pods cannot read the node role's credentials over IMDSv1.
        enableIMDSv2: true,
        tags,
      },
      { parent: this },
    );
    this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig, enableServerSideApply: true },
      { parent: this },
    );
    const k8sOpts = { parent: this, provider: this.provider };

    const namespace = new k8s.core.v1.Namespace(`${name}-mesh-system`, kongMeshSystemNamespace(), k8sOpts);
    const caSecret = new k8s.core.v1.Secret(
      `${name}-kds-ca`,
      kdsGlobalCaSecret("kong-mesh-kds-global-ca", args.caCertPem),
      { ...k8sOpts, dependsOn: [namespace] },
    );
    const tokenSecret = new k8s.core.v1.Secret(
      `${name}-cp-token`,
      zoneCpTokenSecret("kong-mesh-cp-token", pulumi.secret(cpToken.token)),
      { ...k8sOpts, dependsOn: [namespace] },
    );
    this.meshRelease = new k8s.helm.v3.Release(
      `${name}-kong-mesh`,
      {
        name: KONG_MESH_RELEASE,
        chart: KONG_MESH_CHART,
        version: args.meshVersion,
        repositoryOpts: { repo: KONG_MESH_CHART_REPO },
        namespace: KONG_MESH_NAMESPACE,
        values: kongMeshZoneValues({
          zone: args.zone,
          kdsGlobalAddress: args.global.kdsAddress,
          kdsCaSecretName: "kong-mesh-kds-global-ca",
          cpTokenSecretName: "kong-mesh-cp-token",
          // The internal NLB of the zone ingress accepts only the on-prem network (the controller opens the node ports for it).
          ingressAllowedCidrs: args.onPremCidr ? [args.onPremCidr] : undefined,
        }),
        atomic: true,
        timeout: 900,
      },
      { ...k8sOpts, dependsOn: [caSecret, tokenSecret] },
    );
    const ingress = k8s.core.v1.Service.get(
      `${name}-zone-ingress`,
      `${KONG_MESH_NAMESPACE}/${KONG_MESH_RELEASE}-ingress`,
      { ...k8sOpts, dependsOn: [this.meshRelease] },
    );
    this.loadBalancers = ingress.status.apply((status) =>
      (status?.loadBalancer?.ingress ?? []).map((i) => i.hostname ?? i.ip).filter((h): h is string => !!h),
    );
    this.registerOutputs({ kubeconfig: this.kubeconfig, loadBalancers: this.loadBalancers });
  }
}
