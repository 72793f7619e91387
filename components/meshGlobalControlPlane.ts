import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { renderEnvFile } from "../render/envFile";
import { dockerHost } from "../render/hosts";
import {
  KUMA_CONTAINER_DIR,
  KUMA_PORTS,
  KUMA_UID,
  kumaControlPlaneEnv,
  kumaControlPlaneUnit,
} from "../render/meshHost";
import { ControlPlanePki } from "./controlPlanePki";
import { Host, HostAmi } from "./host";
import { HostFile, HostSoftware, SshConnection } from "./hostSoftware";
import { adminTokenCommand } from "./meshAdminToken";

export interface MeshGlobalControlPlaneArgs {
  vpcId: pulumi.Input<string>;
  vpcCidr: string;
  subnetId: pulumi.Input<string>;
  /** Its fixed address: `placeHost("globalControlPlane", …)` of the address plan (components/addressPlan.ts). */
  privateIp: string;
  /** Private subnets in two AZs for the store. */
  databaseSubnetIds: pulumi.Input<string>[];
  ami: HostAmi;
  keyName: pulumi.Input<string>;
  sshPrivateKey: pulumi.Input<string>;
  instanceType: string;
  adminCidrs: string[];
  /** Networks whose zone control planes dial KDS (5685). */
  zoneCidrs: string[];
  pki: ControlPlanePki;
  image: string;
  /** `engineVersion` a major ("16") or a minor ("16.9"): see rdsEngineSettings. */
  database: { instanceClass: string; engineVersion: string };
  /** The AWS region: its RDS CA bundle verifies the store. */
  region: string;
  license?: pulumi.Input<string>;
  tags: Record<string, string>;
}

const HOST_DIR = "/etc/kuma/global-cp";

/** The CA RDS signs the store's certificate with, pinned on the instance; AWS's regional bundle holds it. */
export const RDS_CA_IDENTIFIER = "rds-ca-rsa2048-g1";
export const rdsCaBundleUrl = (region: string) =>
  `https://truststore.pki.rds.amazonaws.com/${region}/${region}-bundle.pem`;

/**
 * A major ("16") lets AWS keep the minor current (the provider accepts a version prefix when
 * autoMinorVersionUpgrade is on: @pulumi/aws 7.48.0 rds.Instance `engineVersion`); a minor ("16.9")
 * is pinned with automatic minor upgrades off, so that a refresh never finds a newer minor than the
 * program's and tries to go back.
 */
export function rdsEngineSettings(engineVersion: string): { engineVersion: string; autoMinorVersionUpgrade: boolean } {
  return { engineVersion, autoMinorVersionUpgrade: !engineVersion.includes(".") };
}

/**
 * The Kong Mesh global control plane in universal mode on its own host, with a durable Postgres
 * store on encrypted, private RDS: a restart loses no mesh, policy, zone or signing key. Its API
 * (5682, TLS) is open only to the admin networks, KDS (5685) only to the zones' networks.
 */
export class MeshGlobalControlPlane extends pulumi.ComponentResource {
  static readonly TYPE = "journey:mesh:GlobalControlPlane";
  /** `https://<public address>:5682`, verified against the PKI's CA. */
  public readonly apiUrl: pulumi.Output<string>;
  /** `grpcs://<private address>:5685`, what zone control planes dial. */
  public readonly kdsAddress: string;
  /** Secret admin token, read on the host from the CP's own loopback API. */
  public readonly adminToken: pulumi.Output<string>;
  /** The API as the Kuma providers reach it (secret): its URL, the admin token and the PKI's CA. */
  public readonly api: pulumi.Output<{ url: string; token: string; caCertPem: string }>;
  public readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: MeshGlobalControlPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
    super(MeshGlobalControlPlane.TYPE, name, { privateIp: args.privateIp, image: args.image }, opts);
    const tags = args.tags;
    const bootstrap = dockerHost("mesh-global-cp");

    const host = new Host(
      `${name}-host`,
      {
        role: "mesh-global-cp",
        vpcId: args.vpcId,
        vpcCidr: args.vpcCidr,
        subnetId: args.subnetId,
        privateIp: args.privateIp,
        instanceType: args.instanceType,
        ami: args.ami,
        keyName: args.keyName,
        rootVolumeGiB: 20,
        bootstrap,
        adminCidrs: args.adminCidrs,
        inbound: [
          {
            description: "mesh API (TLS) from the admin networks",
            fromPort: KUMA_PORTS.apiTls,
            cidrs: args.adminCidrs,
          },
          { description: "KDS from the zone control planes", fromPort: KUMA_PORTS.kds, cidrs: args.zoneCidrs },
        ],
        publicIp: true,
        elasticIp: true,
        tags,
      },
      { parent: this },
    );

