import * as fs from "fs";
import type { Phase } from "../config/schema";
import { UsageError } from "../automation/journey/errors";
import type { JourneyStatus } from "../automation/journey/reports";
import type { RehearsalStep } from "../automation/journey/rehearse";
import { describeReport } from "../automation/journey/smoke";
import { basePlan, BasePlanError, diffPlans, planDocument, renderPlanDiffMarkdown } from "../automation/planDiff";
import type { OfflinePlan } from "../offline/plan";

/** What the `journey` commands print at the end: status, rehearsal recap, plan diff, policy report. */

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** The guardrails on the offline plan: the same rule code `pulumi preview --policy-pack policy` runs. */
export async function runPolicyPack(plan: OfflinePlan, configFile?: string) {
  const { evaluatePolicies } = await import("../policy/offline");
  let config: unknown;
  if (configFile !== undefined) {
    try {
      config = JSON.parse(fs.readFileSync(configFile, "utf8"));
    } catch (err) {
      throw new UsageError(`--policy-config ${configFile}: ${(err as Error).message}`);
    }
  }
  return evaluatePolicies(plan, { config: config as never });
}

/** `plan --diff-base`: the head's plan (this checkout) against the base's, as markdown or JSON; exit 1 when the base cannot be planned. */
export async function printPlanDiff(
  plan: OfflinePlan,
  ref: string,
  opts: { json: boolean; phases?: Phase[] },
  io: Io,
): Promise<number> {
  const head = planDocument(plan);
  let base;
  try {
    base = await basePlan({ ref, log: io.err });
  } catch (err) {
    if (!(err instanceof BasePlanError)) throw err;
    io.err(`journey: ${err.message}\n${err.detail ? `${err.detail}\n` : ""}`);
    return 1;
  }
  const diff = await diffPlans(base.plan, head, { phases: opts.phases });
  io.out(
    opts.json
      ? `${JSON.stringify({ base: { ref, commit: base.commit }, ...diff }, null, 2)}\n`
      : renderPlanDiffMarkdown(diff, { base: `${ref} (${base.commit.slice(0, 12)})`, head: "this checkout" }),
  );
  return 0;
}

export function renderRehearsal(steps: RehearsalStep[], options: { verbose: boolean }): string {
  const lines = steps.map(
    (s, i) =>
      `  ${i + 1}. ${s.command}\n     ${s.outcome === "succeeded" ? "" : `${s.outcome.toUpperCase()}: `}${s.message}`,
  );
  const more = options.verbose ? "" : "\n`journey rehearse --verbose` prints every resource of every step.\n";
  return `\nREHEARSAL on the offline engine: nothing was deployed and no smoke check was run.\n${lines.join("\n")}\n${more}`;
}

export function renderStatus(status: JourneyStatus): string {
  const lines = [`\n${status.engine}`];
  for (const p of status.phases) {
    const state = p.state === "deployed" ? "deployed" : p.state === "partial" ? "PARTLY deployed" : "not deployed";
    const parts = [
      `  ${p.phase.padEnd(7)}${state.padEnd(17)}${p.resourceCount > 0 ? `${p.resourceCount} resources` : ""}`,
    ];
    if (p.checks) parts.push(`smoke checks ${describeReport(p.checks)}`);
    if (p.weights && Object.keys(p.weights).length > 0)
      parts.push(
        `weights ${Object.entries(p.weights)
          .map(([m, w]) => `${m} ${w}%`)
          .join(", ")}`,
      );
    if (p.lastUpdate)
      parts.push(`last update ${p.lastUpdate.result}${p.lastUpdate.message ? ` ("${p.lastUpdate.message}")` : ""}`);
    if (p.updateInProgress)
      parts.push(
        p.lockHolder
          ? `LOCKED by ${p.lockHolder} (a killed run's lock: \`journey cancel ${p.phase}\`)`
          : "AN UPDATE IS RUNNING",
      );
    lines.push(parts.join("; "));
  }
  lines.push(`next: ${status.next}`, "");
  return lines.join("\n");
}
