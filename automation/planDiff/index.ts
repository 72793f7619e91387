/**
 * What a change to the program or its stack config does to each phase, from two offline plans
 * (`journey plan --json` of a base and of the head): resources added, removed and changed, with the
 * changed input fields, and which changes replace a resource.
 *
 * A replacement is only claimed where it is known:
 * - for this project's dynamic providers, by their own diff functions (providers/konnect/diff.ts,
 *   providers/kuma/resources.ts), exactly as `pulumi preview` would call them;
 * - for other types, by REPLACE_ON_CHANGE (replacements.ts): input properties that the provider
 *   documents as forcing a new resource (ForceNew / RequiresReplace in the upstream Terraform providers).
 * Any other change is "changed (update or replace decided by the provider at preview)".
 *
 * Limits, said in the report too: both plans are offline, so secrets read `[secret]` and values known
 * only after deployment (ids, addresses) read `[unknown]` on both sides; a change hidden in either
 * is not seen, nor is a replacement that cascades to the resources reading a replaced one's id.
 *
 * The offline plan as a document (document.ts), what replaces (replacements.ts), the diff (diff.ts),
 * its Markdown (markdown.ts), the base's plan in a git worktree (basePlan.ts).
 */

export { planDocument } from "./document";
export type { PlanDocument, PlanResource } from "./document";
export { diffPlans, fieldChanges } from "./diff";
export type { PlanDiff, ResourceChange } from "./diff";
export { MARKER, renderPlanDiffMarkdown } from "./markdown";
export { basePlan, BasePlanError, refProblem } from "./basePlan";
