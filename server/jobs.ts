import { PHASES, Phase } from "../config/schema";
import { shiftCommand } from "../automation/journey/earlyAccess";
import { gateFlags } from "../automation/journey/bake";
import { formatDuration } from "../automation/journey/wording";
import { JourneyError, RolledBackError, SmokeChecksFailedError, StackLockedError } from "../automation/journey/errors";
import type { Journey } from "../automation/journey/journey";
import type { JourneySource } from "./sources";
import type { JobRequest } from "./schemas";
import { Job, JobError, JobListener, JobView } from "./job";

/**
 * Jobs: journey operations started over the API. A job holds the stacks its operation takes (as
 * the library takes them: preview and up their phase, shift run, rollback every phase); one job
 * runs per stack at a time and later ones wait in a queue, first come first served. Each job keeps
 * its events, numbered from 1, for server-sent event streams to replay and follow.
 */

/** Finished jobs kept for `GET /api/jobs/{id}`; the oldest go first. */
const MAX_FINISHED = 200;

/** A request that cannot be taken, with the HTTP status that says why. */
export class JobRefused extends Error {
  constructor(
    readonly status: 409 | 429 | 503,
    readonly code: "locked" | "finished" | "shutting-down" | "duplicate" | "queue-full",
    message: string,
    readonly details: Record<string, unknown> = {},
    /** For a 429: when to try again (the `Retry-After` header). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "JobRefused";
  }
}

export interface JobManagerOptions {
  source: JourneySource;
  /** Lifecycle lines for the server's log. */
  log?: (line: string) => void;
  /** Called when a job starts or finishes: the stacks may have changed. */
  onChange?: () => void;
  /** Jobs that may wait per stack; past it a request is a 429 (default 10). */
  maxQueuedPerStack?: number;
}

/** Said in `Retry-After` when a stack's queue is full: a job rarely takes less. */
const QUEUE_FULL_RETRY_SECONDS = 60;

export class JobManager {
  private readonly jobs = new Map<string, Job>();
  private readonly order: Job[] = [];
  private draining = false;
  private readonly log: (line: string) => void;

  constructor(private readonly options: JobManagerOptions) {
    this.log = options.log ?? (() => undefined);
  }

  get acceptingJobs(): boolean {
    return !this.draining;
  }

  /**
   * Takes a job: runs it now when its stacks are free, queues it behind the jobs holding them
   * otherwise. Refused (409) when a stack is locked by an operation outside this server.
   */
  async submit(request: JobRequest, requestedBy: string): Promise<JobView> {
    this.refuseWhileDraining();
    const stacks = stacksOf(request);
    this.refuseCrowding(request);
    if (!this.heldHere(stacks)) await this.checkLocks(stacks);
    this.refuseWhileDraining();
    this.refuseCrowding(request);
    const job = new Job(request, stacks, commandOf(request), requestedBy);
    this.jobs.set(job.id, job);
    this.order.push(job);
    this.log(`job ${job.id} queued: ${job.command} (by ${requestedBy})`);
    this.schedule();
    return job.view();
  }

  get(id: string): JobView | undefined {
    return this.jobs.get(id)?.view({ full: true });
  }

  list(): JobView[] {
    return [...this.order].reverse().map((job) => job.view());
  }

  /** Jobs queued or running on a stack, oldest first. */
  activeOn(phase: Phase): JobView[] {
    return this.order.filter((j) => j.state !== "finished" && j.stacks.includes(phase)).map((j) => j.view());
  }

  /**
   * Cancels a job: a queued one at once, a running one cleanly (its operation stops after the
   * step in flight, state saved, and it ends `cancelled`). A finished one is a 409.
   */
  cancel(id: string): JobView | undefined {
    const job = this.jobs.get(id);
    if (!job) return undefined;
    if (job.state === "finished")
      throw new JobRefused(409, "finished", `job ${id} has already finished (${job.outcome})`, {
        outcome: job.outcome,
      });
    this.cancelJob(job, "cancelled over the API");
    return job.view();
  }

