/**
 * The CrossGuard adapter: the pack's rules as `@pulumi/policy` policies, for
 * `pulumi preview|up --policy-pack policy`. Building the policies starts nothing; `index.ts` serves them.
 *
 * What the rules see here, unlike offline:
 * - every resource the engine registers, including the children of remote components (the
 *   `aws:eks/cluster:Cluster`, security groups and launch templates pulumi-eks creates), and
 *   component resources as their own registration declares them;
 * - resource policies get the resource's inputs, stack policies the outputs of every resource;
 * - values unknown during preview read as `[unknown]`; rules skip what they cannot decide yet, and decide at `up`;
 * - secrecy is NOT visible: `@pulumi/policy` hands validations plain values, so `isSecret()` is `undefined`
 *   and no-plaintext-secrets checks only the places no secret may reach even marked secret (user-data,
 *   command lines, non-0600 host files, container env values, ConfigMaps); the offline plan checks the rest;
 * - the known secret values are the stack's secret config, which the engine passes to the pack in
 *   PULUMI_CONFIG (decrypted).
 */
import {
  Policies,
  PolicyPackArgs,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
  UnknownValueError,
} from "@pulumi/policy";
import { PACK_NAME } from "./report";
import { KnownSecret, Rule, RULES, ruleConfig } from "./rules";
import { SECRET_CONFIG_KEYS } from "./rules/secrets";
import { ResourceView, UNKNOWN, viewOf } from "./view";

/** A plain copy of props read through `@pulumi/policy`'s unknown-checking proxy, unknowns as `[unknown]`. */
export function plainProps(value: unknown): unknown {
  const read = (container: unknown, key: string | number): unknown => {
    try {
      return plainProps((container as Record<string | number, unknown>)[key]);
    } catch (err) {
      if (err instanceof UnknownValueError) return UNKNOWN;
      throw err;
    }
  };
  if (Array.isArray(value)) return Array.from({ length: value.length }, (_, i) => read(value, i));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.keys(value).map((key) => [key, read(value, key)]));
  return value;
}

function crossGuardView(args: {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
}): ResourceView {
  return viewOf({
    type: args.type,
    name: args.name,
    urn: args.urn,
    props: plainProps(args.props) as Record<string, unknown>,
  });
}

/**
 * Secret config values the engine handed the pack (PULUMI_CONFIG, keys `<project>:<key>`): the keys
 * the no-plaintext-secrets config names, plus any PULUMI_CONFIG_SECRET_KEYS lists.
 */
export function secretsFromEnv(
  env: NodeJS.ProcessEnv,
  keys: readonly string[] = SECRET_CONFIG_KEYS,
  project = PACK_NAME,
): KnownSecret[] {
  const config = parseJsonOr<Record<string, unknown>>(env.PULUMI_CONFIG, {});
  const secretKeys = parseJsonOr<string[]>(env.PULUMI_CONFIG_SECRET_KEYS, []);
  const wanted = new Set([...keys.map((k) => (k.includes(":") ? k : `${project}:${k}`)), ...secretKeys]);
  return [...wanted]
    .map((key) => ({ key, value: config[key] }))
    .filter((e): e is { key: string; value: string } => typeof e.value === "string" && e.value.length > 0)
    .map((e) => ({ label: `the secret config ${e.key}`, value: e.value }));
}

/** `text` parsed as JSON, or `fallback` when it is absent, null or not JSON. */
function parseJsonOr<T>(text: string | undefined, fallback: T): T {
  try {
    return (JSON.parse(text ?? "null") as T | null) ?? fallback;
  } catch {
    return fallback;
  }
}

function contextOf(rule: Rule, configured: Record<string, unknown>, env: NodeJS.ProcessEnv) {
  const config = ruleConfig(rule, configured);
  const keys = Array.isArray(config.secretConfigKeys) ? (config.secretConfigKeys as string[]) : SECRET_CONFIG_KEYS;
  return { config, secrets: secretsFromEnv(env, keys) };
}

function basePolicy(rule: Rule) {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcement,
    remediationSteps: rule.remediation,
    configSchema: rule.configSchema,
  };
}

export function resourcePolicy(
  rule: Extract<Rule, { scope: "resource" }>,
  env: NodeJS.ProcessEnv = process.env,
): ResourceValidationPolicy {
  return {
    ...basePolicy(rule),
    validateResource: (args: ResourceValidationArgs, report) => {
      if (rule.types && !rule.types.includes(args.type)) return;
      const view = crossGuardView(args);
      for (const message of rule.check(view, contextOf(rule, args.getConfig(), env))) report(message);
    },
  };
}

export function stackPolicy(
  rule: Extract<Rule, { scope: "stack" }>,
  env: NodeJS.ProcessEnv = process.env,
): StackValidationPolicy {
  return {
    ...basePolicy(rule),
    validateStack: (args, report) => {
      const resources = args.resources.map((r) => crossGuardView(r));
      for (const finding of rule.check({ resources }, contextOf(rule, args.getConfig(), env)))
        report(finding.message, finding.resource?.urn);
    },
  };
}

export function packPolicies(env: NodeJS.ProcessEnv = process.env, rules: readonly Rule[] = RULES): Policies {
  return rules.map((rule) => (rule.scope === "stack" ? stackPolicy(rule, env) : resourcePolicy(rule, env)));
}

export function packArgs(env: NodeJS.ProcessEnv = process.env): PolicyPackArgs {
  return {
    displayName: "Cloud migration journey guardrails",
    description:
      "Safe-by-default guardrails of the crawl/walk/run migration: network exposure, encryption, IMDSv2, secrets, pinned images, mesh mTLS and permissions, Kubernetes hardening, tags.",
    enforcementLevel: "advisory",
    policies: packPolicies(env),
  };
}
