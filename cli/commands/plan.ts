import { Option } from "commander";
import { PHASES, Phase } from "../../config/schema";
import { UsageError } from "../../automation/journey/errors";
import { planJson, renderPlanText, writeArtifacts } from "../../automation/planReport";
import { refProblem } from "../../automation/planDiff";
import { formatPolicyReport } from "../../policy/report";
import { availablePhases } from "../../offline/stackConfig";
import type { CliContext } from "../context";
import { EXIT } from "../exitCodes";
import { ensureWritableFolder } from "../options";
import { printPlanDiff, runPolicyPack } from "../reports";

interface PlanOptions {
  phase?: Phase;
  json?: boolean;
  out?: string;
  diffBase?: string;
  policy?: boolean;
  policyConfig?: string;
}

/** `journey plan`: the offline plan, its artefacts, its policy report or its diff against a git ref. */
export function addPlanCommand(ctx: CliContext): void {
  const { io, deps } = ctx;
  ctx.program
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
    .action(async (opts: PlanOptions) => {
      if (opts.diffBase !== undefined && opts.out !== undefined)
        throw new UsageError("--diff-base compares plans; it writes no artefacts (drop --out)");
      if (opts.policyConfig !== undefined && !opts.policy) throw new UsageError("--policy-config goes with --policy");
      const badRef = opts.diffBase === undefined ? undefined : refProblem(opts.diffBase);
      if (badRef) throw new UsageError(`--diff-base: ${badRef}`);
      if (opts.out !== undefined) ensureWritableFolder(opts.out);
      const journey = ctx.makeJourney({ offline: true, interactive: ctx.interactive, session: false });
      const unsubscribe = opts.json
        ? () => undefined
        : journey.subscribe((event) => {
            if (event.type === "phase-started") io.err(`evaluating ${event.phase} offline...\n`);
            if (event.type === "phase-finished") io.err(`evaluated ${event.phase} in ${event.durationMs} ms\n`);
          });
      try {
        const plan = await journey.plan(opts.phase ? [opts.phase] : (deps.phases ?? availablePhases()));
        if (opts.diffBase !== undefined) {
          ctx.setExit(
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
        ctx.setExit(policy && policy.summary.mandatory > 0 ? EXIT.failed : EXIT.ok);
      } finally {
        unsubscribe();
        await journey.dispose();
      }
    });
}
