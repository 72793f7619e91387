import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError, Option } from "commander";
import { ConfigError } from "../config/load";
import { PHASES, Phase } from "../config/schema";
import { offlinePlan } from "../automation/offlinePlan";
import { planJson, renderPlanText, writeArtifacts } from "../automation/planReport";
import { PROJECT_DIR } from "../automation/stackConfig";

export const EXIT = { ok: 0, failed: 1, usage: 2, gateFailed: 3 } as const;

/** Phases whose stack file is in the project: what `plan` covers by default. */
export function availablePhases(dir = PROJECT_DIR): Phase[] {
  return PHASES.filter((p) => fs.existsSync(path.join(dir, `Pulumi.${p}.yaml`)));
}

export function buildCli(io: { out: (s: string) => void; err: (s: string) => void }, setExit: (code: number) => void): Command {
  const program = new Command("journey")
    .description("Crawl/Walk/Run: move an on-prem monolith to the cloud with Kong Konnect and Kong Mesh, without breaking its API consumers")
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();

  program
    .command("plan")
    .description("Offline plan: evaluate the real program in-process under mocks, phase after phase (no cloud account, no CLI, no network)")
    .addOption(new Option("--phase <phase>", "plan up to and including this phase").choices([...PHASES]))
    .option("--json", "print one JSON document on stdout")
    .option("--out <dir>", "write every rendered artefact under <dir>/<phase>/")
    .action(async (opts: { phase?: Phase; json?: boolean; out?: string }) => {
      const phases = opts.phase ? [opts.phase] : availablePhases();
      const plan = await offlinePlan({
        phases,
        onPhase: opts.json ? undefined : (phase, stage, ms) => io.err(stage === "start" ? `evaluating ${phase} offline...\n` : `evaluated ${phase} in ${ms} ms\n`),
      });
      if (opts.out) {
        const written = writeArtifacts(plan, opts.out);
        if (!opts.json) io.err(`wrote ${written.length} artefacts under ${opts.out}\n`);
      }
      io.out(opts.json ? JSON.stringify(planJson(plan), null, 2) + "\n" : renderPlanText(plan));
      setExit(EXIT.ok);
    });

  return program;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[], io = { out: (s: string) => void process.stdout.write(s), err: (s: string) => void process.stderr.write(s) }): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildCli(io, (c) => (code = c));
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (err instanceof ConfigError || (err as Error).name === "RunError") {
      io.err(`${(err as Error).message}\n`);
      return EXIT.failed;
    }
    throw err;
  }
}
