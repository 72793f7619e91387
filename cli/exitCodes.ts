import type { Outcome } from "../automation/journey/events";

export const EXIT = { ok: 0, failed: 1, usage: 2, gateFailed: 3 } as const;

/** Exit codes scripts can rely on. */
export const EXIT_CODE: Record<Outcome, number> = {
  succeeded: EXIT.ok,
  failed: EXIT.failed,
  cancelled: EXIT.failed,
  usage: EXIT.usage,
  "gate-refused": EXIT.gateFailed,
  "rolled-back": EXIT.gateFailed,
};
