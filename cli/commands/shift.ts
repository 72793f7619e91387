import { UsageError } from "../../automation/journey/errors";
import { CliContext, CommonOptions } from "../context";
import { Execute, journeyCommand } from "../execute";
import { countOption, GateFlags, gateOverrides, intervalOption, percentOption, urlOption } from "../gateOptions";
import { bakeOption, durationFlag, durationOption, stepsOption } from "../options";

type ShiftOptions = CommonOptions & GateFlags & { steps?: number[]; bake: number; earlyAccess?: boolean };

/** `journey shift`: a migration's traffic moved step by step, each step baked and checked (metric gates too). */
export function addShiftCommand(ctx: CliContext, execute: Execute): void {
  journeyCommand(
    ctx,
    "shift",
    "Move a migration's traffic to the new service step by step: set run's weight, apply, bake, check; on a failing check set the last good weight back (exit 3)",
  )
    .argument("<migration>", "the migration's name in run's config (cloud-migration-journey:migrations)")
    .option(
      "--steps <percentages>",
      "weights to step through, rising, each above the weight deployed now, e.g. 10,25,50,100",
      stepsOption,
    )
    .option(
      "--early-access",
      "first turn on the migration's early access (migrations[].earlyAccess in run's config): those callers reach the microservice whatever the weight; bake and check it like a step",
    )
    .addOption(
      durationFlag(
        "--bake <duration>",
        "how long each step takes traffic before its smoke checks (at most 24h)",
        bakeOption,
        "5m",
      ),
    )
    .option("--checks-timeout <duration>", "retry failing smoke checks for this long (e.g. 2m)", durationOption)
    .option(
      "--prometheus <url>",
      "metric gates: the Prometheus HTTP API to read the gateway's traffic from (else run's metrics.prometheusUrl)",
      urlOption,
    )
    .option(
      "--min-success-rate <percent>",
      "metric gate: fail a step when fewer of the microservice's requests succeed (not 5xx), e.g. 99.5",
      percentOption,
    )
    .option(
      "--max-p99 <duration>",
      "metric gate: fail a step when the microservice's p99 latency is above this, e.g. 500ms",
      durationOption,
    )
    .option(
      "--max-error-rate-above-monolith <points>",
      "metric gate: fail a step when the microservice's error rate exceeds the monolith's by more percentage points over the same window, e.g. 1",
      percentOption,
    )
    .option(
      "--min-requests <n>",
      "metric gates: requests to the microservice needed to judge a step; below it the step holds (default 20)",
      countOption,
    )
    .option(
      "--gate-hold <duration>",
      "metric gates: how long a step may hold for lack of requests before it fails (default 10m)",
      durationOption,
    )
    .option(
      "--gate-interval <duration>",
      "metric gates: how often they are evaluated during a bake (default 5s, at least 1s)",
      intervalOption,
    )
    .action((migration: string, opts: ShiftOptions) => {
      if (!opts.steps && !opts.earlyAccess)
        throw new UsageError("shift needs --steps (e.g. --steps 10,25,50,100), --early-access, or both");
      const gates = gateOverrides(opts);
      return execute({ ...opts, notifyFromConfig: true }, (journey, signal) =>
        journey.shift(migration, opts.steps ?? [], {
          bakeMs: opts.bake,
          earlyAccess: opts.earlyAccess,
          gates,
          signal,
        }),
      );
    });
}
