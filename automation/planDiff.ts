import { execFile, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isDeepStrictEqual, promisify } from "util";
import { PHASES, Phase } from "../config/schema";
import {
  diffControlPlane,
  diffDataPlaneCertificate,
  diffGatewayService,
  diffRoute,
} from "../providers/konnect/providers";
import { dataplaneTokenProvider, diffKumaResource, zoneTokenProvider } from "../providers/kuma/resources";
import { DYNAMIC_PREFIX, isComponentType } from "../offline/mocks";
import type { OfflinePlan } from "../offline/plan";
import { planJson, shortType } from "./planReport";
import { PROJECT_DIR } from "../offline/stackConfig";

/**
 * What a change to the program or its stack config does to each phase, from two offline plans
 * (`journey plan --json` of a base and of the head): resources added, removed and changed, with the
 * changed input fields, and which changes replace a resource.
 *
 * A replacement is only claimed where it is known:
 * - for this project's dynamic providers, by their own diff functions (providers/konnect/providers.ts,
 *   providers/kuma/resources.ts), exactly as `pulumi preview` would call them;
 * - for other types, by REPLACE_ON_CHANGE below: input properties that the provider documents as
 *   forcing a new resource (ForceNew / RequiresReplace in the upstream Terraform providers).
 * Any other change is "changed (update or replace decided by the provider at preview)".
 *
 * Limits, said in the report too: both plans are offline, so secrets read `[secret]` and values known
 * only after deployment (ids, addresses) read `[unknown]` on both sides; a change hidden in either
 * is not seen, nor is a replacement that cascades to the resources reading a replaced one's id.
 */

export interface PlanResource {
  urn: string;
  type: string;
  name: string;
  parent: string | null;
  inputs: Record<string, unknown>;
}

export interface PlanPhase {
  phase: Phase;
  stack: string;
  resources: PlanResource[];
  outputs: Record<string, unknown>;
}

/** `journey plan --json`: planJson() of an offline plan. */
export interface PlanDocument {
  mode: "offline";
  phases: PlanPhase[];
}

export const planDocument = (plan: OfflinePlan): PlanDocument => planJson(plan) as PlanDocument;

// ---- what replaces ----------------------------------------------------------------------------

interface ProviderDiffResult {
  changes?: boolean;
  replaces?: string[];
}

interface ProviderDiff {
  /** The function, named for the report. */
  name: string;
  diff(olds: any, news: any): ProviderDiffResult | Promise<ProviderDiffResult>;
}

/** The dynamic providers' own diff functions, by resource type. */
export const PROVIDER_DIFFS: Record<string, ProviderDiff> = {
  [`${DYNAMIC_PREFIX}konnect:ControlPlane`]: { name: "diffControlPlane", diff: diffControlPlane },
  [`${DYNAMIC_PREFIX}konnect:DataPlaneCertificate`]: {
    name: "diffDataPlaneCertificate",
    diff: diffDataPlaneCertificate,
  },
  [`${DYNAMIC_PREFIX}konnect:GatewayService`]: { name: "diffGatewayService", diff: diffGatewayService },
  [`${DYNAMIC_PREFIX}konnect:Route`]: { name: "diffRoute", diff: diffRoute },
  [`${DYNAMIC_PREFIX}kuma:Resource`]: { name: "diffKumaResource", diff: diffKumaResource },
  [`${DYNAMIC_PREFIX}kuma:ZoneToken`]: {
    name: "the zone-token provider's diff",
    diff: (olds, news) => zoneTokenProvider.diff!("", olds, news),
  },
  [`${DYNAMIC_PREFIX}kuma:DataplaneToken`]: {
    name: "the dataplane-token provider's diff",
    diff: (olds, news) => dataplaneTokenProvider.diff!("", olds, news),
  },
};

export interface ReplaceRule {
  /** Input properties (or property paths, e.g. `metadata.name`) whose change forces a new resource. */
  fields: readonly string[];
  /** Only when the new inputs satisfy this. */
  when?: (inputs: Record<string, unknown>) => boolean;
}

/**
 * Replace-on-change input properties of the other resource types this program declares, as their
 * providers document them (the AWS, TLS and random providers bridge Terraform's, whose schemas mark
 * these ForceNew / RequiresReplace; the Kubernetes provider replaces an object whose name or
 * namespace changes, and a Deployment whose selector does, which Kubernetes does not let change).
 * Deliberately small: a property missing here is reported as undecided, never as an update.
 */