    const password = new random.RandomPassword(`${name}-db-password`, { length: 40, special: false }, { parent: this });
    const dbGroup = new aws.ec2.SecurityGroup(
      `${name}-db-sg`,
      {
        vpcId: args.vpcId,
        description: "global CP store: Postgres from the global CP only",
        tags: { ...tags, Name: `${name}-db` },
      },
      { parent: this },
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-db-in-5432-sg`,
      {
        securityGroupId: dbGroup.id,
        description: "the global control plane",
        ipProtocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
        referencedSecurityGroupId: host.securityGroupId,
        tags,
      },
      { parent: dbGroup },
    );
    const subnets = new aws.rds.SubnetGroup(
      `${name}-db-subnets`,
      { subnetIds: args.databaseSubnetIds, tags },
      { parent: this },
    );
    const database = new aws.rds.Instance(
      `${name}-db`,
      {
        engine: "postgres",
        ...rdsEngineSettings(args.database.engineVersion),
        caCertIdentifier: RDS_CA_IDENTIFIER,
        instanceClass: args.database.instanceClass,
        allocatedStorage: 20,
        storageType: "gp3",
        storageEncrypted: true,
        publiclyAccessible: false,
        dbSubnetGroupName: subnets.name,
        vpcSecurityGroupIds: [dbGroup.id],
        dbName: "kuma_global",
        username: "kuma",
        password: password.result,
        port: 5432,
        backupRetentionPeriod: 7,
        skipFinalSnapshot: true,
        applyImmediately: true,
        tags,
      },
      { parent: this, additionalSecretOutputs: ["password"] },
    );

    const certificate = args.pki.issue(`${name}-tls`, {
      commonName: "kong-mesh-global-cp",
      ipAddresses: [host.publicIp, args.privateIp],
    });
    const env = pulumi.all([database.address, password.result]).apply(([address, pw]) =>
      renderEnvFile(
        kumaControlPlaneEnv({
          mode: "global",
          store: {
            host: address,
            port: 5432,
            user: "kuma",
            password: pw,
            database: "kuma_global",
            tlsMode: "verifyFull",
            caFile: `${KUMA_CONTAINER_DIR}/rds-ca.pem`,
          },
          tls: { certFile: `${KUMA_CONTAINER_DIR}/tls.crt`, keyFile: `${KUMA_CONTAINER_DIR}/tls.key` },
          licenseFile: args.license ? `${KUMA_CONTAINER_DIR}/license.json` : undefined,
        }),
      ),
    );
    const uid = String(KUMA_UID);
    const files: HostFile[] = [
      { path: `${HOST_DIR}/kuma-cp.env`, content: pulumi.secret(env), mode: "0600" },
      { path: `${HOST_DIR}/tls.crt`, content: certificate.certPem, mode: "0644" },
      { path: `${HOST_DIR}/tls.key`, content: certificate.privateKeyPem, mode: "0600", owner: uid, group: uid },
      ...(args.license
        ? [
            {
              path: `${HOST_DIR}/license.json`,
              content: pulumi.secret(args.license),
              mode: "0600" as const,
              owner: uid,
              group: uid,
            },
          ]
        : []),
      {
        path: "/etc/systemd/system/kuma-cp.service",
        content: kumaControlPlaneUnit({
          image: args.image,
          hostDir: HOST_DIR,
          description: "Kong Mesh global control plane",
        }),
        mode: "0644",
      },
    ];
    const connection: SshConnection = { host: host.publicIp, user: "ubuntu", privateKey: args.sshPrivateKey };
    const software = new HostSoftware(
      `${name}-software`,
      {
        connection,
        host: "mesh-global-cp",
        bootstrap,
        files,
        services: ["kuma-cp.service"],
        downloads: [{ url: rdsCaBundleUrl(args.region), path: `${HOST_DIR}/rds-ca.pem` }],
      },
      { parent: this },
    );

    this.adminToken = adminTokenCommand(`${name}-admin-token`, connection, { parent: this, dependsOn: [software] });
    this.apiUrl = pulumi.interpolate`https://${host.publicIp}:${KUMA_PORTS.apiTls}`;
    this.api = pulumi.secret(
      pulumi.output({ url: this.apiUrl, token: this.adminToken, caCertPem: args.pki.caCertPem }),
    );
    this.kdsAddress = `grpcs://${args.privateIp}:${KUMA_PORTS.kds}`;
    this.securityGroupId = host.securityGroupId;
    this.registerOutputs({
      apiUrl: this.apiUrl,
      kdsAddress: this.kdsAddress,
      adminToken: this.adminToken,
      securityGroupId: this.securityGroupId,
    });
  }
}