  /**
   * Replays the job's events after `lastId`, then follows it until it ends. Returns a function that
   * stops following; undefined when there is no such job.
   */
  follow(id: string, lastId: number, listener: JobListener): (() => void) | undefined {
    const job = this.jobs.get(id);
    if (!job) return undefined;
    for (const event of job.eventsAfter(lastId)) listener.onEvent(event);
    if (job.state === "finished") {
      listener.onEnd(job.view({ full: true }));
      return () => undefined;
    }
    const wrapped: JobListener = {
      onEvent: (e) => listener.onEvent(e),
      onEnd: () => listener.onEnd(job.view({ full: true })),
    };
    job.listeners.add(wrapped);
    return () => void job.listeners.delete(wrapped);
  }

  /**
   * Graceful shutdown: takes no more jobs, cancels the queued ones, lets running ones finish for
   * up to `graceMs`, then cancels them cleanly and waits for them to stop. `now` (e.g. a second
   * Ctrl-C) cuts the grace period short.
   */
  async shutdown(options: { graceMs: number; now?: AbortSignal }): Promise<void> {
    this.draining = true;
    for (const job of [...this.order]) if (job.state === "queued") this.cancelJob(job, "the server is shutting down");
    const running = this.order.filter((j) => j.state === "running");
    if (running.length === 0) return;
    this.log(`shutting down: waiting up to ${formatDuration(options.graceMs)} for ${running.length} running job(s)`);
    const allDone = Promise.all(running.map((j) => j.done));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.graceMs);
      options.now?.addEventListener("abort", () => resolve(), { once: true });
    });
    await Promise.race([allDone, graceOver]);
    clearTimeout(timer);
    const still = running.filter((j) => j.state !== "finished");
    if (still.length > 0) {
      this.log(`shutting down: cancelling ${still.length} running job(s) cleanly`);
      for (const job of still) this.cancelJob(job, "the server is shutting down");
    }
    await allDone;
  }

  private refuseWhileDraining(): void {
    if (this.draining) throw new JobRefused(503, "shutting-down", "the server is shutting down and takes no new jobs");
  }

  /**
   * A second shift of a migration while one is queued or running would start from a weight the
   * first is still changing; and each stack's queue is bounded.
   */
  refuseCrowding(request: JobRequest): void {
    const stacks = stacksOf(request);
    const active = this.order.filter((j) => j.state !== "finished");
    if (request.kind === "shift") {
      const same = active.find((j) => j.request.kind === "shift" && j.request.migration === request.migration);
      if (same) {
        throw new JobRefused(
          409,
          "duplicate",
          `a shift of ${request.migration} is already ${same.state} (job ${same.id}: ${same.command}); wait for it to finish or cancel it`,
          { job: same.id },
        );
      }
    }
    const limit = this.options.maxQueuedPerStack ?? 10;
    const full = stacks.find(
      (stack) => active.filter((j) => j.state === "queued" && j.stacks.includes(stack)).length >= limit,
    );
    if (full) {
      throw new JobRefused(
        429,
        "queue-full",
        `${limit} jobs are already waiting on stack ${full}; try again once some have run`,
        { stack: full, limit },
        QUEUE_FULL_RETRY_SECONDS,
      );
    }
  }

  private heldHere(stacks: Phase[]): boolean {
    return this.order.some((j) => j.state !== "finished" && j.stacks.some((s) => stacks.includes(s)));
  }

  /** A stack whose backend reports an update in progress is locked by an operation outside this server. */
  private async checkLocks(stacks: Phase[]): Promise<void> {
    const { journey, release } = this.options.source.open();
    let status;
    try {
      status = await journey.status({ checks: false });
    } catch {
      // Not readable now (e.g. no Pulumi CLI): the job itself will report why.
      return;
    } finally {
      await release();
    }
    // Jobs of this server that started meanwhile hold their stacks here: those queue instead.
    if (this.heldHere(stacks)) return;
    const locked = status.phases.filter((p) => stacks.includes(p.phase) && p.updateInProgress);
    if (locked.length > 0) {
      const names = locked.map((p) => p.stack);
      throw new JobRefused(
        409,
        "locked",
        `stack ${names.join(", ")} is locked by another operation (not a job of this server). If none is running (a crashed run leaves its lock), clear it with \`journey cancel ${locked[0].phase}\`.`,
        { stacks: names, resume: `journey cancel ${locked[0].phase}` },
      );
    }
  }

  private cancelJob(job: Job, why: string): void {
    job.cancelRequested = true;
    if (job.state === "queued") {
      job.finish("cancelled", { message: `${job.command} was cancelled before it started: ${why}` });
      this.log(`job ${job.id} cancelled while queued: ${why}`);
      this.evict();
      this.schedule();
    } else if (job.state === "running") {
      this.log(`job ${job.id} cancelling: ${why}`);
      job.controller.abort();
    }
  }

  /** Starts every queued job whose stacks are free, in order; a job never overtakes an earlier one on a stack they share. */
  private schedule(): void {
    const busy = new Set<Phase>();
    for (const job of this.order) {
      if (job.state === "running") job.stacks.forEach((s) => busy.add(s));
    }
    for (const job of this.order) {
      if (job.state !== "queued") continue;
      const free = job.stacks.every((s) => !busy.has(s));
      job.stacks.forEach((s) => busy.add(s));
      if (free && !this.draining) void this.run(job);
    }
  }

  private async run(job: Job): Promise<void> {
    job.state = "running";
    job.startedAt = new Date().toISOString();
    this.log(`job ${job.id} started: ${job.command}`);
    this.options.onChange?.();
    let opened: ReturnType<JourneySource["open"]> | undefined;
    let unsubscribe = () => undefined as void;
    try {
      opened = this.options.source.open();
      unsubscribe = opened.journey.subscribe((event) => job.push(event));
      const result = await operate(opened.journey, job.request, job.controller.signal);
      // Before anyone hears of the end, so that what they read next is fresh.
      this.options.onChange?.();
      job.finish("succeeded", { result });
    } catch (err) {
      this.options.onChange?.();
      if (err instanceof JourneyError) {
        job.finish(err.outcome, { error: describeError(err), message: err.message });
      } else {
        job.finish("failed", {
          error: { message: (err as Error)?.message ?? String(err) },
          message: (err as Error)?.message,
        });
      }
    } finally {
      unsubscribe();
      await opened?.release().catch(() => undefined);
      this.log(`job ${job.id} finished: ${job.outcome}${job.message ? `: ${job.message}` : ""}`);
      this.evict();
      this.schedule();
    }
  }

  private evict(): void {
    const finished = this.order.filter((j) => j.state === "finished");
    for (const job of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED))) {
      this.jobs.delete(job.id);
      this.order.splice(this.order.indexOf(job), 1);
    }
  }
}

