import * as pulumi from "@pulumi/pulumi";
import type { KonnectRegion } from "../config/konnect";
import * as tls from "@pulumi/tls";
import { renderContainerUnit } from "../render/container";
import { renderEnvFile } from "../render/envFile";
import { dockerHost } from "../render/hosts";
import {
  KONG_CLUSTER_DIR,
  KONG_CONTAINER_CLUSTER_DIR,
  KONG_KEY_OWNER_SCRIPT,
  KONG_KEY_OWNER_SCRIPT_TEXT,
  KONG_PROXY_PORT,
  kongDataPlaneEnv,
} from "../render/kong";
import { KonnectControlPlane, KonnectDataPlaneCertificate } from "../providers/konnect/resources";
import { HostSoftware, SshConnection } from "./hostSoftware";

export interface KonnectGatewayArgs {
  connection: SshConnection;
  publicAddress: pulumi.Input<string>;
  controlPlane: { name: string; description: string; labels: Record<string, string>; adoptExisting: boolean };
  region: KonnectRegion;
  baseUrl?: string;
  image: string;
  /** Days the pinned data-plane certificate is valid, more than 30: it is renewed 30 days before it expires. */
  certificateValidityDays?: number;
}

/** The pinned certificate is renewed this many days before it expires. */
const CERTIFICATE_RENEWAL_DAYS = 30;

/**
 * A Konnect control plane and its runtime instance: Kong Gateway in the data-plane role on an
 * on-prem host, authenticated by a pinned client certificate that the program generates.
 */
export class KonnectGateway extends pulumi.ComponentResource {
  static readonly TYPE = "journey:konnect:Gateway";
  public readonly controlPlaneId: pulumi.Output<string>;
  public readonly controlPlaneEndpoint: pulumi.Output<string>;
  public readonly telemetryEndpoint: pulumi.Output<string>;
  public readonly proxyUrl: pulumi.Output<string>;
  /** The pinned certificate; gateway services created after it are deleted before it. */
  public readonly dataPlaneCertificate: KonnectDataPlaneCertificate;

  constructor(name: string, args: KonnectGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      KonnectGateway.TYPE,
      name,
      { controlPlane: args.controlPlane.name, region: args.region, image: args.image },
      opts,
    );
    const api = { region: args.region, baseUrl: args.baseUrl };

    const controlPlane = new KonnectControlPlane(
      `${name}-control-plane`,
      { ...api, ...args.controlPlane },
      { parent: this },
    );
    const key = new tls.PrivateKey(
      `${name}-cluster-key`,
      { algorithm: "ECDSA", ecdsaCurve: "P384" },
      { parent: this, additionalSecretOutputs: ["privateKeyPem", "privateKeyOpenssh", "privateKeyPemPkcs8"] },
    );
    const validityDays = args.certificateValidityDays ?? 1095;
    // Refused rather than given a shorter window: a certificate valid for no longer than the renewal window
    // is due for renewal as soon as it is issued, so each `up` would issue and pin a new one and restart the
    // data plane. A window derived from the validity would quietly shorten the 30 days' notice operators
    // are promised, and short-lived certificates are no use here (the default is three years).
    if (!Number.isInteger(validityDays) || validityDays <= CERTIFICATE_RENEWAL_DAYS)
      throw new Error(
        `KonnectGateway ${name}: certificateValidityDays is ${validityDays}: must be a whole number of days greater than ${CERTIFICATE_RENEWAL_DAYS}, the early-renewal window (a certificate valid for no longer would be renewed and re-pinned at every update)`,
      );
    const validityHours = validityDays * 24;
    const certificate = new tls.SelfSignedCert(
      `${name}-cluster-cert`,
      {
        privateKeyPem: key.privateKeyPem,
        subject: { commonName: "kong_clustering" },
        validityPeriodHours: validityHours,
        earlyRenewalHours: CERTIFICATE_RENEWAL_DAYS * 24,
        allowedUses: ["digital_signature", "key_encipherment", "client_auth", "server_auth"],
      },
      { parent: this },
    );
    const pinned = new KonnectDataPlaneCertificate(
      `${name}-dp-certificate`,
      { ...api, controlPlaneId: controlPlane.controlPlaneId, cert: certificate.certPem },
      { parent: this },
    );

    const env = pulumi
      .all([controlPlane.controlPlaneEndpoint, controlPlane.telemetryEndpoint])
      .apply(([cp, tp]) => renderEnvFile(kongDataPlaneEnv({ controlPlaneEndpoint: cp, telemetryEndpoint: tp })));
    const unit = renderContainerUnit({
      name: "kong-gateway",
      description: "Kong Gateway data plane attached to Konnect",
      image: args.image,
      network: "host",
      envFile: "/etc/kong/kong.env",
      volumes: [{ hostPath: KONG_CLUSTER_DIR, containerPath: KONG_CONTAINER_CLUSTER_DIR, readOnly: true }],
      hostPreStart: [[KONG_KEY_OWNER_SCRIPT, args.image, `${KONG_CLUSTER_DIR}/tls.key`]],
    });
    new HostSoftware(
      `${name}-software`,
      {
        connection: args.connection,
        host: "gateway",
        bootstrap: dockerHost("gateway"),
        files: [
          { path: `${KONG_CLUSTER_DIR}/tls.crt`, content: certificate.certPem, mode: "0644" },
          { path: `${KONG_CLUSTER_DIR}/tls.key`, content: key.privateKeyPem, mode: "0600" },
          { path: KONG_KEY_OWNER_SCRIPT, content: KONG_KEY_OWNER_SCRIPT_TEXT, mode: "0755" },
          { path: "/etc/kong/kong.env", content: env, mode: "0644" },
          { path: "/etc/systemd/system/kong-gateway.service", content: unit, mode: "0644" },
        ],
        services: ["kong-gateway.service"],
      },
      { parent: this, dependsOn: [pinned] },
    );

    this.dataPlaneCertificate = pinned;
    this.controlPlaneId = controlPlane.controlPlaneId;
    this.controlPlaneEndpoint = controlPlane.controlPlaneEndpoint;
    this.telemetryEndpoint = controlPlane.telemetryEndpoint;
    this.proxyUrl = pulumi.interpolate`http://${args.publicAddress}:${KONG_PROXY_PORT}`;
    this.registerOutputs({
      controlPlaneId: this.controlPlaneId,
      controlPlaneEndpoint: this.controlPlaneEndpoint,
      telemetryEndpoint: this.telemetryEndpoint,
      proxyUrl: this.proxyUrl,
    });
  }
}
