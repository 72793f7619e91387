/** The diff of two plan documents, phase by phase: resources added, removed and changed, replacements first. */
import { isDeepStrictEqual } from "util";
import { PHASES, Phase } from "../../config/schema";
import { childUrn, urnParts } from "../../offline/evaluator";
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
  /**
   * Resources found under an earlier URN through their aliases: the engine moves them to the new
   * URN (a new parent or name), neither deleted nor created; they count as changed or unchanged by
   * their inputs as any other.
   */
  moved: MovedResource[];
  /** Replacements first, then the others; each group in plan order. */
  changed: ResourceChange[];
  unchanged: number;
  /** Stack outputs (top-level keys) that differ. */
  outputs: string[];
}

export interface MovedResource {
  type: string;
  name: string;
  /** The URN in the base plan. */
  from: string;
  /** The URN in the head plan. */
  to: string;
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
    const previous = matchOlds(before?.resources ?? [], after?.resources ?? []);
    const news = own(after?.resources ?? []);
    const added: PlanResource[] = [];
    const changed: ResourceChange[] = [];
    const moved: MovedResource[] = [];
    const claimed = new Set<string>();
    let unchanged = 0;
    for (const resource of news) {
      const oldUrn = previous.get(resource.urn);
      const old = oldUrn === undefined ? undefined : olds.get(oldUrn);
      if (old) claimed.add(old.urn);
      if (old && old.urn !== resource.urn)
        moved.push({ type: resource.type, name: resource.name, from: old.urn, to: resource.urn });
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
    const removed = [...olds.values()].filter((r) => !claimed.has(r.urn));
    const outputKeys = [...new Set([...Object.keys(before?.outputs ?? {}), ...Object.keys(after?.outputs ?? {})])];
    result.push({
      phase,
      presence: before && after ? "both" : after ? "added" : "removed",
      added,
      removed,
      moved,
      changed: [...changed.filter((c) => c.kind === "replace"), ...changed.filter((c) => c.kind !== "replace")],
      unchanged,
      outputs: before && after ? outputKeys.filter((k) => !isDeepStrictEqual(before.outputs[k], after.outputs[k])) : [],
    });
  }
  return { phases: result };
}

/**
 * Which base URN each head resource continues, as the engine looks it up
 * (pkg/resource/deploy/step_generator.go, getOldResource and generateAliases, v3.248.0): its own URN
 * first, then its aliases (recorded by offline/evaluator.ts aliasUrns), then the aliases it inherits
 * from a parent that was itself found under an alias (its old URN's type before this resource's,
 * and the parent's old name in place of a name prefix taken from the parent's new name). A base URN
 * is continued once; resources are visited in plan order, parents before children, as the engine
 * registers them. Components and the stack take part, for their children's sake.
 */
export function matchOlds(olds: PlanResource[], news: PlanResource[]): Map<string, string> {
  const oldUrns = new Set(olds.map((r) => r.urn));
  const result = new Map<string, string>();
  const claimed = new Set<string>();
  const aliasedParents = new Map<string, string>();
  for (const resource of news) {
    const aliases = resource.aliases ?? [];
    const candidates = [resource.urn, ...aliases];
    const parentOld = resource.parent ? aliasedParents.get(resource.parent) : undefined;
    if (resource.parent && parentOld) {
      const parentName = urnParts(resource.parent)[3];
      candidates.push(inheritedChildAlias(resource.type, resource.name, parentName, parentOld));
      for (const alias of aliases) {
        const [, , aliasType, aliasName] = urnParts(alias);
        candidates.push(inheritedChildAlias(aliasType.split("$").pop()!, aliasName, parentName, parentOld));
      }
    }
    const found = candidates.find((urn) => oldUrns.has(urn) && !claimed.has(urn));
    if (found === undefined) continue;
    claimed.add(found);
    result.set(resource.urn, found);
    if (found !== resource.urn) aliasedParents.set(resource.urn, found);
  }
  return result;
}

/** The engine's inheritedChildAlias, in the mock monitor's URN form (offline/evaluator.ts childUrn). */
function inheritedChildAlias(type: string, name: string, parentName: string, parentAlias: string): string {
  const aliasName = name.startsWith(parentName) ? urnParts(parentAlias)[3] + name.slice(parentName.length) : name;
  return childUrn(parentAlias, type, aliasName);
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
