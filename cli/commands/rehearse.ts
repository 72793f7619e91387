import { Option } from "commander";
import { DEFAULT_STEPS } from "../../automation/journey/migrations";
import { rehearse } from "../../automation/journey/rehearse";
import { availablePhases } from "../../offline/stackConfig";
import type { CliContext } from "../context";
import type { Execute } from "../execute";
import { bakeOption, durationFlag, stepsOption } from "../options";
import { renderRehearsal } from "../reports";

interface RehearseOptions {
  migration?: string;
  steps: number[];
  bake: number;
  json?: boolean;
  verbose?: boolean;
}

/** `journey rehearse`: the whole journey on the offline engine in one go. */
export function addRehearseCommand(ctx: CliContext, execute: Execute): void {
  ctx.program
    .command("rehearse")
    .description(
      "The whole journey on the offline engine in one go (up each phase, shift, rollback, destroy), printing what each step would do; nothing is deployed",
    )
    .option("--migration <name>", "the migration to shift (default: the first in run's config)")
    .addOption(
      new Option("--steps <percentages>", "weights to step through, rising")
        .argParser(stepsOption)
        .default([...DEFAULT_STEPS], DEFAULT_STEPS.join(",")),
    )
    .addOption(
      durationFlag("--bake <duration>", "bake time per step (reported, not waited; at most 24h)", bakeOption, "5m"),
    )
    .option("--verbose", "print every event (each resource of each phase), not only what each step did")
    .option("--json", "print the events as NDJSON on stdout, the steps' outcomes last")
    .action((opts: RehearseOptions) =>
      execute(
        { ...opts, offline: true, quiet: !opts.verbose },
        async (journey, signal) => {
          const { steps, failure } = await rehearse(journey, {
            phases: ctx.deps.phases ?? availablePhases(),
            migration: opts.migration,
            steps: opts.steps,
            bakeMs: opts.bake,
            signal,
          });
          if (!opts.json) ctx.io.out(renderRehearsal(steps, { verbose: !!opts.verbose }));
          if (failure) throw failure;
          return steps;
        },
        undefined,
        { session: false },
      ),
    );
}
