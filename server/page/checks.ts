import type { SmokeCheckEvent } from "../../automation/journey/events";
import { checkStatusText } from "../../automation/journey/wording";
import { get } from "./api";
import { $, el, say } from "./dom";

/** The smoke checks' table: filled by a job's smoke-check events, or by running the checks now. */

interface CheckRow {
  phase: string;
  check: string;
  status: SmokeCheckEvent["status"];
  detail: string;
}

const checks = new Map<string, CheckRow>();

/** A job's smoke-check event: the check's row takes its verdict (a retry is not one). */
export function onCheckEvent(e: SmokeCheckEvent): void {
  if (e.status === "retrying") return;
  checks.set(`${e.phase}|${e.check}`, { phase: e.phase, check: e.check, status: e.status, detail: e.detail });
  renderChecks();
}

function renderChecks(): void {
  $<HTMLTableElement>("checks").tBodies[0].replaceChildren(
    ...[...checks.values()].map((c) =>
      el(
        "tr",
        { className: c.status, "data-check": c.check },
        el("td", { text: c.phase }),
        el("td", { text: c.check }),
        el("td", { text: checkStatusText(c.status) }),
        el("td", { text: c.detail }),
      ),
    ),
  );
}

/** The smoke checks of the deployed phases, run now (one attempt each). */
export async function runChecks(): Promise<void> {
  try {
    say("running the smoke checks of the deployed phases (one attempt each)...");
    const data = await get("/api/phases?checks=true");
    checks.clear();
    for (const phase of data.phases) {
      for (const r of phase.checks ? phase.checks.results : [])
        checks.set(`${phase.phase}|${r.check.name}`, {
          phase: phase.phase,
          check: r.check.name,
          status: r.status,
          detail: r.detail,
        });
    }
    renderChecks();
    say(checks.size > 0 ? "smoke checks done" : "no phase is deployed: no smoke check to run");
  } catch (err) {
    say(`smoke checks failed to run: ${(err as Error).message}`, "error");
  }
}
