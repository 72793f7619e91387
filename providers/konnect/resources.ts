/**
 * Konnect as code: a hybrid control plane, its pinned data plane certificate, and gateway services
 * and routes, as Pulumi resources over the Konnect REST API v2.
 *
 * The token is not an argument: the provider reads it, where it runs, from the secret stack config
 * key `cloud-migration-journey:konnectToken` (or $KONNECT_TOKEN for a local run).
 *
 * Pass parent ids as the parents' Outputs (`controlPlane.controlPlaneId`, `service.serviceId`):
 * those dependencies are what make Pulumi create parents first and delete routes, then services,
 * then certificates, then the control plane.
 *
 * Each `…Id` is the resource's own Pulumi id, not an output property of the provider: the engine
 * knows the id in a preview of an in-place update, where output properties are unknown, and an
 * unknown parent id would show every child as replaced (found on the real engine).
 */
import * as pulumi from "@pulumi/pulumi";
import { GatewayProtocol } from "./bodies";
import type { KonnectRegion } from "../../config/konnect";
import { controlPlaneProvider, dataPlaneCertificateProvider, gatewayServiceProvider, routeProvider } from "./providers";

const MODULE = "konnect";

interface KonnectLocationArgs {
  region: pulumi.Input<KonnectRegion>;
  /** Replaces `https://{region}.api.konghq.com`; changing it replaces the resource. */
  baseUrl?: pulumi.Input<string>;
}

export interface KonnectControlPlaneArgs extends KonnectLocationArgs {
  /** Renaming replaces the control plane. */
  name: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Adopt a control plane that already has this name instead of failing; Pulumi never deletes an adopted one. */
  adoptExisting?: pulumi.Input<boolean>;
}

/** `pulumi-nodejs:dynamic/konnect:ControlPlane`: a hybrid control plane whose data planes use pinned client certificates. */
export class KonnectControlPlane extends pulumi.dynamic.Resource {
  public readonly controlPlaneId: pulumi.Output<string>;
  /** `https://….cp.konghq.com`: where data planes connect (KONG_CLUSTER_CONTROL_PLANE takes its host:443). */
  declare readonly controlPlaneEndpoint: pulumi.Output<string>;
  /** `https://….tp0.konghq.com`: where data planes send telemetry (KONG_CLUSTER_TELEMETRY_ENDPOINT). */
  declare readonly telemetryEndpoint: pulumi.Output<string>;
  /** True when an existing control plane was adopted by name. */
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: KonnectControlPlaneArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = {
      controlPlaneId: undefined,
      controlPlaneEndpoint: undefined,
      telemetryEndpoint: undefined,
      adopted: undefined,
    };
    super(controlPlaneProvider, name, { ...args, ...outputs }, opts, MODULE, "ControlPlane");
    this.controlPlaneId = this.id;
  }
}

export interface KonnectDataPlaneCertificateArgs extends KonnectLocationArgs {
  /** `controlPlane.controlPlaneId`. */
  controlPlaneId: pulumi.Input<string>;
  /** PEM of the data plane's client certificate; a new one replaces the pinned one. */
  cert: pulumi.Input<string>;
}

/** `pulumi-nodejs:dynamic/konnect:DataPlaneCertificate`: a client certificate pinned to a control plane. */
export class KonnectDataPlaneCertificate extends pulumi.dynamic.Resource {
  public readonly certificateId: pulumi.Output<string>;

  constructor(name: string, args: KonnectDataPlaneCertificateArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dataPlaneCertificateProvider,
      name,
      { ...args, certificateId: undefined },
      opts,
      MODULE,
      "DataPlaneCertificate",
    );
    this.certificateId = this.id;
  }
}

export interface KonnectGatewayServiceArgs extends KonnectLocationArgs {
  /** `controlPlane.controlPlaneId`. */
  controlPlaneId: pulumi.Input<string>;
  /** Renaming replaces the service. */
  name: pulumi.Input<string>;
  protocol: pulumi.Input<GatewayProtocol>;
  host: pulumi.Input<string>;
  port: pulumi.Input<number>;
  path?: pulumi.Input<string>;
  retries?: pulumi.Input<number>;
  /** Milliseconds. */
  connectTimeout?: pulumi.Input<number>;
  /** Milliseconds. */
  readTimeout?: pulumi.Input<number>;
  /** Milliseconds. */
  writeTimeout?: pulumi.Input<number>;
  tags?: pulumi.Input<pulumi.Input<string>[]>;
}

/** `pulumi-nodejs:dynamic/konnect:GatewayService`: where the gateway proxies to. */
export class KonnectGatewayService extends pulumi.dynamic.Resource {
  public readonly serviceId: pulumi.Output<string>;

  constructor(name: string, args: KonnectGatewayServiceArgs, opts?: pulumi.CustomResourceOptions) {
    super(gatewayServiceProvider, name, { ...args, serviceId: undefined }, opts, MODULE, "GatewayService");
    this.serviceId = this.id;
  }
}

export interface KonnectRouteArgs extends KonnectLocationArgs {
  /** `controlPlane.controlPlaneId`. */
  controlPlaneId: pulumi.Input<string>;
  /** `service.serviceId`; changing it moves the route in place. */
  serviceId: pulumi.Input<string>;
  /** Renaming replaces the route. */
  name: pulumi.Input<string>;
  paths: pulumi.Input<pulumi.Input<string>[]>;
  methods?: pulumi.Input<pulumi.Input<string>[]>;
  /** Default `["http", "https"]`. */
  protocols?: pulumi.Input<pulumi.Input<GatewayProtocol>[]>;
  /** Default `true`. */
  stripPath?: pulumi.Input<boolean>;
  /** Default `false`. */
  preserveHost?: pulumi.Input<boolean>;
  tags?: pulumi.Input<pulumi.Input<string>[]>;
}

/** `pulumi-nodejs:dynamic/konnect:Route`: which requests go to a gateway service. */
export class KonnectRoute extends pulumi.dynamic.Resource {
  public readonly routeId: pulumi.Output<string>;

  constructor(name: string, args: KonnectRouteArgs, opts?: pulumi.CustomResourceOptions) {
    super(routeProvider, name, { ...args, routeId: undefined }, opts, MODULE, "Route");
    this.routeId = this.id;
  }
}
