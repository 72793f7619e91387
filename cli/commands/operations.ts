import { Argument } from "commander";
import { PHASES, Phase } from "../../config/schema";
import { UsageError } from "../../automation/journey/errors";
import { CliContext, CommonOptions, phaseArgument } from "../context";
import { Execute, journeyCommand } from "../execute";
import { durationOption } from "../options";
import { renderStatus } from "../reports";

/** The journey's operations on whole phases, forward: status, preview, up. */
export function addPhaseCommands(ctx: CliContext, execute: Execute): void {
  journeyCommand(
    ctx,
    "status",
    "Where the journey stands, read from the stacks: each phase deployed or not, its last update and smoke checks, run's weights; and what to run next",
  )
    .option("--no-checks", "do not run the smoke checks")
    .action((opts: CommonOptions & { checks: boolean }) =>
      execute(opts, (journey, signal) => journey.status({ checks: opts.checks, signal }), renderStatus),
    );

  journeyCommand(ctx, "preview", "What `up` would change in a phase's stack (needs the phase before it deployed)")
    .addArgument(phaseArgument("the phase to preview"))
    .action((phase: Phase, opts: CommonOptions) =>
      execute(opts, (journey, signal) => journey.preview(phase, { signal })),
    );

  journeyCommand(
    ctx,
    "up",
    "Deploy a phase: refused unless the phase before it is deployed and its smoke checks pass; done when the phase's own smoke checks pass",
  )
    .addArgument(phaseArgument("the phase to deploy"))
    .option("--checks-timeout <duration>", "retry failing smoke checks for this long (e.g. 10m)", durationOption)
    .action((phase: Phase, opts: CommonOptions) =>
      execute({ ...opts, notifyFromConfig: true }, (journey, signal) => journey.up(phase, { signal })),
    );
}

/** The journey's operations back: rollback, destroy, and cancel for a run that went wrong. */
export function addRecoveryCommands(ctx: CliContext, execute: Execute): void {
  journeyCommand(
    ctx,
    "rollback",
    "One step back: the last shift back to its previous weight or, with --yes, destroy the newest phase",
  )
    .option("--yes", "confirm destroying the newest phase when no shift is left to undo")
    .action((opts: CommonOptions & { yes?: boolean }) =>
      execute({ ...opts, notifyFromConfig: true }, (journey, signal) =>
        journey.rollback({ confirmDestroy: opts.yes, signal }),
      ),
    );

  journeyCommand(
    ctx,
    "destroy",
    "Destroy run, walk and crawl in that order, waiting for cloud load balancers to go before the network; skips what is gone, so it resumes after a failure",
  )
    .option("--yes", "confirm: every phase's resources are deleted")
    .action((opts: CommonOptions & { yes?: boolean }) => {
      if (!opts.yes && !opts.offline)
        throw new UsageError("destroy deletes every phase's resources; run `journey destroy --yes` to confirm");
      return execute({ ...opts, notifyFromConfig: true }, (journey, signal) => journey.destroy({ signal }));
    });

  journeyCommand(
    ctx,
    "cancel",
    "Cancel the update running on a phase's stack, or clear the lock a crashed or killed run left behind",
  )
    .addArgument(
      new Argument("[phase]", "the stack to cancel; without it, every stack that reports a running update").choices([
        ...PHASES,
      ]),
    )
    .action((phase: Phase | undefined, opts: CommonOptions) => execute(opts, (journey) => journey.cancel(phase)));
}