export const REPLACE_ON_CHANGE: Record<string, readonly ReplaceRule[]> = {
  "aws:ec2/vpc:Vpc": [{ fields: ["cidrBlock", "ipv4IpamPoolId"] }],
  "aws:ec2/subnet:Subnet": [{ fields: ["vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId"] }],
  "aws:ec2/instance:Instance": [
    {
      fields: [
        "ami",
        "subnetId",
        "privateIp",
        "availabilityZone",
        "keyName",
        "associatePublicIpAddress",
        "placementGroup",
      ],
    },
    // Otherwise a user-data change is an update (the instance is stopped and started).
    { fields: ["userData", "userDataBase64"], when: (inputs) => inputs.userDataReplaceOnChange === true },
  ],
  "aws:ec2/securityGroup:SecurityGroup": [{ fields: ["name", "namePrefix", "description", "vpcId"] }],
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": [{ fields: ["securityGroupId"] }],
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": [{ fields: ["securityGroupId"] }],
  "aws:ec2/routeTable:RouteTable": [{ fields: ["vpcId"] }],
  "aws:ec2/route:Route": [
    { fields: ["routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"] },
  ],
  "aws:ec2/routeTableAssociation:RouteTableAssociation": [{ fields: ["subnetId", "gatewayId"] }],
  "aws:ec2/keyPair:KeyPair": [{ fields: ["keyName", "keyNamePrefix", "publicKey"] }],
  "aws:ec2/natGateway:NatGateway": [{ fields: ["subnetId", "allocationId", "connectivityType"] }],
  "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": [
    { fields: ["vpcId", "peerVpcId", "peerOwnerId", "peerRegion"] },
  ],
  "aws:rds/instance:Instance": [
    {
      fields: [
        "engine",
        "dbName",
        "identifier",
        "identifierPrefix",
        "username",
        "storageEncrypted",
        "kmsKeyId",
        "availabilityZone",
        "characterSetName",
      ],
    },
  ],
  "aws:rds/subnetGroup:SubnetGroup": [{ fields: ["name", "namePrefix"] }],
  "aws:iam/role:Role": [{ fields: ["name", "namePrefix", "path"] }],
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": [{ fields: ["role", "policyArn"] }],
  "aws:kms/key:Key": [{ fields: ["keyUsage", "customerMasterKeySpec", "keySpec", "multiRegion"] }],
  "tls:index/privateKey:PrivateKey": [{ fields: ["algorithm", "rsaBits", "ecdsaCurve"] }],
  "tls:index/selfSignedCert:SelfSignedCert": [
    {
      fields: [
        "privateKeyPem",
        "subject",
        "validityPeriodHours",
        "allowedUses",
        "dnsNames",
        "ipAddresses",
        "uris",
        "isCaCertificate",
      ],
    },
  ],
  "tls:index/certRequest:CertRequest": [{ fields: ["privateKeyPem", "subject", "dnsNames", "ipAddresses", "uris"] }],
  "tls:index/locallySignedCert:LocallySignedCert": [
    {
      fields: [
        "certRequestPem",
        "caPrivateKeyPem",
        "caCertPem",
        "validityPeriodHours",
        "allowedUses",
        "isCaCertificate",
      ],
    },
  ],
  "random:index/randomPassword:RandomPassword": [
    {
      fields: [
        "length",
        "special",
        "upper",
        "lower",
        "numeric",
        "minLower",
        "minUpper",
        "minNumeric",
        "minSpecial",
        "overrideSpecial",
        "keepers",
      ],
    },
  ],
  // `triggers` exist to force a replacement; other inputs re-run `create` (or `update`) in place.
  "command:remote:Command": [{ fields: ["triggers"] }],
  "kubernetes:apps/v1:Deployment": [{ fields: ["metadata.name", "metadata.namespace", "spec.selector"] }],
};

/** Kubernetes objects other than those listed: the name and namespace are the object's identity. */
const KUBERNETES_OBJECT: readonly ReplaceRule[] = [{ fields: ["metadata.name", "metadata.namespace"] }];

