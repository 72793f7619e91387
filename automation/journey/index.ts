/**
 * The journey library: what the `journey` CLI, CI jobs and internal portals drive the migration
 * with. `pulumiJourney()` runs the real stacks; `offlineJourney()` rehearses them in-process.
 */
import { OfflineEngine, OfflineEngineOptions } from "../engines/offline";
import { PulumiEngine, PulumiEngineOptions } from "../engines/pulumi";
import { virtualClock } from "./clock";
import { Journey, JourneyOptions } from "./journey";
import { offlineSmokeRunner } from "./smoke";

export * from "./clock";
export * from "./errors";
export * from "./events";
export * from "./journey";
export * from "./reports";
export { describeChanges, formatDuration } from "./wording";
export * from "./migrations";
export * from "./notify";
export * from "./gates";
export * from "./bake";
export * from "./prometheus";
export * from "./rehearse";
export * from "./smoke";
export type { DeployedResource, Engine, StackState, UpdateRecord } from "../engines/engine";
export { OfflineEngine } from "../engines/offline";
export type { OfflineEngineOptions, OfflineStep } from "../engines/offline";
export { PulumiEngine, SECRETS_FROM_ENV } from "../engines/pulumi";
export type { PulumiEngineOptions } from "../engines/pulumi";

type JourneyExtras = Omit<JourneyOptions, "engine">;

/** The real journey: the Pulumi engine, smoke checks over HTTP, real waits. */
export function pulumiJourney(options: PulumiEngineOptions & JourneyExtras = {}): Journey {
  const { smoke, smokePolicy, clock, loadBalancerProbe, loadBalancerTimeoutMs, metrics, ...engine } = options;
  return new Journey({
    engine: new PulumiEngine(engine),
    smoke,
    smokePolicy,
    clock,
    loadBalancerProbe,
    loadBalancerTimeoutMs,
    metrics,
  });
}

/**
 * A rehearsal: the offline engine, whose state lives as long as this journey; smoke checks
 * reported as not run; bake times and load-balancer waits reported, not spent.
 */
export function offlineJourney(options: OfflineEngineOptions & JourneyExtras = {}): Journey {
  const { smoke, smokePolicy, clock, loadBalancerProbe, loadBalancerTimeoutMs, metrics, ...engine } = options;
  return new Journey({
    engine: new OfflineEngine(engine),
    metrics,
    smoke: smoke ?? offlineSmokeRunner,
    smokePolicy,
    clock: clock ?? virtualClock(),
    loadBalancerProbe,
    loadBalancerTimeoutMs,
  });
}
