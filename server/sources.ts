import {
  Journey,
  OfflineEngine,
  OfflineEngineOptions,
  offlineSmokeRunner,
  pulumiJourney,
  PulumiEngineOptions,
  virtualClock,
} from "../automation/journey";
import type { EngineKind } from "../automation/journey/events";
import type { JourneyOptions } from "../automation/journey/journey";
import { DEFAULT_BACKEND_URL } from "../automation/engines/pulumi";

/**
 * Where the server's journeys come from. Each job (and each status read) gets its own `Journey`,
 * so that its events are its own and never mix with another job's; they all share the same stacks:
 * the same Pulumi backend, or one offline engine that lives as long as the server, so that what an
 * offline `up` or `shift` did shows in later status reads. Operations on one stack exclude each
 * other through the library's per-stack lock, whichever journey runs them.
 */
export interface JourneySource {
  readonly kind: EngineKind;
  describe(): string;
  /** A journey over the shared stacks; `release` when done with it. */
  open(): { journey: Journey; release(): Promise<void> };
  /** Releases the shared state (the offline engine's stacks). */
  close(): Promise<void>;
}

type Extras = Pick<JourneyOptions, "smoke" | "smokePolicy" | "loadBalancerProbe" | "metrics">;

/** The offline engine: one engine (one set of in-memory stacks) for the source's lifetime. */
export function offlineSource(options: OfflineEngineOptions & Extras = {}): JourneySource {
  const { smoke, smokePolicy, loadBalancerProbe, metrics, ...engineOptions } = options;
  const engine = new OfflineEngine(engineOptions);
  return {
    kind: "offline",
    describe: () => engine.describe(),
    open: () => ({
      // Not offlineJourney(): that builds its own engine, and these journeys must share one.
      journey: new Journey({
        engine,
        smoke: smoke ?? offlineSmokeRunner,
        smokePolicy,
        clock: virtualClock(),
        loadBalancerProbe,
        metrics,
      }),
      // Disposing a journey disposes its engine, which would drop the shared stacks.
      release: async () => undefined,
    }),
    close: () => engine.dispose(),
  };
}

/** The real stacks: the Pulumi engine over this project, a fresh engine per journey, state in the backend. */
export function pulumiSource(options: PulumiEngineOptions & Extras = {}): JourneySource {
  const make = () => pulumiJourney({ interruptOnAbort: true, ...options });
  const backend = (options.env ?? process.env).PULUMI_BACKEND_URL || DEFAULT_BACKEND_URL;
  return {
    kind: "pulumi",
    describe: () => `Pulumi engine (backend ${backend})`,
    open: () => {
      const journey = make();
      return { journey, release: () => journey.dispose() };
    },
    close: async () => undefined,
  };
}
