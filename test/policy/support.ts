import type {
  ResourceValidationArgs,
  StackValidationArgs,
  PolicyResource,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { unknownCheckingProxy } from "@pulumi/policy";
import type { OfflinePlan } from "../../offline/plan";
import { PHASES, Phase } from "../../config/schema";
import { evaluateJourney, PhaseOverrides } from "../support/journey";
import { KnownSecret, ResourceRule, Rule, ruleConfig, StackRule } from "../../policy/rules";
import { formatPath, Path, ResourceView, viewOf } from "../../policy/view";

/** A fake resource: plain props; `secret` lists the paths the engine marks secret (`undefined`: secrecy not visible). */
export function fake(type: string, props: Record<string, unknown>, secret?: Path[], name = "r"): ResourceView {
  const isSecret =
    secret === undefined
      ? () => undefined
      : (path: Path) => secret.some((s) => formatPath(path).startsWith(formatPath(s)));
  return viewOf({ type, name, urn: testUrn(type, name), props }, isSecret);
}

export function ctx(rule: Rule, config: Record<string, unknown> = {}, secrets: KnownSecret[] = [], phase?: string) {
  return { config: ruleConfig(rule, config), secrets, phase };
}

/** Messages of a resource rule, honouring its type filter the way both adapters do. */
export function check(
  rule: ResourceRule,
  view: ResourceView,
  config: Record<string, unknown> = {},
  secrets: KnownSecret[] = [],
  phase?: string,
): string[] {
  if (rule.types && !rule.types.includes(view.type)) return [];
  return rule.check(view, ctx(rule, config, secrets, phase));
}

export function checkStack(
  rule: StackRule,
  resources: ResourceView[],
  config: Record<string, unknown> = {},
): Array<{ message: string; resource?: string }> {
  return rule.check({ resources }, ctx(rule, config)).map((f) => ({ message: f.message, resource: f.resource?.name }));
}

const testUrn = (type: string, name: string) => `urn:pulumi:test::cloud-migration-journey::${type}::${name}`;

/** A resource's options as the policy server reports them when the program set none. */
function defaultOptions(): ResourceValidationArgs["opts"] {
  return {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
  };
}

/**
 * Synthetic CrossGuard arguments, as pulumi-policy-aws's tests build them (createResourceValidationArgs),
 * with the props behind the same unknown-checking proxy the policy server puts them behind.
 */
export function resourceArgs(
  type: string,
  props: Record<string, unknown>,
  config: Record<string, unknown> = {},
  name = "r",
): ResourceValidationArgs {
  return {
    type,
    name,
    urn: testUrn(type, name),
    props: unknownCheckingProxy(props),
    opts: defaultOptions(),
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string) => {
      throw new Error(`not applicable: ${reason}`);
    },
  };
}

export function stackArgs(
  resources: Array<{ type: string; name: string; props: Record<string, unknown> }>,
  config: Record<string, unknown> = {},
): StackValidationArgs {
  return {
    resources: resources.map((r): PolicyResource => ({
      type: r.type,
      name: r.name,
      urn: testUrn(r.type, r.name),
      props: unknownCheckingProxy(r.props),
      opts: defaultOptions(),
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    })),
    stackTags: new Map(),
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string) => {
      throw new Error(`not applicable: ${reason}`);
    },
  };
}

/** Runs a CrossGuard policy and collects what it reports. */
export async function runResourcePolicy(
  policy: ResourceValidationPolicy,
  args: ResourceValidationArgs,
): Promise<string[]> {
  const reported: string[] = [];
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
  for (const validate of validations) await validate(args, (message) => void reported.push(message));
  return reported;
}

export async function runStackPolicy(
  policy: StackValidationPolicy,
  args: StackValidationArgs,
): Promise<Array<{ message: string; urn?: string }>> {
  const reported: Array<{ message: string; urn?: string }> = [];
  await policy.validateStack(args, (message, urn) => void reported.push({ message, urn }));
  return reported;
}

/** The string the policy server sees for a value unknown during preview (`@pulumi/policy` proxy.js). */
export const UNKNOWN_STRING_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The offline plan of the journey up to `upTo`, as `journey plan` computes it (repository stack config plus overrides). */
export async function journeyPlan(overrides: PhaseOverrides = {}, upTo: Phase = "run"): Promise<OfflinePlan> {
  const phases = await evaluateJourney(upTo, overrides);
  return {
    mode: "offline",
    phases: PHASES.filter((p) => phases[p]).map((p) => phases[p] as OfflinePlan["phases"][number]),
  };
}
