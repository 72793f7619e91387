import type { MultiBar, SingleBar } from "cli-progress";
import type { JourneyEvent, PhaseAction, ResourceStep } from "../automation/journey/events";
import { EventText } from "../automation/journey/wording";
import { shortType } from "../offline/resourceTypes";

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
