import * as assert from "node:assert/strict";
import { CloudZone, CloudZoneArgs } from "../../components/cloudZone";
import { PROJECT } from "../../config/schema";
import { ControlPlanePki } from "../../components/controlPlanePki";
import { DYNAMIC_PREFIX } from "../../offline/resourceTypes";
import {
  KONG_MESH_CHART,
  KONG_MESH_CHART_REPO,
  KONG_MESH_NAMESPACE,
  KONG_MESH_RELEASE,
  kongMeshZoneValues,
} from "../../render/k8s";
import { isSecret, pick, recordComponent, typesAndNames, unknownOutput, unwrapSecret } from "../support/components";

const GLOBAL_API = { url: "https://203.0.113.40:5682", token: "global-admin-token" };
const ARGS: Omit<CloudZoneArgs, "caCertPem"> = {
  zone: "cloud",
  vpcId: "vpc-cloud",
  publicSubnetIds: ["subnet-public-1", "subnet-public-2"],
  privateSubnetIds: ["subnet-private-1", "subnet-private-2"],
  kubernetesVersion: "1.33",
  nodeInstanceType: "t3.large",
  nodes: { min: 2, desired: 2, max: 4 },
  adminCidrs: ["198.51.100.0/24"],
  onPremCidr: "10.0.0.0/16",
  meshVersion: "2.11.0",
  global: { kdsAddress: "grpcs://10.1.0.10:5685", api: GLOBAL_API },
  tokenValidity: "720h",
  tags: { Project: "test" },
};
const NODE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"];

const record = (args: Partial<CloudZoneArgs> = {}) =>
  recordComponent(
    CloudZone,
    () =>
      new CloudZone("cz", {
        ...ARGS,
        caCertPem: new ControlPlanePki("pki", { organization: "acme" }).caCertPem,
        ...args,
      }),
    (z) => ({ kubeconfig: z.kubeconfig, loadBalancers: z.loadBalancers }),
  );

