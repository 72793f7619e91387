import { z } from "zod";
import { cidrContains, cidrsOverlap, coversPublicInternet, isCidr, MIN_PUBLIC_PREFIX } from "../lib/cidr";
import { Phase, PHASES, PROJECT } from "./project";
import { SECRET_KEYS, SecretKey } from "./secrets";
import type { SchemaContext } from "./shared";

export type Problem = [PropertyKey[], unknown, string];

/**
 * Rules across keys, used by the phase schemas' refinements (config/crawl.ts, walk.ts, run.ts). They read values
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
  (Array.isArray(migrations) ? migrations : []).forEach((m: unknown, i: number) => {
    const name = field(m, "name");
    const pathPrefix = field(m, "pathPrefix");
    if (names.has(name))
      problems.push([["migrations", i, "name"], name, "is used by an earlier migration; names must be unique"]);
    if (prefixes.has(pathPrefix)) {
      problems.push([
        ["migrations", i, "pathPrefix"],
        pathPrefix,
        `is also migrations[${prefixes.get(pathPrefix)}].pathPrefix; allowed: one migration per path (two routes on one path would fight over its traffic)`,
      ]);
    }
    names.set(name, i);
    prefixes.set(pathPrefix, i);
  });
  return problems;
}

/** Crawl's own subnets: inside its VPC, not overlapping, in two availability zones of aws:region. */
export function subnetProblems(subnets: readonly unknown[], vpcCidr: string, awsRegion?: string): Problem[] {
  const problems: Problem[] = [];
  const cidrs: unknown[] = subnets.map((s) => field(s, "cidr"));
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
  const zones: unknown[] = subnets.map((s) => field(s, "az"));
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

/** Marks a problem about something absent: its message shows no value. */
export const MISSING = Symbol("missing");
type MissingProblem = [PropertyKey[], typeof MISSING, string];

/** Adds [path, value, message] problems to a refinement, the value shown unless it is MISSING. */
export function reporter(ctx: z.RefinementCtx) {
  return ([path, input, message]: Problem | MissingProblem) =>
    ctx.addIssue({
      code: "custom",
      path: path as (string | number)[],
      message,
      input: input === MISSING ? undefined : input,
      params: input === MISSING ? { missing: true } : undefined,
    });
}

/** Rules of every phase: admin networks, and the secrets the phase needs. */
export function commonProblems(
  config: { adminCidrs?: unknown; allowPublicAdmin?: unknown },
  phase: Phase,
  context: SchemaContext,
) {
  const problems: Array<Problem | MissingProblem> = [...adminCidrProblems(config)];
  for (const name of Object.keys(SECRET_KEYS) as SecretKey[]) {
    const rule = SECRET_KEYS[name];
    if (context.secrets && rule.requiredIn.includes(phase) && !context.secrets.has(name)) {
      problems.push([
        [name],
        MISSING,
        `is required in the ${phase} phase and missing; run \`pulumi config set --secret ${name} <value>\` (${rule.hint})`,
      ]);
    }
  }
  const onPrem = (config as { onPrem?: { mode?: unknown } }).onPrem;
  if (context.secrets && onPrem?.mode === "existing" && !context.secrets.has("onPremSshPrivateKey")) {
    problems.push([
      ["onPremSshPrivateKey"],
      MISSING,
      "is required with onPrem.mode existing and missing; run `pulumi config set --secret onPremSshPrivateKey < ~/.ssh/id_ed25519`",
    ]);
  }
  return problems;
}

/** A property of a value that may be anything (it is read before validation succeeds): `value?.key`. */
function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
