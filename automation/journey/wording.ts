import { shortType } from "../../offline/resourceTypes";
import type { ChangeCounts, JourneyEventBody, PhaseAction, ResourceStep, SmokeCheckEvent } from "./events";

/**
 * How a journey's events read for people: one wording for the CLI's lines (cli/renderers.ts) and
 * the dashboard's event list (server/page). Pure: no node import, so the page bundles this module.
 * Offline, everything is said as what would happen.
 */

/** `500ms`, `30s`, `5m`, `1h30m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  const [h, m, rest] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  return [h && `${h}h`, m && `${m}m`, (rest || (!h && !m)) && `${rest}s`].filter(Boolean).join("");
}

/** `would create 40, update 1; 12 unchanged` (preview) or `40 created, 1 updated; 12 unchanged`. */
export function describeChanges(changes: ChangeCounts, action: PhaseAction): string {
  const done: Record<string, string> = { create: "created", update: "updated", replace: "replaced", delete: "deleted" };
  const counted = Object.entries(changes).filter(([op, n]) => op !== "same" && n! > 0);
  const unchanged = changes.same ? `${changes.same} unchanged` : "";
  if (counted.length === 0) return unchanged ? `no changes (${unchanged})` : "no changes";
  const parts =
    action === "preview"
      ? `would ${counted.map(([op, n]) => `${op} ${n}`).join(", ")}`
      : counted.map(([op, n]) => `${n} ${done[op] ?? op}`).join(", ");
  return unchanged ? `${parts}; ${unchanged}` : parts;
}

/** A resource operation's mark at the start of its line. */
export const OP_SYMBOL: Record<string, string> = {
  create: "+",
  update: "~",
  replace: "+-",
  delete: "-",
  same: " ",
  read: ">",
};
export const CHECK_SYMBOL = { passed: "✓", failed: "✗", "not-run": "·", retrying: "…" } as const;

/** A verdict as it is shouted: `PASS`, `FAIL`, `NOT RUN`. */
export const verdictText = (verdict: string): string => (verdict === "not-run" ? "NOT RUN" : verdict.toUpperCase());

/** A smoke check's status: `passed`, `NOT RUN`, `retrying (attempt 2)`. */
export function checkStatusText(status: SmokeCheckEvent["status"], attempt?: number): string {
  if (status === "not-run") return "NOT RUN";
  return status === "retrying" ? `retrying (attempt ${attempt})` : status;
}

/** What a line depends on besides its event: whether the operation runs on the offline engine. */
export interface WordingContext {
  offline: boolean;
}

/** One event as one line (or a few, for a summary with a way to carry on); undefined for an event not shown. */
export function eventLine(event: JourneyEventBody, context: WordingContext): string | undefined {
  const { offline } = context;
  const verb = (action: PhaseAction) => (offline && action !== "preview" ? `${action} (offline)` : action);
  switch (event.type) {
    case "operation-started":
      return `▶ ${event.command}   [${event.engineDescription}]`;
    case "phase-started":
      return `${event.phase}: ${verb(event.action)} (stack ${event.stack}${event.scope ? `, ${event.scope}` : ""})`;
    case "resource-step":
      return stepLine(event, offline);
    case "diagnostic":
      return `  ${event.severity === "info" ? "" : `${event.severity}: `}${event.message}`;
    case "phase-finished": {
      const what = event.skipped
        ? `nothing to do (${event.skipped})`
        : describeChanges(event.changes, offline ? "preview" : event.action);
      return `${event.phase}: ${verb(event.action)} ${event.skipped ? "" : "done: "}${what}${event.skipped ? "" : ` (${formatDuration(event.durationMs)})`}`;
    }
    case "gate":
      return `gate ${event.requires === event.phase ? event.phase : `${event.requires} -> ${event.phase}`}: ${event.verdict.toUpperCase()}: ${event.reason}`;
    case "smoke-check":
      return `  smoke ${CHECK_SYMBOL[event.status]} ${event.phase} | ${event.check}: ${checkStatusText(event.status, event.attempt)}${event.detail ? ` - ${event.detail}` : ""}`;
    case "weight":
      return `${event.migration}: ${offline ? "would set" : "setting"} weight ${event.from}% -> ${event.to}% (${event.reason})`;
    case "metric-gate":
      return `  gates ${verdictText(event.verdict)} ${event.migration} at ${event.weight}% (${formatDuration(event.windowMs)} of traffic): ${event.message}`;
    case "early-access":
      return `${event.migration}: ${event.reason === "already-on" ? "early access is on already" : `${offline ? "would turn" : "turning"} early access ${event.enabled ? "on" : "off"}${event.reason === "revert" ? " again (revert)" : ""}`} for ${event.header}: ${event.values.join(", ")}`;
    case "waiting":
      if (event.durationMs === 0) return `  ${event.detail}`;
      return `${event.real ? "waiting" : "would wait"} ${event.what === "load-balancers" ? "up to " : ""}${formatDuration(event.durationMs)} ${event.detail}`;
    case "summary": {
      const icon = event.outcome === "succeeded" ? "✓" : event.outcome === "cancelled" ? "■" : "✗";
      const resume =
        event.resume && event.outcome !== "succeeded" && !event.message.includes(event.resume)
          ? `\n  to carry on: ${event.resume}`
          : "";
      const changing = ["up", "shift", "rollback", "destroy"].includes(event.operation);
      const note = offline && changing && event.outcome === "succeeded" ? " (offline: nothing was deployed)" : "";
      return `${icon} ${event.outcome === "succeeded" ? "" : `${event.outcome.toUpperCase()}: `}${event.message}${note}${resume}`;
    }
    default:
      return undefined;
  }
}

/** A finished (or failed) resource step; unchanged resources and steps just started are left out. */
function stepLine(event: ResourceStep, offline: boolean): string | undefined {
  if (event.state === "started" || event.op === "same") return undefined;
  const progress = `${event.progress.done}${event.progress.total ? `/${event.progress.total}` : ""}`;
  const op =
    event.state === "failed"
      ? `FAILED ${event.op}`
      : offline || event.action === "preview"
        ? `would ${event.op}`
        : event.op;
  return `  ${OP_SYMBOL[event.op] ?? "*"} ${op} ${shortType(event.resourceType)} ${event.name}  [${progress}]`;
}

/** The lines of one operation's events, in order: its `operation-started` says whether it runs offline. */
export class EventText {
  private readonly context: WordingContext = { offline: false };

  line(event: JourneyEventBody): string | undefined {
    if (event.type === "operation-started") this.context.offline = event.engine === "offline";
    return eventLine(event, this.context);
  }
}
