import * as fs from "fs";
import * as path from "path";
import { Argument, Command, CommanderError, Option } from "commander";
import { ConfigError } from "../config/load";
import { PHASES, Phase } from "../config/schema";
import { offlineJourney, pulumiJourney } from "../automation/journey";
import { JourneyError, UsageError } from "../automation/journey/errors";
import type { Outcome } from "../automation/journey/events";
import type { Journey, JourneyStatus } from "../automation/journey/journey";
import { DEFAULT_STEPS } from "../automation/journey/migrations";
import { rehearse } from "../automation/journey/rehearse";
import { planJson, renderPlanText, writeArtifacts } from "../automation/planReport";
import { refProblem } from "../automation/planDiff";
import { formatPolicyReport } from "../policy/report";
import { PROJECT_DIR } from "../offline/stackConfig";
import type { OfflineEngineOptions } from "../automation/engines/offline";
import { fileSession, offlineStatePath } from "../automation/engines/offlineSession";
import { bakeOption, durationFlag, durationOption, ensureWritableFolder, portOption, stepsOption } from "./options";
import { notifierFromConfig, notifierFromFlags } from "./notify";
import { countOption, GateFlags, gateOverrides, intervalOption, percentOption, urlOption } from "./gateOptions";
import { Io, printPlanDiff, renderRehearsal, renderStatus, runPolicyPack } from "./reports";
import { BarsRenderer, NdjsonRenderer, PlainRenderer, Renderer, TerminalStream } from "./renderers";

export type { Io } from "./reports";

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

/** Phases whose stack file is in the project: what `plan` covers by default. */
export function availablePhases(dir = PROJECT_DIR): Phase[] {
  return PHASES.filter((p) => fs.existsSync(path.join(dir, `Pulumi.${p}.yaml`)));
}

export interface JourneyMode {
  offline: boolean;
  /** Offline, keep the stacks in the session's file from one command to the next (plan and rehearse start afresh). */
  session?: boolean;
  /** A person at a terminal: Ctrl-C reaches the Pulumi CLI directly. */
  interactive: boolean;
  smokeTimeoutMs?: number;
}

export interface CliDeps {
  /** Builds the journey a command runs on (tests substitute engines and smoke runners here). */
  journey?: (mode: JourneyMode) => Journey;
  env?: NodeJS.ProcessEnv;
  /** Where progress bars draw; bars only when it is a terminal and not CI. Defaults to stderr. */
  terminal?: TerminalStream;
  /** Cancels the running command; defaults to Ctrl-C (SIGINT) and SIGTERM. */
  signal?: AbortSignal;
  /** The phases the project has stacks for; defaults to the Pulumi.<phase>.yaml files present. */
  phases?: Phase[];
  /** The offline engine's program and stack files (tests), where `journey` is not given. */
  offlineEngine?: OfflineEngineOptions;
}

interface CommonOptions {
  offline?: boolean;
  json?: boolean;
  checksTimeout?: number;
  notify?: string;
  /** Read run's secret notifyUrl when neither --notify nor JOURNEY_NOTIFY_URL names a webhook. */
  notifyFromConfig?: boolean;
}

const HELP_AFTER = `
The real journey (Pulumi engine; state in file://~ unless PULUMI_BACKEND_URL says otherwise):
  journey up crawl
  journey up walk
  journey up run
  journey shift disputes --steps 10,25,50,100 --bake 5m
  journey status

A newcomer's first look, with no cloud account: journey rehearse
--offline on any command runs it on the offline engine: nothing is deployed, smoke checks are
reported as NOT RUN, and the stacks are kept for the session in .journey/offline-state.json
(JOURNEY_OFFLINE_STATE moves it; \`journey destroy --offline\` or deleting the file starts afresh).

Exit codes: 0 ok, 1 failed (or cancelled), 2 bad usage, 3 a gate stopped the operation and the
journey is at its last good state (nothing changed, or the weight was set back).`;

const phaseArgument = (description: string) => new Argument("<phase>", description).choices([...PHASES]);

