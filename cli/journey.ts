import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError } from "commander";
import { ConfigError } from "../config/load";
import { offlineJourney, pulumiJourney } from "../automation/journey";
import { JourneyError } from "../automation/journey/errors";
import { PROJECT_DIR } from "../offline/stackConfig";
import { fileSession, offlineStatePath } from "../automation/engines/offlineSession";
import { CliContext, CliDeps, isCi, JourneyMode } from "./context";
import { executor } from "./execute";
import { EXIT, EXIT_CODE } from "./exitCodes";
import type { Io } from "./reports";
import { addPlanCommand } from "./commands/plan";
import { addPhaseCommands, addRecoveryCommands } from "./commands/operations";
import { addShiftCommand } from "./commands/shift";
import { addServeCommand } from "./commands/serve";
import { addRehearseCommand } from "./commands/rehearse";

/** The `journey` command: its commands (cli/commands), how they run an operation (cli/execute.ts), exit codes. */

export type { Io } from "./reports";
export type { CliDeps, JourneyMode } from "./context";

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

/** The package's version, for `journey --version`. */
export function packageVersion(dir = PROJECT_DIR): string {
  return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version;
}

export function buildCli(io: Io, setExit: (code: number) => void, deps: CliDeps = {}): Command {
  const env = deps.env ?? process.env;
  const terminal = deps.terminal ?? process.stderr;
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

  const ctx: CliContext = {
    program,
    io,
    setExit,
    deps,
    env,
    terminal,
    interactive: terminal.isTTY === true && !isCi(env),
    makeJourney,
  };
  const execute = executor(ctx);
  addPlanCommand(ctx);
  addPhaseCommands(ctx, execute);
  addShiftCommand(ctx, execute);
  addRecoveryCommands(ctx, execute);
  addServeCommand(ctx);
  addRehearseCommand(ctx, execute);
  return program;
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
