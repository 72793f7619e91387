import * as pulumi from "@pulumi/pulumi";
import type { StackSecrets } from "../config/load";
import { imageRef, PROJECT, WalkConfig } from "../config/schema";
import { IMAGES } from "../config/versions";
import { CloudZone } from "../components/cloudZone";
import { ControlPlanePki } from "../components/controlPlanePki";
import { GatewayRoute } from "../components/gatewayRoute";
import { placeHost } from "../components/addressPlan";
import { hostAmi } from "../components/host";
import { MeshFoundation } from "../components/meshFoundation";
import { MeshGlobalControlPlane } from "../components/meshGlobalControlPlane";
import { MeshSidecar } from "../components/meshSidecar";
import { Microservice } from "../components/microservice";
import { cloudNetwork } from "../components/network";
import { NetworkPeering } from "../components/networkPeering";
import { OnPremZone } from "../components/onPremZone";
import { SshKeyPair } from "../components/sshKeyPair";
import {
  gatewayDataplane,
  MICROSERVICE_OUTBOUND_PORT,
  MONOLITH_INBOUND_PORT,
  MONOLITH_OUTBOUND_PORT,
  monolithDataplane,
} from "../render/kuma";
import type { KubernetesService } from "../render/kuma";
import { defaultStackRef, DeclaredOutputs, readCrawlFoundation, readPhaseOutput } from "./contract";
import { cardApiChecks } from "./smoke";
import { phaseTags } from "./tags";

/**
 * Walk: extend the foundation. A cloud network and EKS, the Kong Mesh global control plane, the
 * on-prem zone and the cloud zone, sidecars for the monolith and the gateway (mTLS), the gateway's
 * `/mesh` route through the mesh, and the microservice taking no traffic yet. API consumers see no
 * change; crawl's resources are read, never changed.
 */
