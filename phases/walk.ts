import * as pulumi from "@pulumi/pulumi";
import { hostAddress } from "../lib/cidr";
import { ConfigError, StackSecrets } from "../config/load";
import { imageRef, JourneyConfig, PROJECT } from "../config/schema";
import { IMAGES } from "../config/versions";
import { CloudZone } from "../components/cloudZone";
import { ControlPlanePki } from "../components/controlPlanePki";
import { GatewayRoute } from "../components/gatewayRoute";
import { HostAmi, hostAmi } from "../components/host";
import { SshKeyPair } from "../components/sshKeyPair";
import { MeshFoundation } from "../components/meshFoundation";
import { MeshGlobalControlPlane } from "../components/meshGlobalControlPlane";
import { MeshSidecar } from "../components/meshSidecar";
import { Microservice } from "../components/microservice";
import { Network, planCloudSubnets } from "../components/network";
import { NetworkPeering } from "../components/networkPeering";
import { UniversalZone, ZoneHostPlacement } from "../components/universalZone";
import * as aws from "@pulumi/aws";
import { KumaZoneToken } from "../providers/kuma/resources";
import {
  gatewayDataplane,
  MICROSERVICE_OUTBOUND_PORT,
  MONOLITH_INBOUND_PORT,
  MONOLITH_OUTBOUND_PORT,
  monolithDataplane,
} from "../render/kuma";
import type { KubernetesService } from "../render/kuma";
import {
  CrawlOutputs,
  defaultStackRef,
  DeclaredOutputs,
  readEarlierPhase,
  readOptionalPhaseOutput,
  readPhaseOutput,
  walkContractProblems,
} from "./contract";
import { cardApiChecks } from "./smoke";
import { phaseTags } from "./tags";

/**
 * Walk: extend the foundation. A cloud network and EKS, the Kong Mesh global control plane, the
 * on-prem universal zone and the cloud zone, sidecars for the monolith and the gateway (mTLS),
 * the gateway's `/mesh` route through the mesh, and the microservice taking no traffic yet.
 * API consumers see no change; crawl's resources are read, never changed.
 */
