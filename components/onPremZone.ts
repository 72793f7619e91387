import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { toYaml } from "../lib/yaml";
import { KumaZoneToken, KumaConnectionArgs } from "../providers/kuma/resources";
import { renderEnvFile } from "../render/envFile";
import { dockerHost } from "../render/hosts";
import { zoneEgress, zoneIngress, ZONE_EGRESS_PORT, ZONE_INGRESS_PORT } from "../render/kuma";
import {
  DATAPLANE_FILES,
  KUMA_CONTAINER_DIR,
  KUMA_PORTS,
  KUMA_UID,
  kumaControlPlaneEnv,
  kumaControlPlaneUnit,
  kumaDataplaneUnit,
  postgresEnv,
  postgresUnit,
  ProxyType,
} from "../render/meshHost";
import { ControlPlanePki } from "./controlPlanePki";
import { Host, HostAmi } from "./host";
import { HostFile, HostSoftware, SshConnection } from "./hostSoftware";
import { adminTokenCommand } from "./meshAdminToken";

/** Where the zone's host comes from: a simulated EC2 host beside crawl's, or a real one. */
export type ZoneHostPlacement =
  | {
      mode: "simulated";
      vpcId: pulumi.Input<string>;
      vpcCidr: string;
      subnetId: pulumi.Input<string>;
      /** Its fixed address: `placeHost("zoneControlPlane", …)` of the address plan (components/addressPlan.ts). */
      privateIp: pulumi.Input<string>;
      ami: HostAmi;
      keyName: pulumi.Input<string>;
      instanceType: string;
      /** The cloud network: KDS to the global CP and cross-zone traffic to the cloud's ingress. */
      peerCidr: string;
    }
  | { mode: "existing"; address: string; privateAddress: string; sshUser: string };

export interface OnPremZoneArgs {
  zone: string;
  placement: ZoneHostPlacement;
  sshPrivateKey: pulumi.Input<string>;
  adminCidrs: string[];
  pki: ControlPlanePki;
  /** The global CP: where this zone registers (KDS) and whose API issues its tokens. */
  global: { kdsAddress: string; api: pulumi.Input<KumaConnectionArgs> };
  images: { controlPlane: string; dataplane: string; postgres: string };
  tokenValidity: string;
  tags: Record<string, string>;
}

const DIRS = {
  cp: "/etc/kuma/zone-cp",
  ingress: "/etc/kuma/zone-ingress",
  egress: "/etc/kuma/zone-egress",
  postgres: "/etc/kuma/postgres",
} as const;

/**
 * The on-prem zone, a Kong Mesh zone in universal mode on its own host: a zone control plane with its own Postgres store
 * (loopback only), the zone ingress other zones reach us through and the zone egress our traffic
 * leaves through. The zone authenticates to the global CP with a cp-scoped zone token, the proxies
 * with an ingress/egress-scoped one; every token is a secret file of mode 0600.
 */
export class OnPremZone extends pulumi.ComponentResource {
  /** Kept from when the class was UniversalZone: a new type token would change the URN of the zone and of every resource under it. */
  static readonly TYPE = "journey:mesh:UniversalZone";
  /** `https://<private address>:5678`: where this zone's proxies connect. */
  public readonly dpServerAddress: pulumi.Output<string>;
  /** The zone CP's API, for dataplane tokens. */
  public readonly api: pulumi.Output<KumaConnectionArgs>;
  public readonly privateAddress: pulumi.Output<string>;
  public readonly securityGroupId?: pulumi.Output<string>;

