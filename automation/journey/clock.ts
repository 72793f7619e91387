import { setTimeout as sleep } from "timers/promises";

/** Time as the orchestrator sees it: bake times and smoke-check retries wait through this. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** False when waits are reported but not spent (rehearsals, tests). */
  readonly waits: boolean;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }),
  waits: true,
};

/** A clock whose waits pass instantly and move its time forward, so deadlines still hold. */
export function virtualClock(start = Date.now()): Clock {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      now += ms;
    },
    waits: false,
  };
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `30s`, `5m`, `1h`, or a combination such as `1m30s`. */
export function parseDuration(text: string): number {
  const parts = [...text.trim().matchAll(/(\d+)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text.trim()) {
    throw new Error(`"${text}" is not a duration; use e.g. 30s, 5m, 1h or 1m30s`);
  }
  return parts.reduce((ms, [, amount, unit]) => ms + Number(amount) * UNITS[unit], 0);
}
