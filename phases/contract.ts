import * as pulumi from "@pulumi/pulumi";
import type { Phase, WalkConfig } from "../config/schema";
import { ConfigError } from "../config/load";
import { PROJECT } from "../config/project";
import { cidrsOverlap, isCidr } from "../lib/cidr";

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
  /** The AWS region crawl runs in; walk must run in the same one (peering, private addresses). */
  region?: string;
  network: {
    mode: "simulated" | "existing";
    vpcId?: string;
    vpcCidr?: string;
    subnetIds: string[];
    subnetCidrs: string[];
    routeTableIds: string[];
  };
  hosts: { monolith: HostEndpoint; gateway: HostEndpoint };
  sshPrivateKey: string;
  /** The EC2 key pair of the simulated hosts, for hosts later phases add on-prem. */
  sshKeyName?: string;
  konnect: {
    region: string;
    baseUrl?: string;
    controlPlaneId: string;
    controlPlaneEndpoint: string;
    telemetryEndpoint: string;
  };
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
    /** Which Kong Mesh licence the global control plane runs on: yours, or the bundled trial. */
    licence?: string;
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
  /** `earlyAccess`: present while its rule routes those callers to the microservice. */
  migrations: Array<{
    name: string;
    weight: number;
    pathPrefix: string;
    rewritePrefix: string;
    route: string;
    earlyAccess?: { header: string; values: string[] };
  }>;
  smokeChecks: SmokeCheck[];
}

export type PhaseOutputs = { crawl: CrawlOutputs; walk: WalkOutputs; run: RunOutputs };

/** A value as the program may declare it: any part of it can still be an Output. */
export type DeepInput<T> =
  T extends Array<infer U>
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

/**
 * Reads an earlier phase's stack before any resource is declared, and says plainly when the
 * reference points at no stack of that phase (instead of a serialisation error later).
 */
export async function readEarlierPhase<P extends Phase, K extends keyof PhaseOutputs[P] & string>(
  ref: pulumi.StackReference,
  refName: string,
  phase: P,
  keys: readonly K[],
): Promise<Pick<PhaseOutputs[P], K>> {
  const found = await ref.getOutputValue("phase");
  if (found !== phase) {
    const what = found === undefined ? "a stack without the outputs of a journey phase" : `the ${String(found)} stack`;
    throw new pulumi.RunError(
      `${PROJECT}:stackRefs.${phase}: ${JSON.stringify(refName)} points to ${what}, not to ${phase}; ` +
        `allowed: the fully qualified name of the deployed ${phase} stack, e.g. ${defaultStackRef(PROJECT, phase)} (deploy ${phase} first)`,
    );
  }
  const values = await Promise.all(keys.map((key) => ref.getOutputValue(key)));
  return Object.fromEntries(keys.map((key, i) => [key, values[i]])) as Pick<PhaseOutputs[P], K>;
}

/** What walk builds on, read from crawl's outputs and checked against walk's config before any resource. */
export interface CrawlFoundation {
  region?: string;
  hosts: CrawlOutputs["hosts"];
  /**
   * The on-prem side: crawl's simulated network (walk peers with it and puts the zone's host in it, of
   * walk's `onPrem.instanceType`), or your data center with the zone's host of walk's `onPrem.hosts.zone`.
   */
  onPrem:
    | {
        mode: "simulated";
        vpcId: string;
        vpcCidr: string;
        subnetIds: string[];
        subnetCidrs: string[];
        routeTableIds: string[];
        /** The EC2 key pair of the simulated hosts, for the zone's host. */
        sshKeyName: string;
        /** The monolith host's security group: walk opens its sidecar's inbound port there. */
        monolithSecurityGroupId: string;
        zoneInstanceType: string;
      }
    | { mode: "existing"; zoneHost: { address: string; privateAddress?: string; sshUser: string } };
}

