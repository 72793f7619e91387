import { cidrContains, cidrsOverlap, coversPublicInternet, isCidr, MIN_PUBLIC_PREFIX } from "../lib/cidr";
import { PHASES, PROJECT } from "./project";

export type Problem = [PropertyKey[], unknown, string];

/** The on-prem network crawl simulates when `onPrem.vpcCidr` is not set. */
export const DEFAULT_ONPREM_CIDR = "10.0.0.0/23";

/** How to get an image that is published only as `latest` under a version tag of your own. */
export function mirrorHint(key: string, upstream: string): string {
  const name = upstream.slice(upstream.lastIndexOf("/") + 1);
  return (
    `is required: ${upstream} is published only as :latest, which moves under you. Mirror it under a version tag ` +
    `(crane copy ${upstream}:latest <registry>/${name}:1.0.0) and set ${key}: {repository: <registry>/${name}, tag: "1.0.0"}, or pin its digest (${key}.digest: sha256:...)`
  );
}

/**
 * Rules across keys, used by the phase schemas' refinements (config/schema.ts). They read values
 * that may still be invalid elsewhere, so that they are reported together with every other problem.
 * Each returns [path, value, message].
 */

/** Admin networks that cover the internet, unless `allowPublicAdmin` accepts the risk. */
export function adminCidrProblems(config: { adminCidrs?: unknown; allowPublicAdmin?: unknown }): Problem[] {
  const problems: Problem[] = [];
  if (config.allowPublicAdmin === true || !Array.isArray(config.adminCidrs)) return problems;
  config.adminCidrs.forEach((block, i) => {
    if (typeof block === "string" && coversPublicInternet(block)) {
      problems.push([
        ["adminCidrs", i],
        block,
        `opens SSH and the control-plane APIs to the whole internet or a large part of it (public blocks must be /${MIN_PUBLIC_PREFIX} or longer); name your admin networks, or set allowPublicAdmin: true to accept the risk`,
      ]);
    }
  });
  return problems;
}

/** Migrations: one name and one path each. */
export function migrationProblems(migrations: unknown): Problem[] {
  const problems: Problem[] = [];
  const names = new Map<unknown, number>();
  const prefixes = new Map<unknown, number>();
  (Array.isArray(migrations) ? migrations : []).forEach((m: any, i: number) => {
    if (names.has(m?.name))
      problems.push([["migrations", i, "name"], m?.name, "is used by an earlier migration; names must be unique"]);
    if (prefixes.has(m?.pathPrefix)) {
      problems.push([
        ["migrations", i, "pathPrefix"],
        m?.pathPrefix,
        `is also migrations[${prefixes.get(m?.pathPrefix)}].pathPrefix; allowed: one migration per path (two routes on one path would fight over its traffic)`,
      ]);
    }
    names.set(m?.name, i);
    prefixes.set(m?.pathPrefix, i);
  });
  return problems;
}

/** Crawl's own subnets: inside its VPC, not overlapping, in two availability zones of aws:region. */
export function subnetProblems(subnets: any[], vpcCidr: string, awsRegion?: string): Problem[] {
  const problems: Problem[] = [];
  const cidrs: unknown[] = subnets.map((s) => s?.cidr);
  cidrs.forEach((block, i) => {
    if (typeof block !== "string" || !isCidr(block) || !isCidr(vpcCidr)) return;
    if (!cidrContains(vpcCidr, block))
      problems.push([["onPrem", "subnets", i, "cidr"], block, `lies outside the on-prem VPC ${vpcCidr}`]);
    cidrs.slice(0, i).forEach((other, j) => {
      if (typeof other === "string" && isCidr(other) && cidrsOverlap(block, other)) {
        problems.push([["onPrem", "subnets", i, "cidr"], block, `overlaps onPrem.subnets[${j}] (${other})`]);
      }
    });
  });
  const zones: unknown[] = subnets.map((s) => s?.az);
  zones.forEach((az, i) => {
    if (typeof az !== "string") return;
    if (awsRegion && !new RegExp(`^${awsRegion}[a-z]$`).test(az)) {
      problems.push([
        ["onPrem", "subnets", i, "az"],
        az,
        `is not an availability zone of aws:region ${awsRegion}; allowed: ${awsRegion}a, ${awsRegion}b, ...`,
      ]);
    }
    const j = zones.indexOf(az);
    if (j < i)
      problems.push([
        ["onPrem", "subnets", i, "az"],
        az,
        `is also onPrem.subnets[${j}].az; allowed: two different availability zones, so that one zone's outage leaves a host up`,
      ]);
  });
  return problems;
}

/** A stack named after a phase must be configured for that phase: `Pulumi.walk.yaml` with `phase: crawl` is a mistake. */
export function phaseStackProblem(
  stack: string | undefined,
  phase: unknown,
  file = stack ? `Pulumi.${stack}.yaml` : undefined,
): string | undefined {
  if (!stack || !(PHASES as readonly string[]).includes(stack) || phase === stack || typeof phase !== "string")
    return undefined;
  return `${PROJECT}:phase: ${JSON.stringify(phase)} contradicts the stack's name: ${file} is the ${stack} stack; allowed: phase: ${stack} (or put the ${phase} config in Pulumi.${phase}.yaml)`;
}