/** The package's version, for `journey --version`. */
export function packageVersion(dir = PROJECT_DIR): string {
  return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version;
}

export function buildCli(io: Io, setExit: (code: number) => void, deps: CliDeps = {}): Command {
  const env = deps.env ?? process.env;
  const terminal = deps.terminal ?? process.stderr;
  const interactive = terminal.isTTY === true && !isCi(env);
  const makeJourney =
    deps.journey ??
    ((mode: JourneyMode) => {
      const smokePolicy = mode.smokeTimeoutMs === undefined ? undefined : { timeoutMs: mode.smokeTimeoutMs };
      const session = mode.session ? fileSession(offlineStatePath(PROJECT_DIR, env)) : undefined;
      return mode.offline
        ? offlineJourney({ ...deps.offlineEngine, smokePolicy, session })
        : pulumiJourney({ env, interruptOnAbort: !mode.interactive, smokePolicy });
    });

  const program = new Command("journey")
    .description(
      "Crawl/Walk/Run: move an on-prem monolith to the cloud with Kong Konnect and Kong Mesh, without breaking its API consumers",
    )
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .version(packageVersion(), "-V, --version", "print the version of cloud-migration-journey")
    .addHelpText("after", HELP_AFTER)
    .exitOverride();

  /** A command that runs a journey operation: renders its events, maps its outcome to the exit code. */
  const journeyCommand = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .option(
        "--offline",
        "run on the offline engine: nothing is deployed, smoke checks are NOT RUN; stacks kept for the session in .journey/offline-state.json",
      )
      .option("--json", "print the events as NDJSON on stdout (one JSON object per line), the result last")
      .option(
        "--notify <url>",
        "post each step, gate decision and rollback as JSON to this webhook (https, or http on loopback); also JOURNEY_NOTIFY_URL or run's secret notifyUrl",
      );

  async function execute<T>(
    opts: CommonOptions & { quiet?: boolean },
    operation: (journey: Journey, signal: AbortSignal) => Promise<T>,
    report?: (result: T) => string,
    mode: Partial<JourneyMode> = { session: true },
  ): Promise<void> {
    const flagged = notifierFromFlags(opts.notify, env, io);
    const journey = makeJourney({ offline: !!opts.offline, interactive, smokeTimeoutMs: opts.checksTimeout, ...mode });
    const notifier = flagged ?? (opts.notifyFromConfig ? await notifierFromConfig(journey, io) : undefined);
    const unnotify = notifier ? journey.subscribe(notifier.listener) : () => undefined;
    const quiet: Renderer = { onEvent: () => undefined, close: () => undefined };
    const renderer: Renderer = opts.json
      ? new NdjsonRenderer(io.out)
      : opts.quiet
        ? quiet
        : interactive
          ? new BarsRenderer(terminal)
          : new PlainRenderer(io.out);
    const unsubscribe = journey.subscribe((event) => renderer.onEvent(event));
    const cancellation = cancelOn(deps.signal, io.err);
    try {
      const result = await operation(journey, cancellation.signal);
      renderer.close();
      if (opts.json) io.out(`${JSON.stringify({ type: "result", result })}\n`);
      else if (report) io.out(report(result));
      setExit(EXIT.ok);
    } catch (err) {
      renderer.close();
      if (!(err instanceof JourneyError)) throw err;
      if (opts.json) io.err(`journey: ${err.message}\n`);
      setExit(EXIT_CODE[err.outcome]);
    } finally {
      unsubscribe();
      unnotify();
      await notifier?.flush();
      cancellation.dispose();
      await journey.dispose();
    }
  }

  program
    .command("plan")
    .description(
      "Offline plan: evaluate the real program in-process under mocks, phase after phase (no cloud account, no CLI, no network)",
    )
    .addOption(
      new Option(
        "--phase <phase>",
        "report this phase (the ones before it are evaluated too: it reads their outputs)",
      ).choices([...PHASES]),
    )
    .option("--json", "print one JSON document on stdout")
    .option("--out <dir>", "write every rendered artefact under <dir>/<phase>/")
    .option("--policy", "run the guardrails policy pack (policy/) on the plan; exit 1 on any mandatory violation")
    .option(
      "--policy-config <file>",
      "policy pack config, the same JSON file `pulumi preview --policy-pack-config` takes",
    )
    .option(
      "--diff-base <ref>",
      "compare with the offline plan of a git ref (evaluated in a temporary worktree) and print a markdown summary per phase (with --json: the diff as JSON)",
    )
    .action(
      async (opts: {
        phase?: Phase;
        json?: boolean;
        out?: string;
        diffBase?: string;
        policy?: boolean;
        policyConfig?: string;
      }) => {
        if (opts.diffBase !== undefined && opts.out !== undefined)
          throw new UsageError("--diff-base compares plans; it writes no artefacts (drop --out)");
        if (opts.policyConfig !== undefined && !opts.policy) throw new UsageError("--policy-config goes with --policy");
        const badRef = opts.diffBase === undefined ? undefined : refProblem(opts.diffBase);
        if (badRef) throw new UsageError(`--diff-base: ${badRef}`);
        if (opts.out !== undefined) ensureWritableFolder(opts.out);
        const journey = makeJourney({ offline: true, interactive, session: false });
        const unsubscribe = opts.json
          ? () => undefined
          : journey.subscribe((event) => {
              if (event.type === "phase-started") io.err(`evaluating ${event.phase} offline...\n`);
              if (event.type === "phase-finished") io.err(`evaluated ${event.phase} in ${event.durationMs} ms\n`);
            });
        try {
          const plan = await journey.plan(opts.phase ? [opts.phase] : (deps.phases ?? availablePhases()));
          if (opts.diffBase !== undefined) {
            setExit(
              await printPlanDiff(
                plan,
                opts.diffBase,
                { json: !!opts.json, phases: opts.phase ? [opts.phase] : undefined },
                io,
              ),
            );
            return;
          }
          if (opts.out) {
            const written = writeArtifacts(plan, opts.out);
            if (!opts.json) io.err(`wrote ${written.length} artefacts under ${opts.out}\n`);
          }
          const policy = opts.policy ? await runPolicyPack(plan, opts.policyConfig) : undefined;
          io.out(
            opts.json
              ? JSON.stringify({ ...planJson(plan), ...(policy && { policy }) }, null, 2) + "\n"
              : renderPlanText(plan) + (policy ? `\n${formatPolicyReport(policy)}` : ""),
          );
          setExit(policy && policy.summary.mandatory > 0 ? EXIT.failed : EXIT.ok);
        } finally {
          unsubscribe();
          await journey.dispose();
        }
      },
    );

  journeyCommand(
    "status",
    "Where the journey stands, read from the stacks: each phase deployed or not, its last update and smoke checks, run's weights; and what to run next",
  )
    .option("--no-checks", "do not run the smoke checks")
    .action((opts: CommonOptions & { checks: boolean }) =>
      execute(opts, (journey, signal) => journey.status({ checks: opts.checks, signal }), renderStatus),
    );

  journeyCommand("preview", "What `up` would change in a phase's stack (needs the phase before it deployed)")
    .addArgument(phaseArgument("the phase to preview"))
    .action((phase: Phase, opts: CommonOptions) =>
      execute(opts, (journey, signal) => journey.preview(phase, { signal })),
    );

  journeyCommand(
    "up",
    "Deploy a phase: refused unless the phase before it is deployed and its smoke checks pass; done when the phase's own smoke checks pass",
  )
    .addArgument(phaseArgument("the phase to deploy"))
    .option("--checks-timeout <duration>", "retry failing smoke checks for this long (e.g. 10m)", durationOption)
    .action((phase: Phase, opts: CommonOptions) =>
      execute({ ...opts, notifyFromConfig: true }, (journey, signal) => journey.up(phase, { signal })),
    );

  journeyCommand(
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
    .action(
      (
        migration: string,
        opts: CommonOptions & GateFlags & { steps?: number[]; bake: number; earlyAccess?: boolean },
      ) => {
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
      },
    );

  journeyCommand(
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
    "cancel",
    "Cancel the update running on a phase's stack, or clear the lock a crashed or killed run left behind",
  )
    .addArgument(
      new Argument("[phase]", "the stack to cancel; without it, every stack that reports a running update").choices([
        ...PHASES,
      ]),
    )
    .action((phase: Phase | undefined, opts: CommonOptions) => execute(opts, (journey) => journey.cancel(phase)));

  program
    .command("serve")
    .description(
      "HTTP API for portals and a web dashboard: phases and their status, jobs (preview, up, shift, rollback) with live events (SSE), bearer-token auth",
    )
    .option("--port <port>", "TCP port (0: any free port)", portOption, 8080)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option(
      "--offline",
      "serve the offline engine: state lives as long as the server, nothing is deployed (demos, tests)",
    )
    .option(
      "--tokens-file <file>",
      "YAML/JSON secret file: tokens: [{name, role: operator|read-only, token}] (or JOURNEY_API_TOKENS_FILE; JOURNEY_OPERATOR_TOKENS / JOURNEY_READONLY_TOKENS add comma-separated tokens)",
    )
    .addOption(
      durationFlag(
        "--grace <duration>",
        "on SIGTERM/Ctrl-C, how long running jobs may finish before they are cancelled cleanly",
        durationOption,
        "5m",
      ),
    )
    .action(async (opts: { port: number; host: string; offline?: boolean; tokensFile?: string; grace: number }) => {
      const { serve } = await import("../server");
      setExit(
        await serve(
          {
            port: opts.port,
            host: opts.host,
            offline: !!opts.offline,
            tokensFile: opts.tokensFile,
            graceMs: opts.grace,
            env,
          },
          io,
          deps.signal,
        ),
      );
    });

  program
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
    .action((opts: { migration?: string; steps: number[]; bake: number; json?: boolean; verbose?: boolean }) =>
      execute(
        { ...opts, offline: true, quiet: !opts.verbose },
        async (journey, signal) => {
          const { steps, failure } = await rehearse(journey, {
            phases: deps.phases ?? availablePhases(),
            migration: opts.migration,
            steps: opts.steps,
            bakeMs: opts.bake,
            signal,
          });
          if (!opts.json) io.out(renderRehearsal(steps, { verbose: !!opts.verbose }));
          if (failure) throw failure;
          return steps;
        },
        undefined,
        { session: false },
      ),
    );

  return program;
}

function isCi(env: NodeJS.ProcessEnv): boolean {
  return !!env.CI && env.CI !== "false" && env.CI !== "0";
}

/**
 * The command's cancel signal: the caller's, or Ctrl-C/SIGTERM. A second Ctrl-C exits at once,
 * which can leave the stack locked.
 */
function cancelOn(
  external: AbortSignal | undefined,
  err: (s: string) => void,
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (external) {
    const abort = () => controller.abort();
    external.addEventListener("abort", abort);
    return { signal: controller.signal, dispose: () => external.removeEventListener("abort", abort) };
  }
  const onSignal = () => {
    if (controller.signal.aborted) {
      err("\nstopping at once: the stack may stay locked; `journey cancel <phase>` clears it\n");
      process.exit(EXIT.failed);
    }
    err("\ncancelling: the running step finishes cleanly and its state is saved (Ctrl-C again to stop at once)\n");
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(
  argv: string[],
  io: Io = { out: (s: string) => void process.stdout.write(s), err: (s: string) => void process.stderr.write(s) },
  deps: CliDeps = {},
): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildCli(io, (c) => (code = c), deps);
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (err instanceof JourneyError) {
      io.err(`journey: ${err.message}\n`);
      return EXIT_CODE[err.outcome];
    }
    if (err instanceof ConfigError || (err as Error).name === "RunError") {
      io.err(`${(err as Error).message}\n`);
      return EXIT.failed;
    }
    throw err;
  }
}
