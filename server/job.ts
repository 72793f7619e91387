import { randomUUID } from "crypto";
import type { Phase } from "../config/schema";
import type { JourneyEvent, Outcome } from "../automation/journey/events";
import type { JobKind, JobRequest } from "./schemas";

/** One job of the portal server (server/jobs.ts schedules them): its state, events and listeners. */

export type JobState = "queued" | "running" | "finished";

export interface JobError {
  message: string;
  resume?: string;
  /** `locked`: another operation held a stack the job needed. */
  code?: "locked";
  failedChecks?: string[];
}

export interface JobView {
  id: string;
  kind: JobKind;
  request: JobRequest;
  /** The stacks the job holds while it runs. */
  stacks: Phase[];
  /** The CLI command that does the same. */
  command: string;
  state: JobState;
  /** How it ended, once finished. */
  outcome?: Outcome;
  requestedBy: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  cancelRequested: boolean;
  /** The newest resource step: where a running job is. */
  progress?: { phase: Phase; action: string; done: number; total?: number };
  /** The operation's summary. */
  message?: string;
  result?: unknown;
  error?: JobError;
  events: number;
}

export interface SequencedEvent {
  id: number;
  event: JourneyEvent;
}

export interface JobListener {
  onEvent(event: SequencedEvent): void;
  onEnd(job: JobView): void;
}

/** Events kept per job; a longer operation keeps its first and newest ones, with a gap reported. */
const MAX_EVENTS = 20_000;

export class Job {
  readonly id = randomUUID();
  readonly createdAt = new Date().toISOString();
  state: JobState = "queued";
  outcome?: Outcome;
  startedAt?: string;
  finishedAt?: string;
  cancelRequested = false;
  progress?: JobView["progress"];
  message?: string;
  result?: unknown;
  error?: JobError;
  readonly events: SequencedEvent[] = [];
  private sequence = 0;
  readonly listeners = new Set<JobListener>();
  readonly controller = new AbortController();
  /** Settles when the job is finished. */
  readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(
    readonly request: JobRequest,
    readonly stacks: Phase[],
    readonly command: string,
    readonly requestedBy: string,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  push(event: JourneyEvent): void {
    const sequenced = { id: ++this.sequence, event };
    if (this.events.length >= MAX_EVENTS) this.events.splice(MAX_EVENTS / 2, 1);
    this.events.push(sequenced);
    if (event.type === "resource-step")
      this.progress = {
        phase: event.phase,
        action: event.action,
        done: event.progress.done,
        total: event.progress.total,
      };
    if (event.type === "summary") this.message = event.message;
    for (const listener of this.listeners) listener.onEvent(sequenced);
  }

  finish(outcome: Outcome, fields: { result?: unknown; error?: JobError; message?: string }): void {
    this.state = "finished";
    this.outcome = outcome;
    this.finishedAt = new Date().toISOString();
    this.result = fields.result;
    this.error = fields.error;
    this.message = fields.message ?? this.message;
    const view = this.view();
    for (const listener of [...this.listeners]) listener.onEnd(view);
    this.listeners.clear();
    this.resolveDone();
  }

  /** Events after `lastId`, oldest first. */
  eventsAfter(lastId: number): SequencedEvent[] {
    return this.events.filter((e) => e.id > lastId);
  }

  view(options: { full?: boolean } = {}): JobView {
    return {
      id: this.id,
      kind: this.request.kind,
      request: this.request,
      stacks: this.stacks,
      command: this.command,
      state: this.state,
      outcome: this.outcome,
      requestedBy: this.requestedBy,
      createdAt: this.createdAt,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
      cancelRequested: this.cancelRequested,
      progress: this.progress,
      message: this.message,
      ...(options.full ? { result: this.result, error: this.error } : {}),
      events: this.sequence,
    };
  }
}
