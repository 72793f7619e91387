import type { MultiBar, SingleBar } from "cli-progress";
import { formatDuration } from "../automation/journey/clock";
import type { JourneyEvent, PhaseAction, ResourceStep } from "../automation/journey/events";
import { describeChanges } from "../automation/journey/journey";
import { shortType } from "../automation/planReport";

/** Shows a journey's events: progress bars on a terminal, plain lines in CI and pipes, NDJSON for machines. */
export interface Renderer {
  onEvent(event: JourneyEvent): void;
  close(): void;
}

type Write = (text: string) => void;

/** One JSON object per line, exactly the library's events. */
export class NdjsonRenderer implements Renderer {
  constructor(private readonly write: Write) {}

  onEvent(event: JourneyEvent): void {
    this.write(`${JSON.stringify(event)}\n`);
  }

  close(): void {}
}

const OP_SYMBOL: Record<string, string> = {
  create: "+",
  update: "~",
  replace: "+-",
  delete: "-",
  same: " ",
  read: ">",
};
const CHECK_SYMBOL = { passed: "✓", failed: "✗", "not-run": "·", retrying: "…" } as const;

/** Turns events into lines for people; offline, everything is said as what would happen. */
export class EventText {
  private offline = false;

  line(event: JourneyEvent): string | undefined {
    switch (event.type) {
      case "operation-started":
        this.offline = event.engine === "offline";
        return `▶ ${event.command}   [${event.engineDescription}]`;
      case "phase-started":
        return `${event.phase}: ${this.verb(event.action)} (stack ${event.stack}${event.scope ? `, ${event.scope}` : ""})`;
      case "resource-step":
        return this.step(event);
      case "diagnostic":
        return `  ${event.severity === "info" ? "" : `${event.severity}: `}${event.message}`;
      case "phase-finished": {
        const what = event.skipped
          ? `nothing to do (${event.skipped})`
          : describeChanges(event.changes, this.offline ? "preview" : event.action);
        return `${event.phase}: ${this.verb(event.action)} ${event.skipped ? "" : "done: "}${what}${event.skipped ? "" : ` (${formatDuration(event.durationMs)})`}`;
      }
      case "gate":
        return `gate ${event.requires === event.phase ? event.phase : `${event.requires} -> ${event.phase}`}: ${event.verdict.toUpperCase()}: ${event.reason}`;
      case "smoke-check": {
        const status =
          event.status === "not-run"
            ? "NOT RUN"
            : event.status === "retrying"
              ? `retrying (attempt ${event.attempt})`
              : event.status;
        return `  smoke ${CHECK_SYMBOL[event.status]} ${event.phase} | ${event.check}: ${status}${event.detail ? ` - ${event.detail}` : ""}`;
      }
      case "weight":
        return `${event.migration}: ${this.offline ? "would set" : "setting"} weight ${event.from}% -> ${event.to}% (${event.reason})`;
      case "metric-gate":
        return `  gates ${event.verdict === "not-run" ? "NOT RUN" : event.verdict.toUpperCase()} ${event.migration} at ${event.weight}% (${formatDuration(event.windowMs)} of traffic): ${event.message}`;
      case "early-access":
        return `${event.migration}: ${event.reason === "already-on" ? "early access is on already" : `${this.offline ? "would turn" : "turning"} early access ${event.enabled ? "on" : "off"}${event.reason === "revert" ? " again (revert)" : ""}`} for ${event.header}: ${event.values.join(", ")}`;
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
        const note =
          this.offline && changing && event.outcome === "succeeded" ? " (offline: nothing was deployed)" : "";
        return `${icon} ${event.outcome === "succeeded" ? "" : `${event.outcome.toUpperCase()}: `}${event.message}${note}${resume}`;
      }
    }
  }

  /** A finished (or failed) resource step; unchanged resources are left out. */
  private step(event: ResourceStep): string | undefined {
    if (event.state === "started" || event.op === "same") return undefined;
    const progress = `${event.progress.done}${event.progress.total ? `/${event.progress.total}` : ""}`;
    const op =
      event.state === "failed"
        ? `FAILED ${event.op}`
        : this.offline || event.action === "preview"
          ? `would ${event.op}`
          : event.op;
    return `  ${OP_SYMBOL[event.op] ?? "*"} ${op} ${shortType(event.resourceType)} ${event.name}  [${progress}]`;
  }

  private verb(action: PhaseAction): string {
    return this.offline && action !== "preview" ? `${action} (offline)` : action;
  }
}

/** Plain lines: CI logs, pipes, dumb terminals. */
export class PlainRenderer implements Renderer {
  private readonly text = new EventText();

  constructor(private readonly write: Write) {}

  onEvent(event: JourneyEvent): void {
    const line = this.text.line(event);
    if (line !== undefined) this.write(`${line}\n`);
  }

  close(): void {}
}

export interface TerminalStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

/** Bars drawn at once at most; further resources in flight still count in the phase's bar. */
const MAX_RESOURCE_BARS = 10;

/**
 * A terminal: per phase, one bar for the phase and one per resource in flight; everything else
 * as lines above the bars.
 */
export class BarsRenderer implements Renderer {
  private readonly text = new EventText();
  private bars?: MultiBar;
  private phaseBar?: SingleBar;
  private readonly resourceBars = new Map<string, SingleBar>();
  private started = 0;

  constructor(private readonly stream: TerminalStream) {}

  onEvent(event: JourneyEvent): void {
    const line = this.text.line(event);
    if (event.type === "phase-started") this.startPhase(event.phase, event.action);
    if (event.type === "resource-step") this.step(event);
    if (line !== undefined) this.print(line);
    if (event.type === "phase-finished") this.stopBars();
  }

  close(): void {
    this.stopBars();
  }

  private startPhase(phase: string, action: PhaseAction): void {
    this.stopBars();
    // Loaded on a terminal only: plans, CI lines and NDJSON never draw bars.
    const { MultiBar, Presets } = require("cli-progress") as typeof import("cli-progress");
    this.bars = new MultiBar(
      {
        stream: this.stream as NodeJS.WritableStream,
        clearOnComplete: true,
        hideCursor: true,
        autopadding: true,
        format: "{label} [{bar}] {value}/{total} {what}",
      },
      Presets.shades_grey,
    );
    this.phaseBar = this.bars.create(0, 0, { label: `${phase} ${action}`, what: "resources" });
    this.started = 0;
  }

  private step(event: ResourceStep): void {
    if (!this.bars || !this.phaseBar) return;
    if (event.state === "started") {
      this.started++;
      if (this.resourceBars.size < MAX_RESOURCE_BARS) {
        this.resourceBars.set(
          event.urn,
          this.bars.create(1, 0, {
            label: `  ${event.op.padEnd(7)}`,
            what: `${shortType(event.resourceType)} ${event.name}`,
          }),
        );
      }
    } else {
      const bar = this.resourceBars.get(event.urn);
      if (bar) {
        bar.update(1);
        this.bars.remove(bar);
        this.resourceBars.delete(event.urn);
      }
    }
    this.phaseBar.setTotal(Math.max(event.progress.total ?? 0, this.started, event.progress.done));
    this.phaseBar.update(event.progress.done);
  }

  private print(line: string): void {
    if (this.bars) this.bars.log(`${line}\n`);
    else this.stream.write(`${line}\n`);
  }

  private stopBars(): void {
    if (!this.bars) return;
    this.bars.update();
    this.bars.stop();
    this.bars = undefined;
    this.phaseBar = undefined;
    this.resourceBars.clear();
  }
}
