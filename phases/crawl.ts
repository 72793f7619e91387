import { CrawlConfig, imageRef } from "../config/schema";
import type { StackSecrets } from "../config/load";
import { GatewayRoute, GatewayRouteArgs } from "../components/gatewayRoute";
import { KonnectGateway } from "../components/konnectGateway";
import { Monolith } from "../components/monolith";
import { OnPremSite, SiteHost } from "../components/onPremSite";
import type { DeclaredOutputs, DeepInput, HostEndpoint } from "./contract";
import { cardApiChecks } from "./smoke";
import { phaseTags } from "./tags";

/**
 * Crawl: the monolith as it is today, exposed through a Konnect runtime instance beside it.
 * API consumers call the gateway's `/onprem` route and see exactly what the monolith answers.
 */
export function crawl(config: CrawlConfig, secrets: StackSecrets): DeclaredOutputs<"crawl"> {
  const prefix = config.namePrefix;

  const site = new OnPremSite(`${prefix}-onprem`, {
    onPrem: config.onPrem,
    sshPrivateKey: secrets.onPremSshPrivateKey,
    adminCidrs: config.adminCidrs,
    clientCidrs: config.clientCidrs,
    monolithPort: config.monolith.port,
    amiId: config.amiId,
    tags: phaseTags(config, "crawl"),
  });
  const { monolith: monolithHost, gateway: gatewayHost } = site.hosts;

  const monolith = new Monolith(`${prefix}-monolith`, {
    connection: monolithHost.connection,
    privateAddress: monolithHost.privateAddress,
    image: imageRef(config.monolith.image),
    port: config.monolith.port,
    basePath: config.monolith.basePath,
  });

  const konnect = { region: config.konnect.region, baseUrl: config.konnect.baseUrl };
  const gateway = new KonnectGateway(`${prefix}-gateway`, {
    ...konnect,
    connection: gatewayHost.connection,
    publicAddress: gatewayHost.publicAddress,
    image: `${config.konnect.gatewayRepository}:${config.konnect.gatewayVersion}`,
    controlPlane: {
      name: config.konnect.controlPlaneName ?? `${prefix}-migration`,
      description: "Cloud migration journey: the gateway in front of the card monolith",
      labels: { project: "cloud-migration-journey", owner: config.owner },
      adoptExisting: config.konnect.adoptExisting,
    },
  });

  // Konnect objects go in order: control plane, certificate, service, route (and back on destroy).
  const onPremRoute: GatewayRouteArgs = {
    ...konnect,
    controlPlaneId: gateway.controlPlaneId,
    serviceName: "monolith",
    upstream: {
      protocol: "http",
      host: monolithHost.privateAddress,
      port: config.monolith.port,
      path: config.monolith.basePath,
    },
    routeName: "onprem",
    paths: ["/onprem"],
    methods: ["GET", "POST", "PATCH"],
  };
  new GatewayRoute(`${prefix}-onprem-route`, onPremRoute, { dependsOn: [gateway.dataPlaneCertificate] });

  return {
    phase: "crawl",
    region: config.awsRegion,
    network: {
      mode: config.onPrem.mode,
      vpcId: site.network?.vpcId,
      vpcCidr: config.onPrem.mode === "simulated" ? config.onPrem.vpcCidr : undefined,
      subnetIds: site.network?.publicSubnetIds ?? [],
      subnetCidrs: [...(site.network?.publicSubnets.subnetCidrs ?? [])],
      routeTableIds: site.network?.routeTableIds ?? [],
    },
    hosts: { monolith: hostEndpoint(monolithHost), gateway: hostEndpoint(gatewayHost) },
    sshPrivateKey: site.sshPrivateKey,
    sshKeyName: site.sshKeyName,
    konnect: {
      ...konnect,
      controlPlaneId: gateway.controlPlaneId,
      controlPlaneEndpoint: gateway.controlPlaneEndpoint,
      telemetryEndpoint: gateway.telemetryEndpoint,
    },
    monolithUrl: monolith.upstreamUrl,
    gatewayProxyUrl: gateway.proxyUrl,
    smokeChecks: gateway.proxyUrl.apply((url) => cardApiChecks(url, "/onprem")),
  };
}

function hostEndpoint(host: SiteHost): DeepInput<HostEndpoint> {
  return {
    role: host.role,
    id: host.id,
    privateAddress: host.privateAddress,
    publicAddress: host.publicAddress,
    sshUser: host.sshUser,
    securityGroupId: host.securityGroupId,
  };
}
