/**
 * The offline journey through the orchestrator (`Journey.up` for every phase: gates, smoke checks
 * reported as not run, events) against the offline engine called directly (`offlinePlan`: the same
 * phases evaluated in order), in one process, alternating, median of several runs each.
 */
import { offlineJourney } from "../automation/journey";
import { OfflineEngine } from "../automation/engines/offline";
import { offlinePlan } from "../offline/plan";
import { availablePhases } from "../offline/stackConfig";

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const TARGET = 1.1;
const phases = availablePhases();

const contenders: Array<[string, () => Promise<unknown>]> = [
  ["offline engine directly (offlinePlan)", () => offlinePlan({ phases })],
  [
    "OfflineEngine.up per phase",
    async () => {
      const engine = new OfflineEngine();
      for (const phase of phases) await engine.up(phase, { emit: () => undefined });
    },
  ],
  [
    "Journey.up per phase (orchestrated)",
    async () => {
      const journey = offlineJourney();
      let events = 0;
      journey.subscribe(() => events++);
      for (const phase of phases) await journey.up(phase);
      await journey.dispose();
    },
  ],
];

async function time(run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  console.log(
    `\noffline journey of ${phases.join(", ")}: the orchestrator against the offline engine, same process, ${RUNS} alternating runs`,
  );
  for (const [, run] of contenders) await run(); // warm-up: module loading and JIT
  const times = contenders.map(() => [] as number[]);
  for (let i = 0; i < RUNS; i++) for (const [c, [, run]] of contenders.entries()) times[c].push(await time(run));
  const medians = times.map(median);
  contenders.forEach(([label], c) =>
    console.log(
      `${label.padEnd(40)} median ${medians[c].toFixed(0).padStart(5)} ms   (runs: ${times[c].map((t) => t.toFixed(0)).join(", ")})`,
    ),
  );
  const ratio = medians[2] / medians[0];
  console.log(
    `\norchestrated / offline engine = ${ratio.toFixed(2)}x (target <= ${TARGET}x): ${ratio <= TARGET ? "met" : "NOT met"}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