function operate(journey: Journey, request: JobRequest, signal: AbortSignal): Promise<unknown> {
  switch (request.kind) {
    case "preview":
      return journey.preview(request.phase, { signal });
    case "up":
      return journey.up(request.phase, { signal });
    case "shift":
      return journey.shift(request.migration, request.steps, {
        bakeMs: request.bakeMs,
        earlyAccess: request.earlyAccess,
        gates: request.gates,
        signal,
      });
    case "rollback":
      return journey.rollback({ confirmDestroy: request.confirmDestroy, signal });
  }
}

/** The stacks the library's operation takes (automation/journey/journey.ts). */
export function stacksOf(request: JobRequest): Phase[] {
  switch (request.kind) {
    case "preview":
    case "up":
      return [request.phase];
    case "shift":
      return ["run"];
    case "rollback":
      return [...PHASES];
  }
}

export function commandOf(request: JobRequest): string {
  switch (request.kind) {
    case "preview":
    case "up":
      return `journey ${request.kind} ${request.phase}`;
    case "shift":
      return `${shiftCommand(request.migration, request.steps, request)}${gateFlags(request.gates)}`;
    case "rollback":
      return `journey rollback${request.confirmDestroy ? " --yes" : ""}`;
  }
}

function describeError(err: JourneyError): JobError {
  const error: JobError = { message: err.message, resume: err.resume };
  if (err instanceof StackLockedError) error.code = "locked";
  if (err instanceof RolledBackError || err instanceof SmokeChecksFailedError) error.failedChecks = err.failedChecks;
  return error;
}
