import type { PhaseStatus } from "../../automation/journey/reports";
import type { PhasesAnswer } from "../routes/phases";
import type { JobBody } from "./api";
import { $, el } from "./dom";

/** The journey's phases: the timeline with each phase's actions, and the resources each plans. */

const STATE_TEXT: Record<PhaseStatus["state"], string> = {
  deployed: "deployed",
  partial: "partly deployed",
  "not-deployed": "not deployed",
};

/** A phase's state in words. */
export const stateText = (state: string): string => STATE_TEXT[state as PhaseStatus["state"]] ?? state;

export function renderTimeline(data: PhasesAnswer, startJob: (body: JobBody) => void): void {
  const list = $("timeline");
  list.replaceChildren();
  for (const phase of data.phases) {
    const busy = phase.jobs.running
      ? "a job is running"
      : phase.jobs.queued.length > 0
        ? `${phase.jobs.queued.length} job(s) queued`
        : "";
    const item = el(
      "li",
      { className: `phase ${phase.state}`, "data-phase": phase.phase, "data-state": phase.state },
      el("h3", { text: phase.phase }),
      el("p", { className: "state", text: stateText(phase.state) }),
      el("p", {
        className: "detail",
        text: `stack ${phase.stack} · ${phase.resourceCount} deployed / ${phase.planned ? phase.planned.resources : "?"} planned resources`,
      }),
      phase.lastUpdate
        ? el("p", {
            className: "detail",
            text: `last update ${phase.lastUpdate.result}${phase.lastUpdate.message ? `: ${phase.lastUpdate.message}` : ""}`,
          })
        : undefined,
      busy ? el("p", { className: "busy", text: busy }) : undefined,
      el(
        "div",
        { className: "operator-only actions" },
        el("button", {
          type: "button",
          "data-action": "preview",
          text: "Preview",
          onclick: () => startJob({ kind: "preview", phase: phase.phase }),
        }),
        el("button", {
          type: "button",
          "data-action": "up",
          text: "Up",
          onclick: () => startJob({ kind: "up", phase: phase.phase }),
        }),
      ),
    );
    list.append(item);
  }
  $("next").textContent = `next: ${data.next}`;
}

export function renderResources(data: PhasesAnswer): void {
  const box = $("resources");
  box.replaceChildren();
  for (const phase of data.phases) {
    const list = el(
      "ul",
      {},
      ...(phase.planned ? phase.planned.byType.map((t) => el("li", { text: `${t.count} × ${t.type}` })) : []),
    );
    box.append(
      el(
        "details",
        { "data-phase": phase.phase },
        el("summary", {
          text: `${phase.phase}: ${phase.planned ? phase.planned.resources : 0} planned, ${phase.resourceCount} in the stack (${stateText(phase.state)})`,
        }),
        list,
      ),
    );
  }
}