export async function walk(config: JourneyConfig, secrets: StackSecrets): Promise<DeclaredOutputs<"walk">> {
  const prefix = config.namePrefix;
  const tags = phaseTags(config, "walk");
  const mesh = config.mesh;
  const microserviceConfig = config.microservice!;
  const crawlRefName = config.stackRefs.crawl ?? defaultStackRef(PROJECT, "crawl");
  const crawlRef = new pulumi.StackReference(crawlRefName);
  // Crawl's network, read and checked before any resource: walk restates none of it.
  const crawlFacts = await readEarlierPhase(crawlRef, crawlRefName, "crawl", ["network", "region"]);
  const contradictions = walkContractProblems(config, crawlFacts);
  if (contradictions.length > 0) throw new pulumi.RunError(new ConfigError(contradictions).message);
  const crawlNetwork = crawlFacts.network;
  const crawlHosts = readPhaseOutput(crawlRef, "crawl", "hosts");
  const crawlKonnect = readPhaseOutput(crawlRef, "crawl", "konnect");
  const sshPrivateKey = pulumi.secret(readPhaseOutput(crawlRef, "crawl", "sshPrivateKey"));
  const simulated = crawlNetwork.mode === "simulated";
  const onPremCidr = simulated ? crawlNetwork.vpcCidr : undefined;

  // Cloud network, joined to the simulated data center; a real one connects over VPN or Direct Connect.
  const azs = aws.getAvailabilityZonesOutput({ state: "available" }).names;
  const clusterName = `${prefix}-cloud-eks`;
  const { publicCidrs, privateCidrs } = planCloudSubnets(config.cloud.vpcCidr);
  const cloud = new Network(`${prefix}-cloud`, {
    cidr: config.cloud.vpcCidr,
    publicSubnets: publicCidrs.map((cidr, i) => ({ cidr, availabilityZone: azs.apply((names) => names[i]) })),
    privateSubnets: privateCidrs.map((cidr, i) => ({ cidr, availabilityZone: azs.apply((names) => names[i]) })),
    publicSubnetTags: { "kubernetes.io/role/elb": "1", [`kubernetes.io/cluster/${clusterName}`]: "shared" },
    privateSubnetTags: { "kubernetes.io/role/internal-elb": "1", [`kubernetes.io/cluster/${clusterName}`]: "shared" },
    tags,
  });
  if (simulated && onPremCidr) {
    new NetworkPeering(`${prefix}-peering`, {
      onPrem: { vpcId: crawlNetwork.vpcId!, cidr: onPremCidr, routeTableIds: [crawlNetwork.routeTableIds[0]] },
      cloud: { vpcId: cloud.vpcId, cidr: config.cloud.vpcCidr, routeTableIds: cloud.routeTableIds },
      tags,
    });
  }
  const zoneCidrs = [config.cloud.vpcCidr, ...(onPremCidr ? [onPremCidr] : [])];

  // Control planes: one private CA, the global CP in the cloud, the universal zone on-prem.
  const pki = new ControlPlanePki(`${prefix}-mesh-pki`, { organization: `${PROJECT} (${prefix})` });
  const ami = hostAmi(config.amiId);
  // The cloud's hosts get a key pair of walk's own; simulated on-prem hosts keep crawl's.
  const cloudKey = new SshKeyPair(`${prefix}-cloud-ssh`, { tags });
  const onPremKeyName = readOptionalPhaseOutput(crawlRef, "crawl", "sshKeyName");
  const global = new MeshGlobalControlPlane(`${prefix}-mesh-global`, {
    vpcId: cloud.vpcId,
    vpcCidr: config.cloud.vpcCidr,
    subnetId: cloud.publicSubnetIds[0],
    privateIp: hostAddress(publicCidrs[0], 10),
    databaseSubnetIds: cloud.privateSubnetIds,
    ami,
    keyName: cloudKey.keyName,
    sshPrivateKey: cloudKey.privateKeyPem,
    instanceType: config.cloud.controlPlaneInstanceType,
    adminCidrs: config.adminCidrs,
    zoneCidrs,
    pki,
    image: `${IMAGES.kumaControlPlane}:${mesh.version}`,
    database: { instanceClass: mesh.databaseInstanceClass, engineVersion: mesh.databaseEngineVersion },
    region: config.awsRegion,
    license: secrets.meshLicense,
    tags,
  });
  const globalApi = pulumi.secret(
    pulumi.output({ url: global.apiUrl, token: global.adminToken, caCertPem: pki.caCertPem }),
  );

  const zone = new UniversalZone(`${prefix}-mesh-onprem`, {
    zone: mesh.onPremZone,
    placement: zonePlacement(config, crawlNetwork, onPremKeyName, ami),
    sshPrivateKey,
    adminCidrs: config.adminCidrs,
    pki,
    global: { kdsAddress: global.kdsAddress, api: globalApi },
    images: {
      controlPlane: `${IMAGES.kumaControlPlane}:${mesh.version}`,
      dataplane: `${IMAGES.kumaDataplane}:${mesh.version}`,
      postgres: `${IMAGES.postgres}:${mesh.postgresVersion}`,
    },
    tokenValidity: mesh.tokenValidity,
    tags,
  });

  const microservice: KubernetesService = {
    name: microserviceConfig.name,
    namespace: microserviceConfig.namespace,
    port: microserviceConfig.port,
  };
  const foundation = new MeshFoundation(`${prefix}-mesh-policies`, { api: globalApi, microservice });

  // Sidecars: the monolith's inbound 5000 -> 8080, the gateway as a delegated gateway with outbounds.
  const sidecar = (role: "monolith" | "gateway") => ({
    host: role,
    connection: {
      host: crawlHosts.apply((h) => h[role].publicAddress),
      user: crawlHosts.apply((h) => h[role].sshUser),
      privateKey: sshPrivateKey,
    },
    zone: { dpServerAddress: zone.dpServerAddress, api: zone.api },
    caCertPem: pki.caCertPem,
    image: `${IMAGES.kumaDataplane}:${mesh.version}`,
    tokenValidity: mesh.tokenValidity,
  });
  new MeshSidecar(
    `${prefix}-monolith-sidecar`,
    {
      ...sidecar("monolith"),
      dataplane: crawlHosts.apply((h) => monolithDataplane({ name: "monolith-1", address: h.monolith.privateAddress })),
    },
    { dependsOn: [foundation] },
  );
  new MeshSidecar(
    `${prefix}-gateway-sidecar`,
    {
      ...sidecar("gateway"),
      dataplane: crawlHosts.apply((h) =>
        gatewayDataplane({ name: "kong-gateway-1", address: h.gateway.privateAddress }),
      ),
    },
    { dependsOn: [foundation] },
  );
  if (simulated) {
    new aws.vpc.SecurityGroupIngressRule(`${prefix}-monolith-in-mesh`, {
      securityGroupId: crawlHosts.apply((h) => h.monolith.securityGroupId!),
      description: "mesh traffic to the monolith's sidecar (gateway sidecar and zone ingress)",
      ipProtocol: "tcp",
      fromPort: MONOLITH_INBOUND_PORT,
      toPort: MONOLITH_INBOUND_PORT,
      cidrIpv4: onPremCidr,
      tags,
    });
  }

  // The cloud zone on EKS, and the microservice in it (no traffic yet).
  const cloudToken = new KumaZoneToken(`${prefix}-mesh-cloud-cp-token`, {
    connection: globalApi,
    zone: mesh.cloudZone,
    scope: ["cp"],
    validFor: mesh.tokenValidity,
  });
  const cloudZone = new CloudZone(`${prefix}-mesh-cloud`, {
    zone: mesh.cloudZone,
    vpcId: cloud.vpcId,
    publicSubnetIds: cloud.publicSubnetIds,
    privateSubnetIds: cloud.privateSubnetIds,
    kubernetesVersion: config.cloud.kubernetesVersion,
    nodeInstanceType: config.cloud.nodeInstanceType,
    nodes: config.cloud.nodes,
    adminCidrs: config.adminCidrs,
    onPremCidr,
    meshVersion: mesh.version,
    kdsAddress: global.kdsAddress,
    caCertPem: pki.caCertPem,
    cpToken: cloudToken.token,
    tags,
  });
  const app = new Microservice(`${prefix}-microservice`, {
    ...microservice,
    image: imageRef(microserviceConfig.image!),
    healthPath: microserviceConfig.healthPath,
    replicas: 2,
    provider: cloudZone.provider,
    dependsOn: [cloudZone.meshRelease],
  });

  // The gateway reaches the monolith through its sidecar: same API under /mesh.
  const gatewayProxyUrl = readPhaseOutput(crawlRef, "crawl", "gatewayProxyUrl");
  new GatewayRoute(`${prefix}-mesh-route`, {
    region: config.konnect.region,
    baseUrl: config.konnect.baseUrl,
    controlPlaneId: crawlKonnect.apply((k) => k.controlPlaneId),
    serviceName: "monolith-mesh",
    upstream: { protocol: "http", host: "127.0.0.1", port: MONOLITH_OUTBOUND_PORT, path: config.monolith.basePath },
    routeName: "mesh",
    paths: ["/mesh"],
    methods: ["GET", "POST", "PATCH"],
  });

  return {
    phase: "walk",
    mesh: {
      name: foundation.meshName,
      globalControlPlaneUrl: global.apiUrl,
      onPremZone: mesh.onPremZone,
      cloudZone: mesh.cloudZone,
      licence: meshLicenceInUse(secrets.meshLicense !== undefined),
      gatewayOutbounds: { monolith: MONOLITH_OUTBOUND_PORT, microservice: MICROSERVICE_OUTBOUND_PORT },
    },
    kumaApi: globalApi,
    services: { monolith: "monolith", microservice: app.meshService },
    microservice: { ...microservice, meshService: app.meshService },
    kubeconfig: cloudZone.kubeconfig,
    sshPrivateKey: cloudKey.privateKeyPem,
    loadBalancers: cloudZone.loadBalancers,
    smokeChecks: gatewayProxyUrl.apply((url) => [
      ...cardApiChecks(url, "/mesh"),
      {
        name: "microservice: disputes inside the cluster",
        method: "GET" as const,
        url: `http://${microservice.name}.${microservice.namespace}.svc.cluster.local:${microservice.port}/disputes`,
        expectStatus: 200,
        expectJson: "array" as const,
        from: "cluster" as const,
      },
    ]),
  };
}

