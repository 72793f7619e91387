/** The plan diff as the Markdown a pull-request comment shows. */
import { shortType } from "../../offline/resourceTypes";
import type { FieldChange, PlanDiff, ResourceChange } from "./diff";

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
    if (p.added.length + p.removed.length + p.changed.length + p.moved.length === 0 && p.outputs.length === 0) {
      out.push(`No changes (${p.unchanged} resources unchanged).`, "");
      continue;
    }
    if (replaced.length > 0)
      out.push(`**Replaced (${replaced.length})**`, "", ...limit(replaced.map((c) => `- ${replaceLine(c)}`)), "");
    if (p.added.length > 0)
      out.push(`**Added (${p.added.length})**`, "", ...limit(p.added.map((r) => `- ${resourceName(r)}`)), "");
    if (p.removed.length > 0)
      out.push(`**Removed (${p.removed.length})**`, "", ...limit(p.removed.map((r) => `- ${resourceName(r)}`)), "");
    if (p.moved.length > 0)
      out.push(
        `**Moved by an alias (${p.moved.length}): a new URN, neither deleted nor created**`,
        "",
        ...limit(p.moved.map((m) => `- ${resourceName(m)}: from ${code(m.from)}`)),
        "",
      );
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
      "Other types: a table of replace-on-change input properties (`REPLACE_ON_CHANGE` in automation/planDiff/replacements.ts). " +
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
