import type { PolicyConfigSchema } from "@pulumi/policy";
import type { ResourceView, StackView } from "../view";

export type Enforcement = "mandatory" | "advisory";

/** A secret whose value the rules may look for in plaintext; the label names it, the value is never reported. */
export interface KnownSecret {
  label: string;
  value: string;
}

export interface RuleContext {
  /** This rule's configuration, defaults from its `configSchema` applied. */
  config: Record<string, unknown>;
  /** Secret values known to the environment (secret stack config; offline: secret outputs' placeholders). */
  secrets: readonly KnownSecret[];
  /** The phase being evaluated, where the environment knows it (offline). */
  phase?: string;
}

interface RuleBase {
  /** Unique in the pack; the CrossGuard policy name and the `policy` of a violation. */
  name: string;
  description: string;
  enforcement: Enforcement;
  /** What to do about a violation. */
  remediation: string;
  configSchema?: PolicyConfigSchema;
}

/** A rule over one resource at a time: returns one message per violation. */
export interface ResourceRule extends RuleBase {
  scope: "resource";
  /** Resource types the rule reads; absent: the rule decides from the props (it may read every type). */
  types?: readonly string[];
  check(resource: ResourceView, ctx: RuleContext): string[];
}

export interface StackFinding {
  message: string;
  /** The resource at fault; absent when the stack as a whole is. */
  resource?: ResourceView;
}

/** A rule that needs the whole stack at once. */
export interface StackRule extends RuleBase {
  scope: "stack";
  check(stack: StackView, ctx: RuleContext): StackFinding[];
}

export type Rule = ResourceRule | StackRule;

/** The rule's config: schema defaults overridden by what the user configured. */
export function ruleConfig(rule: Rule, configured: Record<string, unknown> = {}): Record<string, unknown> {
  const defaults = Object.fromEntries(
    Object.entries(rule.configSchema?.properties ?? {})
      .filter(([, schema]) => (schema as { default?: unknown }).default !== undefined)
      .map(([key, schema]) => [key, (schema as { default?: unknown }).default]),
  );
  const { enforcementLevel: _level, ...rest } = configured;
  void _level;
  return { ...defaults, ...rest };
}
