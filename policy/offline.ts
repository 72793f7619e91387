/**
 * The offline adapter: the pack's rules over the offline plan (the real program evaluated under
 * mocks), for `journey plan --policy`: policy results on every pull request without credentials.
 *
 * What the rules see here: every resource the program registers, components and the remote
 * `eks:index:Cluster` included (not the children pulumi-eks would create), with its inputs as
 * registered; the phase's stack outputs as the props of its `pulumi:pulumi:Stack`; secrecy exactly
 * (the engine's `{ "__secret__": v }` envelopes); deploy-time values as `[unknown.<resource>.<prop>]`.
 * Known secret values: the placeholders of every secret output (`additionalSecretOutputs` and
 * provider-declared secrets), the offline stand-ins of secret config, and any the caller passes.
 */
import { isSecretValue, RecordedResource, SECRET, unwrapSecrets } from "../offline/evaluator";
import type { OfflinePlan } from "../offline/plan";
import { isUnknownPlaceholder, parseUnknownPlaceholder, unknownValue } from "../offline/mocks";
import { OFFLINE_SECRET_PLACEHOLDERS } from "../offline/stackConfig";
import {
  configuredProperties,
  enforcementOf,
  PACK_NAME,
  PhasePolicyResult,
  PolicyPackConfig,
  PolicyReport,
  PolicyViolation,
} from "./report";
import { KnownSecret, Rule, RULES, ruleConfig } from "./rules";
import { Path, ResourceView, viewOf } from "./view";

export interface EvaluatePoliciesOptions {
  /** Same shape as a `--policy-pack-config` file: levels and properties per policy (e.g. `eks-endpoint-admin-cidrs.adminCidrs`). */
  config?: PolicyPackConfig;
  /** More secret values to look for in plaintext (e.g. the real secret config); a bare string is labelled "a secret value". */
  secretValues?: Array<string | KnownSecret>;
  /** The rules to run; defaults to the whole pack. */
  rules?: readonly Rule[];
}

/**
 * Runs every policy of the pack over each phase of an offline plan. Pure: reads the plan, prints nothing.
 * `journey plan --policy` prints the result (formatPolicyReport) and exits 1 when `summary.mandatory > 0`.
 */
export function evaluatePolicies(plan: OfflinePlan, options: EvaluatePoliciesOptions = {}): PolicyReport {
  const config = options.config ?? {};
  const rules = options.rules ?? RULES;
  const extra = (options.secretValues ?? []).map((s) =>
    typeof s === "string" ? { label: "a secret value", value: s } : s,
  );
  const secrets = new Map<string, KnownSecret>();
  for (const s of [...configStandIns(), ...extra]) secrets.set(s.value, s);

  const phases: PhasePolicyResult[] = plan.phases.map((phase) => {
    // A secret of an earlier phase stays one in later phases (they read it through StackReference).
    for (const s of planSecrets(phase.resources, phase.outputs)) if (!secrets.has(s.value)) secrets.set(s.value, s);
    const views = phaseViews(phase.resources, phase.outputs, phase.stack);
    const violations: PolicyViolation[] = [];
    for (const rule of rules) {
      const enforcement = enforcementOf(rule, config);
      if (enforcement === "disabled") continue;
      const ctx = {
        config: ruleConfig(rule, configuredProperties(rule, config)),
        secrets: [...secrets.values()],
        phase: phase.phase,
      };
      const blame = (view: ResourceView | undefined, message: string): PolicyViolation => ({
        policy: rule.name,
        enforcement,
        ...(view ? { resource: { urn: view.urn, name: view.name, type: view.type } } : {}),
        message,
      });
      if (rule.scope === "stack") {
        violations.push(...rule.check({ resources: views }, ctx).map((f) => blame(f.resource, f.message)));
        continue;
      }
      for (const view of views) {
        if (rule.types && !rule.types.includes(view.type)) continue;
        let messages: string[];
        try {
          messages = rule.check(view, ctx);
        } catch (err) {
          throw new Error(`policy ${rule.name} failed on ${view.urn ?? view.name}: ${(err as Error).message}`, {
            cause: err,
          });
        }
        violations.push(...messages.map((m) => blame(view, m)));
      }
    }
    return { phase: phase.phase, stack: phase.stack, resourcesChecked: views.length, violations };
  });

  const all = phases.flatMap((p) => p.violations);
  return {
    pack: PACK_NAME,
    mode: "offline",
    policies: rules.map((r) => ({ name: r.name, description: r.description, enforcement: enforcementOf(r, config) })),
    phases,
    summary: {
      mandatory: all.filter((v) => v.enforcement === "mandatory").length,
      advisory: all.filter((v) => v.enforcement === "advisory").length,
    },
  };
}

/** One view per recorded resource; the phase's outputs become the props of its Stack resource. */
function phaseViews(resources: RecordedResource[], outputs: Record<string, unknown>, stack: string): ResourceView[] {
  const views = resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map(recordedView);
  const root = resources.find((r) => r.type === "pulumi:pulumi:Stack");
  views.push(
    rawView({ type: "pulumi:pulumi:Stack", name: root?.name ?? `${PACK_NAME}-${stack}`, urn: root?.urn }, outputs),
  );
  return views;
}

function recordedView(r: RecordedResource): ResourceView {
  const { __provider, ...inputs } = r.inputs;
  void __provider;
  return rawView(r, inputs);
}

function rawView(r: { type: string; name: string; urn?: string }, raw: Record<string, unknown>): ResourceView {
  return viewOf({ type: r.type, name: r.name, urn: r.urn, props: unwrapSecrets(raw) }, (path) =>
    secretAlong(raw, path),
  );
}

/** Whether an envelope wraps the value at `path` or anything on the way to it. */
function secretAlong(raw: unknown, path: Path): boolean {
  let node = raw;
  for (const key of path) {
    if (isSecretValue(node)) return true;
    if (node === null || typeof node !== "object") return false;
    node = (node as Record<string | number, unknown>)[key];
  }
  return isSecretValue(node);
}

function configStandIns(): KnownSecret[] {
  return Object.entries(OFFLINE_SECRET_PLACEHOLDERS).map(([key, value]) => ({
    label: `the secret config ${key} (its offline stand-in)`,
    value,
  }));
}

/** The placeholders of a phase's secret outputs: declared ones, and any placeholder the engine hands on as a secret. */
function planSecrets(resources: RecordedResource[], outputs: Record<string, unknown>): KnownSecret[] {
  const found = new Map<string, KnownSecret>();
  const add = (value: string) => {
    const placeholder = parseUnknownPlaceholder(value);
    found.set(value, {
      label: placeholder ? `the secret output ${placeholder.resource}.${placeholder.property}` : "a secret output",
      value,
    });
  };
  for (const r of resources) for (const property of new Set(r.secretOutputs)) add(unknownValue(r.name, property));
  const visit = (node: unknown): void => {
    if (isSecretValue(node)) {
      const inner = node[SECRET];
      if (isUnknownPlaceholder(inner)) add(inner as string);
      visit(inner);
    } else if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === "object") Object.values(node).forEach(visit);
  };
  resources.forEach((r) => visit(r.inputs));
  visit(outputs);
  return [...found.values()];
}