export async function walk(config: WalkConfig, secrets: StackSecrets): Promise<DeclaredOutputs<"walk">> {
  const prefix = config.namePrefix;
  const tags = phaseTags(config, "walk");
  const mesh = config.mesh;
  const crawlRefName = config.stackRefs.crawl ?? defaultStackRef(PROJECT, "crawl");
  const crawlRef = new pulumi.StackReference(crawlRefName);
  // Crawl's network and hosts, read and checked before any resource: walk restates none of it.
  const crawl = await readCrawlFoundation(crawlRef, crawlRefName, config);
  const onPrem = crawl.onPrem;
  const onPremCidr = onPrem.mode === "simulated" ? onPrem.vpcCidr : undefined;
  const sshPrivateKey = pulumi.secret(readPhaseOutput(crawlRef, "crawl", "sshPrivateKey"));

  // The cloud network, joined to the simulated data center; a real one connects over VPN or Direct Connect.
  const cloud = cloudNetwork(`${prefix}-cloud`, {
    cidr: config.cloud.vpcCidr,
    clusterName: `${prefix}-cloud-eks`,
    tags,
  });
  if (onPrem.mode === "simulated") {
    new NetworkPeering(`${prefix}-peering`, {
      onPrem: { vpcId: onPrem.vpcId, cidr: onPrem.vpcCidr, routeTableIds: [onPrem.routeTableIds[0]] },
      cloud: { vpcId: cloud.vpcId, cidr: cloud.cidr, routeTableIds: cloud.routeTableIds },
      tags,
    });
  }

  // Control planes: one private CA, the global CP in the cloud, the on-prem zone beside the monolith.
  const pki = new ControlPlanePki(`${prefix}-mesh-pki`, { organization: `${PROJECT} (${prefix})` });
  const ami = hostAmi(config.amiId);
  // The cloud's hosts get a key pair of walk's own; simulated on-prem hosts keep crawl's.
  const cloudKey = new SshKeyPair(`${prefix}-cloud-ssh`, { tags });
  const global = new MeshGlobalControlPlane(`${prefix}-mesh-global`, {
    vpcId: cloud.vpcId,
    vpcCidr: cloud.cidr,
    ...placeHost("globalControlPlane", cloud.publicSubnets),
    databaseSubnetIds: cloud.privateSubnetIds,
    ami,
    keyName: cloudKey.keyName,
    sshPrivateKey: cloudKey.privateKeyPem,
    instanceType: config.cloud.controlPlaneInstanceType,
    adminCidrs: config.adminCidrs,
    zoneCidrs: [cloud.cidr, ...(onPremCidr ? [onPremCidr] : [])],
    pki,
    image: `${IMAGES.kumaControlPlane}:${mesh.version}`,
    database: { instanceClass: mesh.databaseInstanceClass, engineVersion: mesh.databaseEngineVersion },
    region: config.awsRegion,
    license: secrets.meshLicense,
    tags,
  });
  const meshGlobal = { kdsAddress: global.kdsAddress, api: global.api };

  const zone = new OnPremZone(`${prefix}-mesh-onprem`, {
    zone: mesh.onPremZone,
    placement:
      onPrem.mode === "simulated"
        ? {
            mode: "simulated",
            vpcId: onPrem.vpcId,
            vpcCidr: onPrem.vpcCidr,
            ...placeHost("zoneControlPlane", onPrem),
            ami,
            keyName: onPrem.sshKeyName,
            instanceType: onPrem.zoneInstanceType,
            peerCidr: cloud.cidr,
          }
        : {
            mode: "existing",
            address: onPrem.zoneHost.address,
            privateAddress: onPrem.zoneHost.privateAddress ?? onPrem.zoneHost.address,
            sshUser: onPrem.zoneHost.sshUser,
          },
    sshPrivateKey,
    adminCidrs: config.adminCidrs,
    pki,
    global: meshGlobal,
    images: {
      controlPlane: `${IMAGES.kumaControlPlane}:${mesh.version}`,
      dataplane: `${IMAGES.kumaDataplane}:${mesh.version}`,
      postgres: `${IMAGES.postgres}:${mesh.postgresVersion}`,
    },
    tokenValidity: mesh.tokenValidity,
    tags,
  });

  const microservice: KubernetesService = {
    name: config.microservice.name,
    namespace: config.microservice.namespace,
    port: config.microservice.port,
  };
  const foundation = new MeshFoundation(`${prefix}-mesh-policies`, { api: global.api, microservice });

  // Sidecars: the monolith's inbound 5000 -> 8080, the gateway as a delegated gateway with outbounds.
  const sidecar = (role: "monolith" | "gateway") => ({
    host: role,
    connection: { host: crawl.hosts[role].publicAddress, user: crawl.hosts[role].sshUser, privateKey: sshPrivateKey },
    zone: { dpServerAddress: zone.dpServerAddress, api: zone.api },
    caCertPem: pki.caCertPem,
    image: `${IMAGES.kumaDataplane}:${mesh.version}`,
    tokenValidity: mesh.tokenValidity,
  });
  new MeshSidecar(
    `${prefix}-monolith-sidecar`,
    {
      ...sidecar("monolith"),
      dataplane: monolithDataplane({ name: "monolith-1", address: crawl.hosts.monolith.privateAddress }),
      inbound:
        onPrem.mode === "simulated"
          ? {
              securityGroupId: onPrem.monolithSecurityGroupId,
              port: MONOLITH_INBOUND_PORT,
              fromCidr: onPrem.vpcCidr,
              tags,
            }
          : undefined,
    },
    { dependsOn: [foundation] },
  );
  new MeshSidecar(
    `${prefix}-gateway-sidecar`,
    {
      ...sidecar("gateway"),
      dataplane: gatewayDataplane({ name: "kong-gateway-1", address: crawl.hosts.gateway.privateAddress }),
    },
    { dependsOn: [foundation] },
  );

  // The cloud zone on EKS, and the microservice in it (no traffic yet).
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
    global: meshGlobal,
    caCertPem: pki.caCertPem,
    tokenValidity: mesh.tokenValidity,
    tags,
  });
  const app = new Microservice(`${prefix}-microservice`, {
    ...microservice,
    image: imageRef(config.microservice.image),
    healthPath: config.microservice.healthPath,
    replicas: 2,
    provider: cloudZone.provider,
    dependsOn: [cloudZone.meshRelease],
  });

  // The gateway reaches the monolith through its sidecar: same API under /mesh.
  new GatewayRoute(`${prefix}-mesh-route`, {
    region: config.konnect.region,
    baseUrl: config.konnect.baseUrl,
    controlPlaneId: readPhaseOutput(crawlRef, "crawl", "konnect").apply((k) => k.controlPlaneId),
    serviceName: "monolith-mesh",
    upstream: { protocol: "http", host: "127.0.0.1", port: MONOLITH_OUTBOUND_PORT, path: config.monolith.basePath },
    routeName: "mesh",
    paths: ["/mesh"],
    methods: ["GET", "POST", "PATCH"],
  });

  const gatewayProxyUrl = readPhaseOutput(crawlRef, "crawl", "gatewayProxyUrl");
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
    kumaApi: global.api,
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