/** What the plan says about the licence: a trial is named as one, with its limits. */
export function meshLicenceInUse(licensed: boolean): string {
  return licensed
    ? "licensed: the meshLicense secret"
    : "TRIAL: Kong Mesh's bundled trial licence (mesh.trial: true): 5 data plane proxies for 30 days, after which the control plane does not start; set meshLicense before then";
}

function zonePlacement(
  config: JourneyConfig,
  crawlNetwork: CrawlOutputs["network"],
  keyName: pulumi.Output<string | undefined>,
  ami: HostAmi,
): ZoneHostPlacement {
  if (config.onPrem.mode === "existing") {
    const zoneHost = config.onPrem.hosts.zone;
    if (!zoneHost)
      throw new pulumi.RunError(
        `${PROJECT}:onPrem.hosts.zone: is required in the walk phase with onPrem.mode existing (the host of the on-prem zone control plane, ingress and egress)`,
      );
    return {
      mode: "existing",
      address: zoneHost.address,
      privateAddress: zoneHost.privateAddress ?? zoneHost.address,
      sshUser: zoneHost.sshUser,
    };
  }
  return {
    mode: "simulated",
    vpcId: crawlNetwork.vpcId!,
    vpcCidr: crawlNetwork.vpcCidr!,
    subnetId: crawlNetwork.subnetIds[0],
    privateIp: hostAddress(crawlNetwork.subnetCidrs[0], 20),
    ami,
    keyName: keyName.apply((k) => {
      if (!k)
        throw new pulumi.RunError(
          `${PROJECT}:onPrem.mode: walk is "simulated" but crawl exports no SSH key pair; walk and crawl must use the same onPrem.mode`,
        );
      return k;
    }),
    instanceType: config.onPrem.instanceType,
    peerCidr: config.cloud.vpcCidr,
  };
}
