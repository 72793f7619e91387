import type { GateResult } from "../../automation/journey/gates";
import type { MetricGateEvent } from "../../automation/journey/events";
import { formatDuration, verdictText } from "../../automation/journey/wording";
import { $, el } from "./dom";

/** The metric gates' latest judgement of the bake, one row per gate: measured value against threshold. */

const value = (r: GateResult, n: number | null | undefined) =>
  n === null || n === undefined || !Number.isFinite(n)
    ? "no data"
    : `${Math.round(n * 100) / 100}${r.unit === "requests" ? "" : r.unit === "points" ? " points" : r.unit}`;
const bound = (r: GateResult) => (r.gate === "success-rate" || r.gate === "min-requests" ? "≥" : "≤");

export function renderGates(e: MetricGateEvent): void {
  const table = $("gates");
  table.hidden = false;
  $("gates-caption").textContent =
    `Metric gates: ${e.migration} at ${e.weight}%, ${verdictText(e.verdict)} (${formatDuration(e.windowMs)} of traffic)`;
  table.setAttribute("data-verdict", e.verdict);
  table
    .querySelector("tbody")!
    .replaceChildren(
      ...e.results.map((r) =>
        el(
          "tr",
          { "data-gate": r.gate, className: r.ok ? "passed" : "failed" },
          el("td", { text: r.gate }),
          el("td", { text: value(r, r.measured) }),
          el("td", { text: `${bound(r)} ${value(r, r.threshold)}` }),
          el("td", { text: r.ok ? "ok" : "FAIL" }),
        ),
      ),
    );
}

/** The gates table hidden again, for a job with no gates yet. */
export function hideGates(): void {
  $("gates").hidden = true;
}