  constructor(name: string, args: OnPremZoneArgs, opts?: pulumi.ComponentResourceOptions) {
    super(OnPremZone.TYPE, name, { zone: args.zone, mode: args.placement.mode }, opts);
    const placement = args.placement;
    const bootstrap = dockerHost("mesh-zone");

    let publicAddress: pulumi.Output<string>;
    let privateAddress: pulumi.Output<string>;
    let sshUser = "ubuntu";
    if (placement.mode === "simulated") {
      const host = new Host(
        `${name}-host`,
        {
          role: "mesh-zone",
          vpcId: placement.vpcId,
          vpcCidr: placement.vpcCidr,
          subnetId: placement.subnetId,
          privateIp: placement.privateIp,
          instanceType: placement.instanceType,
          ami: placement.ami,
          keyName: placement.keyName,
          rootVolumeGiB: 30,
          bootstrap,
          adminCidrs: args.adminCidrs,
          inbound: [
            {
              description: "zone CP API (TLS) from the admin networks",
              fromPort: KUMA_PORTS.apiTls,
              cidrs: args.adminCidrs,
            },
            {
              description: "the zone's proxies to the zone CP",
              fromPort: KUMA_PORTS.dpServer,
              cidrs: [placement.vpcCidr],
            },
            {
              description: "other zones to this zone's ingress",
              fromPort: ZONE_INGRESS_PORT,
              cidrs: [placement.peerCidr],
            },
          ],
          extraOutbound: [
            { description: "the cloud network: KDS and the cloud zone's ingress", cidr: placement.peerCidr },
          ],
          publicIp: true,
          elasticIp: true,
          tags: args.tags,
        },
        { parent: this },
      );
      publicAddress = host.publicIp;
      privateAddress = host.privateIp;
      this.securityGroupId = host.securityGroupId;
    } else {
      publicAddress = pulumi.output(placement.address);
      privateAddress = pulumi.output(placement.privateAddress);
      sshUser = placement.sshUser;
    }

    const cpToken = new KumaZoneToken(
      `${name}-cp-token`,
      { connection: args.global.api, zone: args.zone, scope: ["cp"], validFor: args.tokenValidity },
      { parent: this },
    );
    const proxyToken = new KumaZoneToken(
      `${name}-proxy-token`,
      { connection: args.global.api, zone: args.zone, scope: ["ingress", "egress"], validFor: args.tokenValidity },
      { parent: this },
    );
    const dbPassword = new random.RandomPassword(
      `${name}-db-password`,
      { length: 40, special: false },
      { parent: this },
    );
    const certificate = args.pki.issue(`${name}-tls`, {
      commonName: `kong-mesh-zone-${args.zone}`,
      ipAddresses: [publicAddress, privateAddress],
    });
    const store = { user: "kuma", database: "kuma_zone" };
    const uid = String(KUMA_UID);
    const dpServerAddress = pulumi.interpolate`https://${privateAddress}:${KUMA_PORTS.dpServer}`;

    const cpEnv = dbPassword.result.apply((password) =>
      renderEnvFile(
        kumaControlPlaneEnv({
          mode: "zone",
          zone: args.zone,
          globalKdsAddress: args.global.kdsAddress,
          kdsCaFile: `${KUMA_CONTAINER_DIR}/kds-ca.crt`,
          cpTokenFile: `${KUMA_CONTAINER_DIR}/cp.token`,
          store: { ...store, host: "127.0.0.1", port: 5432, password, tlsMode: "disable" },
          tls: { certFile: `${KUMA_CONTAINER_DIR}/tls.crt`, keyFile: `${KUMA_CONTAINER_DIR}/tls.key` },
        }),
      ),
    );
    const proxyFiles = (
      dir: string,
      resource: pulumi.Input<object>,
      unit: pulumi.Input<string>,
      unitName: string,
    ): HostFile[] => [
      {
        path: `${dir}/${DATAPLANE_FILES.resource}`,
        content: pulumi.output(resource).apply((r) => toYaml(r)),
        mode: "0644",
        kumaResource: true,
      },
      { path: `${dir}/${DATAPLANE_FILES.token}`, content: proxyToken.token, mode: "0600", owner: uid, group: uid },
      { path: `${dir}/${DATAPLANE_FILES.ca}`, content: args.pki.caCertPem, mode: "0644" },
      { path: `/etc/systemd/system/${unitName}.service`, content: unit, mode: "0644" },
    ];
    const proxyUnit = (unitName: string, proxyType: ProxyType, hostDir: string, what: string) =>
      dpServerAddress.apply((cpAddress) =>
        kumaDataplaneUnit({
          name: unitName,
          description: what,
          image: args.images.dataplane,
          proxyType,
          cpAddress,
          hostDir,
          after: ["kuma-cp.service"],
        }),
      );

    const files: HostFile[] = [
      {
        path: `${DIRS.postgres}/postgres.env`,
        content: pulumi.secret(
          dbPassword.result.apply((password) => renderEnvFile(postgresEnv({ ...store, password }))),
        ),
        mode: "0600",
      },
      {
        path: "/etc/systemd/system/kuma-postgres.service",
        content: postgresUnit({
          image: args.images.postgres,
          dataDir: "/var/lib/kuma-postgres",
          envFile: `${DIRS.postgres}/postgres.env`,
        }),
        mode: "0644",
      },
      { path: `${DIRS.cp}/kuma-cp.env`, content: pulumi.secret(cpEnv), mode: "0600" },
      { path: `${DIRS.cp}/tls.crt`, content: certificate.certPem, mode: "0644" },
      { path: `${DIRS.cp}/tls.key`, content: certificate.privateKeyPem, mode: "0600", owner: uid, group: uid },
      { path: `${DIRS.cp}/kds-ca.crt`, content: args.pki.caCertPem, mode: "0644" },
      { path: `${DIRS.cp}/cp.token`, content: cpToken.token, mode: "0600", owner: uid, group: uid },
      {
        path: "/etc/systemd/system/kuma-cp.service",
        content: kumaControlPlaneUnit({
          image: args.images.controlPlane,
          hostDir: DIRS.cp,
          description: `Kong Mesh zone control plane (${args.zone})`,
          after: ["kuma-postgres.service"],
        }),
        mode: "0644",
      },
      ...proxyFiles(
        DIRS.ingress,
        privateAddress.apply((address) =>
          zoneIngress({
            name: `${args.zone}-ingress`,
            address,
            advertisedAddress: address,
            advertisedPort: ZONE_INGRESS_PORT,
          }),
        ),
        proxyUnit("kuma-zone-ingress", "ingress", DIRS.ingress, `Kong Mesh zone ingress (${args.zone})`),
        "kuma-zone-ingress",
      ),
      ...proxyFiles(
        DIRS.egress,
        privateAddress.apply((address) => zoneEgress({ name: `${args.zone}-egress`, address, port: ZONE_EGRESS_PORT })),
        proxyUnit("kuma-zone-egress", "egress", DIRS.egress, `Kong Mesh zone egress (${args.zone})`),
        "kuma-zone-egress",
      ),
    ];
    const connection: SshConnection = { host: publicAddress, user: sshUser, privateKey: args.sshPrivateKey };
    const software = new HostSoftware(
      `${name}-software`,
      {
        connection,
        host: "mesh-zone",
        bootstrap,
        files,
        services: ["kuma-postgres.service", "kuma-cp.service", "kuma-zone-ingress.service", "kuma-zone-egress.service"],
      },
      { parent: this },
    );

    const adminToken = adminTokenCommand(`${name}-admin-token`, connection, { parent: this, dependsOn: [software] });
    this.dpServerAddress = dpServerAddress;
    this.privateAddress = privateAddress;
    this.api = pulumi.secret(
      pulumi.output({
        url: pulumi.interpolate`https://${publicAddress}:${KUMA_PORTS.apiTls}`,
        token: adminToken,
        caCertPem: args.pki.caCertPem,
      }),
    );
    this.registerOutputs({ dpServerAddress: this.dpServerAddress, privateAddress: this.privateAddress });
  }
}