function replaceRules(type: string): readonly ReplaceRule[] | undefined {
  if (REPLACE_ON_CHANGE[type]) return REPLACE_ON_CHANGE[type];
  // Helm releases and the provider itself are no Kubernetes object with metadata.
  if (type.startsWith("kubernetes:") && !type.startsWith("kubernetes:helm.sh/")) return KUBERNETES_OBJECT;
  return undefined;
}

// ---- the diff ---------------------------------------------------------------------------------

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

// ---- markdown ---------------------------------------------------------------------------------

/** The first line of the report, so that a PR comment can be found and updated. */
export const MARKER = "<!-- journey-plan-diff -->";
const MAX_ITEMS = 40;
const MAX_FIELDS = 8;
const MAX_CHARS = 60_000;

const UNDECIDED = "changed (update or replace decided by the provider at preview)";

export function renderPlanDiffMarkdown(diff: PlanDiff, labels: { base: string; head: string }): string {
  const out: string[] = [MARKER, `## Offline plan diff: ${code(labels.base)} → ${code(labels.head)}`, ""];
  out.push(
    "Both sides are **offline plans**: the program evaluated in-process under mocks, nothing deployed, no cloud or Konnect API called. " +
      "`[secret]` and `[unknown]` values (secrets, ids and addresses known only after deployment) look the same on both sides, so a change hidden in them is not shown.",
    "",
  );
  if (diff.phases.length === 0) return [...out, "No phase has a stack file on either side.", ""].join("\n");

  out.push("| phase | replaced | added | removed | changed | unchanged |", "|---|---:|---:|---:|---:|---:|");
  for (const p of diff.phases) {
    const replaced = p.changed.filter((c) => c.kind === "replace").length;
    const name =
      p.presence === "both" ? p.phase : `${p.phase} (${p.presence === "added" ? "new phase" : "phase removed"})`;
    out.push(
      `| ${name} | ${replaced > 0 ? `**${replaced}**` : "0"} | ${p.added.length} | ${p.removed.length} | ${p.changed.length - replaced} | ${p.unchanged} |`,
    );
  }
  out.push("");

  const replacements = diff.phases.flatMap((p) =>
    p.changed.filter((c) => c.kind === "replace").map((c) => [p.phase, c] as const),
  );
  if (replacements.length > 0) {
    out.push(`### ⚠️ Replacements (${replacements.length}): deleted and created again`, "");
    out.push(...limit(replacements.map(([phase, c]) => `- **${phase}** ${replaceLine(c)}`)), "");
  }

  for (const p of diff.phases) {
    out.push(`### ${p.phase}`, "");
    const replaced = p.changed.filter((c) => c.kind === "replace");
    const updated = p.changed.filter((c) => c.kind === "update");
    const undecided = p.changed.filter((c) => c.kind === "undecided");
    const ignored = p.changed.filter((c) => c.kind === "no-op");
    if (p.added.length + p.removed.length + p.changed.length === 0 && p.outputs.length === 0) {
      out.push(`No changes (${p.unchanged} resources unchanged).`, "");
      continue;
    }
    if (replaced.length > 0)
      out.push(`**Replaced (${replaced.length})**`, "", ...limit(replaced.map((c) => `- ${replaceLine(c)}`)), "");
    if (p.added.length > 0)
      out.push(`**Added (${p.added.length})**`, "", ...limit(p.added.map((r) => `- ${resourceName(r)}`)), "");
    if (p.removed.length > 0)
      out.push(`**Removed (${p.removed.length})**`, "", ...limit(p.removed.map((r) => `- ${resourceName(r)}`)), "");
    if (updated.length + undecided.length > 0) {
      out.push(`**Changed (${updated.length + undecided.length})**`, "");
      out.push(
        ...limit(
          [...updated, ...undecided].map(
            (c) =>
              `- ${resourceName(c)}: ${c.kind === "update" ? `update in place (the provider's own \`${c.basis}\`)` : UNDECIDED}; ${fieldList(c.fields)}`,
          ),
        ),
        "",
      );
    }
    if (ignored.length > 0) {
      out.push(`**Inputs differ, no change for the provider (${ignored.length})**`, "");
      out.push(
        ...limit(ignored.map((c) => `- ${resourceName(c)}: \`${c.basis}\` does not compare ${fieldList(c.fields)}`)),
        "",
      );
    }
    if (p.outputs.length > 0) out.push(`Stack outputs changed: ${p.outputs.map(code).join(", ")}`, "");
  }

  out.push(
    "<details><summary>How replacements are known</summary>",
    "",
    "Konnect and Kuma resources: the dynamic providers' own diff functions, as `pulumi preview` calls them. " +
      "Other types: a table of replace-on-change input properties (`REPLACE_ON_CHANGE` in automation/planDiff.ts). " +
      `Anything else is "${UNDECIDED}"; the \`pulumi preview\` job of this pull request shows the provider's decision. ` +
      "A replaced resource's dependants (which read its id) may be replaced too; offline, ids are `[unknown]` on both sides, so those follow-on changes are not listed.",
    "",
    "</details>",
    "",
  );
  let text = out.join("\n");
  if (text.length > MAX_CHARS)
    text = `${text.slice(0, MAX_CHARS)}\n\n… (truncated; run \`journey plan --diff-base <ref>\` for the whole report)\n`;
  return text;
}

function replaceLine(c: ResourceChange): string {
  const forcing = c.fields.filter((f) =>
    c.replaceFields.some((r) => f.path === r || f.path.startsWith(`${r}.`) || f.path.startsWith(`${r}[`)),
  );
  const shown = forcing.length > 0 ? forcing : c.replaceFields.map((path) => ({ path }));
  const others = c.fields.length - forcing.length;
  return `${resourceName(c)}: ${fieldList(shown)} force${shown.length === 1 ? "s" : ""} a replacement (${c.basis === "replace-on-change table" ? "replace-on-change table" : `the provider's own \`${c.basis}\``})${others > 0 ? `; ${others} other field(s) changed` : ""}`;
}

function resourceName(r: { type: string; name: string }): string {
  return `${code(shortType(r.type))} **${escapeMarkdown(r.name)}**`;
}

function fieldList(fields: FieldChange[]): string {
  const shown = fields.slice(0, MAX_FIELDS).map((f) => {
    const from = scalar(f.from);
    const to = scalar(f.to);
    return "from" in f && from !== undefined && to !== undefined
      ? `${code(f.path)} (${code(from)} → ${code(to)})`
      : code(f.path);
  });
  return shown.join(", ") + (fields.length > MAX_FIELDS ? ` and ${fields.length - MAX_FIELDS} more` : "");
}

/** A short, one-line value worth printing; undefined for anything longer or structured. */
function scalar(value: unknown): string | undefined {
  if (value === undefined) return "(unset)";
  if (value === null || typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string" && value.length <= 60 && !/[\r\n]/.test(value)) return JSON.stringify(value);
  return undefined;
}

function limit(lines: string[]): string[] {
  return lines.length > MAX_ITEMS ? [...lines.slice(0, MAX_ITEMS), `- … and ${lines.length - MAX_ITEMS} more`] : lines;
}

/** Inline code that survives any content: backticks become quotes, line breaks spaces. */
function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/[\r\n]+/g, " ")}\``;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`);
}

// ---- the base side: its own offline plan in a temporary worktree ---------------------------------

const run = promisify(execFile);

export interface BasePlanOptions {
  /** A commit-ish: a branch, a tag, a SHA, `origin/main`, `HEAD~1`. */
  ref: string;
  /** The project (a git work tree, or a folder inside one); defaults to this repository. */
  projectDir?: string;
  log?: (line: string) => void;
  /** How long the base's plan may take (default 5 minutes). */
  timeoutMs?: number;
}

export interface BasePlan {
  plan: PlanDocument;
  /** The commit the ref resolved to. */
  commit: string;
}

export class BasePlanError extends Error {
  constructor(
    message: string,
    /** The end of the base plan's stderr. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = "BasePlanError";
  }
}

/** A git ref as this command accepts it: no option-like or whitespace-laden text ever reaches git's argv. */
const REF = /^(?!-)[^\s\x00-\x1f\x7f~^:?*[\\]+([~^]\d*)*$/;

/** Why `ref` is not accepted as a base, or undefined when it is. */
export function refProblem(ref: string): string | undefined {
  return ref.length > 200 || !REF.test(ref)
    ? `"${ref}" is not a git ref this command accepts (a branch, tag, SHA or e.g. origin/main, HEAD~1)`
    : undefined;
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run("git", ["-C", cwd, ...args], {
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" },
  });
  return stdout.trim();
}

/**
 * The base's own offline plan: the ref checked out into a temporary git worktree, this project's
 * node_modules linked into it, and its `bin/journey.js plan --json` run there (its program, its
 * stack files). The worktree is removed afterwards, whatever happened.
 */
export async function basePlan(options: BasePlanOptions): Promise<BasePlan> {
  const log = options.log ?? (() => undefined);
  const projectDir = path.resolve(options.projectDir ?? PROJECT_DIR);
  const problem = refProblem(options.ref);
  if (problem) throw new BasePlanError(problem);
  let top: string;
  let prefix: string;
  try {
    top = await git(projectDir, ["rev-parse", "--show-toplevel"]);
    prefix = await git(projectDir, ["rev-parse", "--show-prefix"]);
  } catch (err) {
    throw new BasePlanError(`${projectDir} is not in a git work tree (git: ${firstLine(err)})`);
  }
  let commit: string;
  try {
    commit = await git(top, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${options.ref}^{commit}`]);
  } catch {
    throw new BasePlanError(
      `git knows no commit ${options.ref} here; fetch it first (in CI: actions/checkout with fetch-depth: 0)`,
    );
  }

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "journey-base-"));
  const tree = path.join(scratch, "tree");
  const baseProject = path.join(tree, prefix);
  const link = path.join(baseProject, "node_modules");
  let linked = false;
  let added = false;
  try {
    log(`checking out ${options.ref} (${commit.slice(0, 12)}) into a temporary worktree...\n`);
    await git(top, ["worktree", "add", "--detach", "--quiet", tree, commit]);
    added = true;
    const cli = path.join(baseProject, "bin", "journey.js");
    if (!fs.existsSync(cli))
      throw new BasePlanError(
        `${options.ref} has no ${path.join(prefix, "bin/journey.js")}: its offline plan cannot be evaluated`,
      );
    if (!fs.existsSync(link)) {
      fs.symlinkSync(path.join(projectDir, "node_modules"), link, "dir");
      linked = true;
    }
    log(`evaluating the offline plan of ${options.ref}...\n`);
    const plan = await runBasePlan(
      process.execPath,
      [cli, "plan", "--json"],
      baseProject,
      path.join(scratch, "plan.json"),
      options.timeoutMs ?? 5 * 60_000,
    );
    return { plan, commit };
  } finally {
    if (linked) fs.rmSync(link, { force: true });
    if (added) await git(top, ["worktree", "remove", "--force", tree]).catch(() => undefined);
    fs.rmSync(scratch, { recursive: true, force: true });
    if (added) await git(top, ["worktree", "prune"]).catch(() => undefined);
  }
}

