import type { JourneyEvent } from "../../automation/journey/events";
import { EventText } from "../../automation/journey/wording";

/**
 * A job's events as the page lists them: one item per event the CLI prints a line for, with the
 * CLI's words (automation/journey/wording.ts). Pure, so that a test compares it with the CLI.
 */

export interface EventItem {
  type: JourneyEvent["type"];
  /** The outcome of a summary, for its colour. */
  className: string;
  text: string;
}

/** The items of one job's events, read in order (a new one per job followed). */
export class EventList {
  private readonly text = new EventText();

  item(event: JourneyEvent): EventItem | undefined {
    const text = this.text.line(event);
    if (text === undefined) return undefined;
    return { type: event.type, className: event.type === "summary" ? event.outcome : "", text };
  }
}