describe(`${CloudZone.TYPE} alone`, () => {
  it("is EKS with a KMS key and a node role, its node group, and the kong-mesh release with its namespace and secrets", async () => {
    const z = await record();
    assert.deepEqual(z.component.inputs, { zone: "cloud", kubernetesVersion: "1.33", meshVersion: "2.11.0" });
    assert.deepEqual(typesAndNames(z.children), [
      [`${DYNAMIC_PREFIX}kuma:ZoneToken`, "cz-cp-token"],
      ["kubernetes:core/v1:Secret", "cz-cp-token"],
      ["eks:index:Cluster", "cz-eks"],
      ["pulumi:providers:kubernetes", "cz-k8s"],
      ["kubernetes:core/v1:Secret", "cz-kds-ca"],
      ["kubernetes:helm.sh/v3:Release", "cz-kong-mesh"],
      ["kubernetes:core/v1:Namespace", "cz-mesh-system"],
      ["aws:iam/role:Role", "cz-node-role"],
      ["eks:index:ManagedNodeGroup", "cz-nodes"],
      ["aws:kms/key:Key", "cz-secrets-key"],
    ]);
    assert.deepEqual(
      typesAndNames(z.childrenOf(z.resource("cz-node-role"))),
      NODE_POLICIES.map((p) => ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", `cz-node-${p}`]).sort(
        ([, a], [, b]) => a.localeCompare(b),
      ),
    );
    assert.ok(isSecret(z.outputs.kubeconfig), "the kubeconfig is a credential");
    assert.deepEqual(
      { ...z.outputs, kubeconfig: unwrapSecret(z.outputs.kubeconfig) },
      {
        kubeconfig: unknownOutput("cz-eks", "kubeconfigJson"),
        loadBalancers: [unknownOutput("cz-zone-ingress", "hostname")],
      },
    );
  });

  it("has the global CP issue its cp-scoped token, under the component and aliased to its URN at the stack's top (where it was: no new token)", async () => {
    const z = await record();
    const token = z.children.find((r) => r.type === `${DYNAMIC_PREFIX}kuma:ZoneToken`)!;
    assert.equal(token.name, "cz-cp-token");
    assert.equal(
      token.urn,
      `urn:pulumi:test::${PROJECT}::${CloudZone.TYPE}$${DYNAMIC_PREFIX}kuma:ZoneToken::cz-cp-token`,
    );
    assert.deepEqual(token.aliases, [
      `urn:pulumi:test::${PROJECT}::pulumi:pulumi:Stack$${DYNAMIC_PREFIX}kuma:ZoneToken::cz-cp-token`,
    ]);
    assert.deepEqual(pick(token, "zone", "scope", "validFor"), { zone: "cloud", scope: ["cp"], validFor: "720h" });
    assert.ok(isSecret(token.inputs.connection));
    assert.deepEqual(unwrapSecret(token.inputs.connection), GLOBAL_API);

    const secret = z.children.find((r) => r.name === "cz-cp-token" && r.type === "kubernetes:core/v1:Secret")!;
    assert.ok(isSecret(secret.inputs.stringData));
    assert.deepEqual(unwrapSecret(secret.inputs.stringData), { token: unknownOutput("cz-cp-token", "token") });
    assert.deepEqual(secret.inputs.metadata, { name: "kong-mesh-cp-token", namespace: KONG_MESH_NAMESPACE });
    assert.ok(z.waitsFor(secret, token));
    const ca = z.resource("cz-kds-ca");
    assert.deepEqual(unwrapSecret(ca.inputs.stringData), { "ca.crt": unknownOutput("pki-ca", "certPem") });
    assert.deepEqual(ca.inputs.metadata, { name: "kong-mesh-kds-global-ca", namespace: KONG_MESH_NAMESPACE });
  });

  it("EKS: API public to the admin networks only, secrets under a rotating KMS key, nodes on private subnets with IMDSv2", async () => {
    const z = await record();
    const cluster = z.resource("cz-eks");
    assert.deepEqual(cluster.inputs, {
      vpcId: "vpc-cloud",
      publicSubnetIds: ARGS.publicSubnetIds,
      privateSubnetIds: ARGS.privateSubnetIds,
      version: "1.33",
      authenticationMode: "API",
      skipDefaultNodeGroup: true,
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
      publicAccessCidrs: ["198.51.100.0/24"],
      encryptionConfigKeyArn: unknownOutput("cz-secrets-key", "arn"),
      enabledClusterLogTypes: ["api", "audit", "authenticator"],
      createOidcProvider: true,
      tags: { Project: "test" },
    });
    assert.ok(z.waitsFor(cluster, z.resource("cz-secrets-key")));
    assert.deepEqual(pick(z.resource("cz-secrets-key"), "enableKeyRotation"), { enableKeyRotation: true });

    const nodes = z.resource("cz-nodes");
    assert.deepEqual(pick(nodes, "nodeRoleArn", "subnetIds", "instanceTypes", "scalingConfig", "enableIMDSv2"), {
      nodeRoleArn: unknownOutput("cz-node-role", "arn"),
      subnetIds: ARGS.privateSubnetIds,
      instanceTypes: ["t3.large"],
      scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 4 },
      enableIMDSv2: true,
    });
    const trust = JSON.parse(z.resource("cz-node-role").inputs.assumeRolePolicy as string);
    assert.deepEqual(trust.Statement[0].Principal, { Service: "ec2.amazonaws.com" });
    for (const policy of NODE_POLICIES)
      assert.deepEqual(pick(z.resource(`cz-node-${policy}`), "role", "policyArn"), {
        role: unknownOutput("cz-node-role", "name"),
        policyArn: `arn:aws:iam::aws:policy/${policy}`,
      });

    const provider = z.resource("cz-k8s");
    assert.ok(isSecret(provider.inputs.kubeconfig));
    assert.equal(unwrapSecret(provider.inputs.kubeconfig), unknownOutput("cz-eks", "kubeconfigJson"));
  });

  it("installs kong-mesh in zone mode once its namespace and secrets exist, the ingress open to on-prem only", async () => {
    const z = await record();
    const release = z.resource("cz-kong-mesh");
    assert.deepEqual(pick(release, "name", "chart", "version", "repositoryOpts", "namespace", "atomic", "timeout"), {
      name: KONG_MESH_RELEASE,
      chart: KONG_MESH_CHART,
      version: "2.11.0",
      repositoryOpts: { repo: KONG_MESH_CHART_REPO },
      namespace: KONG_MESH_NAMESPACE,
      atomic: true,
      timeout: 900,
    });
    assert.deepEqual(
      release.inputs.values,
      kongMeshZoneValues({
        zone: "cloud",
        kdsGlobalAddress: "grpcs://10.1.0.10:5685",
        kdsCaSecretName: "kong-mesh-kds-global-ca",
        cpTokenSecretName: "kong-mesh-cp-token",
        ingressAllowedCidrs: ["10.0.0.0/16"],
      }),
    );
    const namespace = z.resource("cz-mesh-system");
    assert.equal((namespace.inputs.metadata as { name: string }).name, KONG_MESH_NAMESPACE);
    const [ca, token] = [
      z.resource("cz-kds-ca"),
      z.children.find((r) => r.name === "cz-cp-token" && r.type === "kubernetes:core/v1:Secret")!,
    ];
    for (const secret of [ca, token]) {
      assert.ok(z.waitsFor(secret, namespace), secret.name);
      assert.ok(z.waitsFor(release, secret), secret.name);
    }
  });

  it("without an on-prem network, leaves the ingress load balancer's source ranges to the chart", async () => {
    const values = (await record({ onPremCidr: undefined })).resource("cz-kong-mesh").inputs.values as ReturnType<
      typeof kongMeshZoneValues
    >;
    assert.equal(values.kuma.ingress.service.loadBalancerSourceRanges, undefined);
  });

  it("refuses a KDS address that is not grpcs://, a zone name Kuma refuses, a bad on-prem CIDR, a CA that is not PEM and nodes out of order", async () => {
    await assert.rejects(record({ global: { kdsAddress: "grpc://10.1.0.10:5685", api: GLOBAL_API } }), {
      message: /^kdsGlobalAddress is "grpc:\/\/10\.1\.0\.10:5685": must be grpcs:\/\/<host>:<port>/,
    });
    await assert.rejects(record({ zone: "Cloud_1" }), {
      message: /^zone is "Cloud_1": a zone name must be an RFC 1123 label/,
    });
    await assert.rejects(record({ onPremCidr: "10.0.0.1/16" }), {
      message: /^ingressAllowedCidrs\[0\] is "10\.0\.0\.1\/16": must be an IPv4 CIDR block/,
    });
    await assert.rejects(record({ caCertPem: "not a certificate" }), {
      message: /^caCertificatePem is "not a certificate": must be a PEM certificate/,
    });
    await assert.rejects(record({ nodes: { min: 3, desired: 2, max: 4 } }), {
      message:
        /^CloudZone cz: nodes is \{"min":3,"desired":2,"max":4\}: must be whole numbers of at least 1 with min <= desired <= max$/,
    });
  });
});