/** Reads crawl's foundation for walk; a contradiction of walk's config ends the program before any resource. */
export async function readCrawlFoundation(
  ref: pulumi.StackReference,
  refName: string,
  config: WalkConfig,
): Promise<CrawlFoundation> {
  const crawl = await readEarlierPhase(ref, refName, "crawl", ["network", "region", "hosts", "sshKeyName"]);
  const problems = walkContractProblems(config, crawl);
  if (problems.length > 0) throw new pulumi.RunError(new ConfigError(problems).message);
  const { network, hosts, sshKeyName } = crawl;
  // The checks above made walk's mode crawl's, and a simulated crawl's exports complete.
  const onPrem: CrawlFoundation["onPrem"] =
    config.onPrem.mode === "existing"
      ? { mode: "existing", zoneHost: config.onPrem.hosts.zone }
      : {
          mode: "simulated",
          vpcId: network.vpcId ?? "",
          vpcCidr: network.vpcCidr ?? "",
          subnetIds: network.subnetIds,
          subnetCidrs: network.subnetCidrs,
          routeTableIds: network.routeTableIds,
          sshKeyName: sshKeyName ?? "",
          monolithSecurityGroupId: hosts.monolith.securityGroupId ?? "",
          zoneInstanceType: config.onPrem.instanceType,
        };
  return { region: crawl.region, hosts, onPrem };
}

/** Walk against what crawl really deployed: walk restates nothing of crawl's network, and contradicts none of it. */
export function walkContractProblems(
  config: WalkConfig,
  crawl: Pick<CrawlOutputs, "network" | "region" | "hosts" | "sshKeyName">,
): string[] {
  const problems: string[] = [];
  const key = (k: string) => `${PROJECT}:${k}`;
  if (crawl.region && crawl.region !== config.awsRegion) {
    problems.push(
      `aws:region: ${JSON.stringify(config.awsRegion)} is not crawl's region ${crawl.region}; allowed: ${crawl.region} (walk peers with crawl's network and reaches its hosts at private addresses)`,
    );
  }
  if (config.onPrem.mode !== crawl.network.mode) {
    problems.push(
      `${key("onPrem.mode")}: ${JSON.stringify(config.onPrem.mode)} contradicts crawl's on-prem mode ${JSON.stringify(crawl.network.mode)}; allowed: ${crawl.network.mode}`,
    );
  } else if (config.onPrem.mode === "simulated") {
    const missing = [
      ...(crawl.network.vpcId && crawl.network.vpcCidr ? [] : ["its VPC"]),
      ...(crawl.sshKeyName ? [] : ["an SSH key pair"]),
      ...(crawl.hosts?.monolith?.securityGroupId ? [] : ["the monolith's security group"]),
    ];
    if (missing.length > 0)
      problems.push(
        `${key("onPrem.mode")}: walk is "simulated" but crawl exports no ${missing.join(", ")}; walk and crawl must use the same onPrem.mode (redeploy crawl with this version first)`,
      );
  }
  if (
    config.onPrem.mode === "simulated" &&
    config.onPrem.vpcCidr !== undefined &&
    config.onPrem.vpcCidr !== crawl.network.vpcCidr
  ) {
    problems.push(
      `${key("onPrem.vpcCidr")}: ${JSON.stringify(config.onPrem.vpcCidr)} contradicts crawl's on-prem network ${crawl.network.vpcCidr}; ` +
        "allowed: leave it out (walk reads crawl's network from its outputs) or the same value",
    );
  }
  const onPremCidr = crawl.network.vpcCidr;
  if (onPremCidr && isCidr(onPremCidr) && cidrsOverlap(onPremCidr, config.cloud.vpcCidr)) {
    problems.push(
      `${key("cloud.vpcCidr")}: ${JSON.stringify(config.cloud.vpcCidr)} overlaps crawl's on-prem network ${onPremCidr}; the two networks are peered and need distinct ranges`,
    );
  }
  return problems;
}
