import * as pulumi from "@pulumi/pulumi";
import type { Phase } from "../config/schema";

/**
 * What each phase exports and the next one reads through StackReference: one typed contract, so
 * that a renamed output breaks the type-check instead of a deployment.
 */

export interface HostEndpoint {
  role: string;
  /** Instance id in simulated mode; the configured address for existing hosts. */
  id: string;
  privateAddress: string;
  /** The address the program and clients reach the host at (public IP, or the configured address). */
  publicAddress: string;
  sshUser: string;
  /** Only in simulated mode: walk adds its mesh rules to these groups. */
  securityGroupId?: string;
}

/** An HTTP call that proves a phase works, run by the journey orchestrator after `up`. */
export interface SmokeCheck {
  name: string;
  method: "GET" | "POST";
  url: string;
  expectStatus: number;
  /** Substring the body must contain, or the JSON shape it must have. */
  expectBodyContains?: string;
  expectJson?: "array" | "object";
  /** `client`: from where the orchestrator runs; `cluster`: from inside the cloud zone (kubectl run). */
  from: "client" | "cluster";
}

export interface CrawlOutputs {
  phase: "crawl";
  network: { mode: "simulated" | "existing"; vpcId?: string; vpcCidr?: string; subnetIds: string[]; subnetCidrs: string[]; routeTableIds: string[] };
  hosts: { monolith: HostEndpoint; gateway: HostEndpoint };
  sshPrivateKey: string;
  /** The EC2 key pair of the simulated hosts, for hosts later phases add on-prem. */
  sshKeyName?: string;
  konnect: { region: string; baseUrl?: string; controlPlaneId: string; controlPlaneEndpoint: string; telemetryEndpoint: string };
  monolithUrl: string;
  gatewayProxyUrl: string;
  smokeChecks: SmokeCheck[];
}

export interface WalkOutputs {
  phase: "walk";
  mesh: {
    name: string;
    globalControlPlaneUrl: string;
    onPremZone: string;
    cloudZone: string;
    /** Outbound ports of the gateway's sidecar on 127.0.0.1, by service. */
    gatewayOutbounds: Record<string, number>;
  };
  /** Connection to the global CP API for run's policies (token secret). */
  kumaApi: { url: string; caCertPem: string; token: string };
  services: { monolith: string; microservice: string };
  microservice: { name: string; namespace: string; port: number; meshService: string };
  kubeconfig: string;
  /** The key of the cloud's hosts (the global CP); a secret. */
  sshPrivateKey: string;
  /** Load balancers Kubernetes created in the cloud zone; destroy waits for them before the network goes. */
  loadBalancers: string[];
  smokeChecks: SmokeCheck[];
}

export interface RunOutputs {
  phase: "run";
  migrations: Array<{ name: string; weight: number; pathPrefix: string; rewritePrefix: string; route: string }>;
  smokeChecks: SmokeCheck[];
}

export type PhaseOutputs = { crawl: CrawlOutputs; walk: WalkOutputs; run: RunOutputs };

/** A value as the program may declare it: any part of it can still be an Output. */
export type DeepInput<T> = T extends Array<infer U>
  ? pulumi.Input<Array<DeepInput<U>>>
  : T extends object
    ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>
    : pulumi.Input<T>;

/** Declared outputs of a phase, as the program returns them. */
export type DeclaredOutputs<P extends Phase> = { [K in keyof PhaseOutputs[P]]: DeepInput<PhaseOutputs[P][K]> };

/** Typed read of an earlier phase's stack output. */
export function readPhaseOutput<P extends Phase, K extends keyof PhaseOutputs[P] & string>(
  ref: pulumi.StackReference,
  _phase: P,
  key: K,
): pulumi.Output<PhaseOutputs[P][K]> {
  return ref.requireOutput(key) as pulumi.Output<PhaseOutputs[P][K]>;
}

/** `organization/<project>/<stack>`: the file backend's fully qualified name; Pulumi Cloud users set `<org>/<project>/<stack>`. */
export function defaultStackRef(project: string, stack: Phase): string {
  return `organization/${project}/${stack}`;
}
