import type { Phase } from "../../config/schema";
import type { Outcome } from "./events";

/** Every failure a journey operation reports: a message for people, how to carry on, and the outcome. */
export abstract class JourneyError extends Error {
  abstract readonly outcome: Outcome;

  constructor(
    message: string,
    /** What to run next, e.g. `journey up crawl`. */
    readonly resume?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request itself is wrong: an unknown migration, bad steps, a destructive step not confirmed. */
export class UsageError extends JourneyError {
  readonly outcome = "usage";
}

/** A gate stopped the operation before it changed anything. */
export class GateRefusedError extends JourneyError {
  readonly outcome = "gate-refused";
}

/** A smoke check failed during a shift; the last good weight was applied again. */
export class RolledBackError extends JourneyError {
  readonly outcome = "rolled-back";

  constructor(
    message: string,
    readonly failedChecks: string[],
    readonly weight: number,
    resume?: string,
  ) {
    super(message, resume);
  }
}

/** The phase is deployed but its smoke checks do not pass before the deadline: it is not done. */
export class SmokeChecksFailedError extends JourneyError {
  readonly outcome = "failed";

  constructor(
    message: string,
    readonly failedChecks: string[],
    resume?: string,
  ) {
    super(message, resume);
  }
}

/** Another operation holds the stack: in this process, or a lock in the state backend. */
export class StackLockedError extends JourneyError {
  readonly outcome = "failed";

  constructor(
    readonly phase: Phase,
    holder: string,
    resume = `journey cancel ${phase}`,
  ) {
    super(
      `stack ${phase} is locked: ${holder}. If no other operation is running (a crashed or killed run leaves its lock behind), clear the lock with \`${resume}\` and run the command again.`,
      resume,
    );
  }
}

export class CancelledError extends JourneyError {
  readonly outcome = "cancelled";
}

/** The engine failed: a Pulumi CLI error, a provider error, a program error. */
export class EngineError extends JourneyError {
  readonly outcome = "failed";

  constructor(
    message: string,
    resume?: string,
    /** The end of the engine's own output, for diagnosis. */
    readonly detail?: string,
  ) {
    super(message, resume);
  }
}
