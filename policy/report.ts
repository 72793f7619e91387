import type { Enforcement, Rule } from "./rules/types";

export const PACK_NAME = "cloud-migration-journey";

/** As CrossGuard levels go: `remediate` counts as mandatory (no rule here remediates). */
export type EnforcementLevel = Enforcement | "remediate" | "disabled";

/**
 * Policy configuration, in the shape of a `pulumi preview --policy-pack-config <file>` document:
 * per policy name, a level or `{ enforcementLevel?, ...properties }`. The same file serves both adapters.
 */
export type PolicyPackConfig = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

export interface PolicyViolation {
  policy: string;
  enforcement: Enforcement;
  /** The resource at fault; absent when a stack rule blames the stack as a whole. */
  resource?: { urn?: string; name: string; type: string };
  /** Names where and what, never a secret value. */
  message: string;
}

export interface PhasePolicyResult {
  phase: string;
  stack: string;
  resourcesChecked: number;
  violations: PolicyViolation[];
}

export interface PolicyReport {
  pack: typeof PACK_NAME;
  mode: "offline";
  policies: Array<{ name: string; description: string; enforcement: Enforcement | "disabled" }>;
  phases: PhasePolicyResult[];
  /** Violations over every phase, by level. `journey plan --policy` fails on any mandatory one. */
  summary: { mandatory: number; advisory: number };
}

/** A rule's level after configuration; `disabled` rules do not run. */
export function enforcementOf(rule: Rule, config: PolicyPackConfig = {}): Enforcement | "disabled" {
  const entry = config[rule.name];
  const level = typeof entry === "string" ? entry : entry?.enforcementLevel;
  if (level === "remediate") return "mandatory";
  return level ?? rule.enforcement;
}

/** This rule's configured properties (without the level). */
export function configuredProperties(rule: Rule, config: PolicyPackConfig = {}): Record<string, unknown> {
  const entry = config[rule.name];
  return typeof entry === "object" && entry !== null ? entry : {};
}

/** Plain text for a terminal: one line per violation, mandatory first, then a summary line. */
export function formatPolicyReport(report: PolicyReport): string {
  const lines: string[] = [];
  for (const phase of report.phases) {
    const sorted = [...phase.violations].sort((a, b) =>
      a.enforcement === b.enforcement ? 0 : a.enforcement === "mandatory" ? -1 : 1,
    );
    lines.push(
      `== policy ${report.pack} on ${phase.phase} (stack ${phase.stack}): ${phase.resourcesChecked} resources, ${phase.violations.length === 0 ? "no violations" : `${phase.violations.length} violation(s)`}`,
    );
    for (const v of sorted) {
      const where = v.resource ? `${v.resource.name} (${v.resource.type})` : "the stack";
      lines.push(`   ${v.enforcement === "mandatory" ? "MANDATORY" : "advisory "} ${v.policy}: ${where}: ${v.message}`);
    }
  }
  const { mandatory, advisory } = report.summary;
  lines.push(
    `== policy summary: ${mandatory} mandatory, ${advisory} advisory${mandatory > 0 ? " (mandatory violations fail the plan)" : ""}`,
  );
  return lines.join("\n") + "\n";
}
