/** The diff of two plan documents, phase by phase: resources added, removed and changed, replacements first. */
import { isDeepStrictEqual } from "util";
import { PHASES, Phase } from "../../config/schema";
import { isComponentType } from "../../offline/mocks";
import type { PlanDocument, PlanResource } from "./document";
import { PROVIDER_DIFFS, replaceRules } from "./replacements";

export interface FieldChange {
  /** e.g. `instanceType`, `resource.spec.to[0].rules[0].default.backendRefs[0].weight`, `tags["kuma.io/service"]`. */
  path: string;
  from?: unknown;
  to?: unknown;
}

/**
 * `replace`: known to delete and create the resource again; `update`: known to change in place
 * (the provider's own diff says so); `no-op`: inputs differ but the provider's diff ignores them;
 * `undecided`: changed, and only the provider decides at preview whether it updates or replaces.
 */
export type ChangeKind = "replace" | "update" | "no-op" | "undecided";

export interface ResourceChange {
  urn: string;
  type: string;
  name: string;
  kind: ChangeKind;
  fields: FieldChange[];
  /** The inputs that force the replacement. */
  replaceFields: string[];
  /** What decided `kind`: a provider's diff function or the replace-on-change table. */
  basis?: string;
}

export interface PhaseDiff {
  phase: Phase;
  /** `added`/`removed`: the phase has a stack file (and so a plan) on one side only. */
  presence: "both" | "added" | "removed";
  added: PlanResource[];
  removed: PlanResource[];
  /** Replacements first, then the others; each group in plan order. */
  changed: ResourceChange[];
  unchanged: number;
  /** Stack outputs (top-level keys) that differ. */
  outputs: string[];
}

export interface PlanDiff {
  phases: PhaseDiff[];
}

/** Components (`journey:*`) declare no cloud resource of their own; their children carry the changes. */
const own = (resources: PlanResource[]) =>
  resources.filter((r) => !isComponentType(r.type) && r.type !== "pulumi:pulumi:Stack");

export async function diffPlans(
  base: PlanDocument,
  head: PlanDocument,
  options: { phases?: Phase[] } = {},
): Promise<PlanDiff> {
  const phases = PHASES.filter((p) => (options.phases ? options.phases.includes(p) : true)).filter(
    (p) => base.phases.some((x) => x.phase === p) || head.phases.some((x) => x.phase === p),
  );
  const result: PhaseDiff[] = [];
  for (const phase of phases) {
    const before = base.phases.find((p) => p.phase === phase);
    const after = head.phases.find((p) => p.phase === phase);
    const olds = new Map(own(before?.resources ?? []).map((r) => [r.urn, r]));
    const news = own(after?.resources ?? []);
    const added: PlanResource[] = [];
    const changed: ResourceChange[] = [];
    let unchanged = 0;
    for (const resource of news) {
      const old = olds.get(resource.urn);
      if (!old) {
        added.push(resource);
        continue;
      }
      const fields = fieldChanges(old.inputs, resource.inputs);
      if (fields.length === 0) {
        unchanged++;
        continue;
      }
      changed.push({
        urn: resource.urn,
        type: resource.type,
        name: resource.name,
        fields,
        ...(await classify(resource.type, old.inputs, resource.inputs, fields)),
      });
    }
    const kept = new Set(news.map((r) => r.urn));
    const removed = [...olds.values()].filter((r) => !kept.has(r.urn));
    const outputKeys = [...new Set([...Object.keys(before?.outputs ?? {}), ...Object.keys(after?.outputs ?? {})])];
    result.push({
      phase,
      presence: before && after ? "both" : after ? "added" : "removed",
      added,
      removed,
      changed: [...changed.filter((c) => c.kind === "replace"), ...changed.filter((c) => c.kind !== "replace")],
      unchanged,
      outputs: before && after ? outputKeys.filter((k) => !isDeepStrictEqual(before.outputs[k], after.outputs[k])) : [],
    });
  }
  return { phases: result };
}

async function classify(
  type: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  fields: FieldChange[],
): Promise<Pick<ResourceChange, "kind" | "replaceFields" | "basis">> {
  const provider = PROVIDER_DIFFS[type];
  if (provider) {
    const { changes, replaces = [] } = await provider.diff(olds, news);
    if (replaces.length > 0) return { kind: "replace", replaceFields: replaces, basis: provider.name };
    if (changes === true) return { kind: "update", replaceFields: [], basis: provider.name };
    if (changes === false) return { kind: "no-op", replaceFields: [], basis: provider.name };
    return { kind: "undecided", replaceFields: [] };
  }
  const rules = replaceRules(type);
  if (rules) {
    const forcing = rules.filter((rule) => !rule.when || rule.when(news)).flatMap((rule) => rule.fields);
    const replaceFields = forcing.filter((field) =>
      fields.some((f) => f.path === field || f.path.startsWith(`${field}.`) || f.path.startsWith(`${field}[`)),
    );
    if (replaceFields.length > 0) return { kind: "replace", replaceFields, basis: "replace-on-change table" };
  }
  return { kind: "undecided", replaceFields: [] };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The leaf paths where two input objects differ, with both values. */
export function fieldChanges(olds: unknown, news: unknown, at = "", out: FieldChange[] = []): FieldChange[] {
  if (isDeepStrictEqual(olds, news)) return out;
  if (isObject(olds) && isObject(news)) {
    const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].sort();
    for (const key of keys)
      fieldChanges(
        olds[key],
        news[key],
        IDENTIFIER.test(key) ? (at ? `${at}.${key}` : key) : `${at}[${JSON.stringify(key)}]`,
        out,
      );
  } else if (Array.isArray(olds) && Array.isArray(news) && olds.length === news.length) {
    olds.forEach((item, i) => fieldChanges(item, news[i], `${at}[${i}]`, out));
  } else {
    out.push({ path: at || "(inputs)", from: olds, to: news });
  }
  return out;
}