/** Runs the base's CLI with its stdout in a file (a pipe can lose the end of a large document at exit). */
function runBasePlan(
  node: string,
  args: string[],
  cwd: string,
  outFile: string,
  timeoutMs: number,
): Promise<PlanDocument> {
  const out = fs.openSync(outFile, "w");
  return new Promise<PlanDocument>((resolve, reject) => {
    let stderr = "";
    const child = spawn(node, args, {
      cwd,
      stdio: ["ignore", out, "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
      timeout: timeoutMs,
      killSignal: "SIGKILL",
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    child.on("error", (err) => reject(new BasePlanError(`could not run the base's plan: ${err.message}`)));
    child.on("close", (code, signal) => {
      fs.closeSync(out);
      if (code !== 0) {
        reject(
          new BasePlanError(
            `the base's offline plan failed (${signal ? `killed by ${signal}` : `exit ${code}`})`,
            stderr.trim(),
          ),
        );
        return;
      }
      try {
        const doc = JSON.parse(fs.readFileSync(outFile, "utf8"));
        if (doc?.mode !== "offline" || !Array.isArray(doc.phases)) throw new Error("not an offline plan document");
        resolve(doc as PlanDocument);
      } catch (err) {
        reject(new BasePlanError(`the base's plan printed no plan document: ${(err as Error).message}`, stderr.trim()));
      }
    });
  });
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  return (e.stderr || e.message || String(err)).trim().split("\n")[0];
}
