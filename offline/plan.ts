import { PHASES, Phase, PROJECT } from "../config/schema";
import { declarePhase } from "../phases";
import { defaultStackRef } from "../phases/contract";
import { asStackReferenceOutputs, EvaluateArgs, evaluatePhase, PhaseEvaluation } from "./evaluator";
import { readStackFile, StackFile, stackRefName } from "./stackConfig";

export interface OfflinePlan {
  mode: "offline";
  phases: Array<PhaseEvaluation & { placeholderSecrets: string[]; placeholderImages?: string[]; durationMs: number }>;
}

export interface OfflinePlanOptions {
  /** Phases to report; earlier ones are still evaluated, since later phases read their outputs. */
  phases?: Phase[];
  /** Stack files by phase; defaults to the repository's Pulumi.<phase>.yaml. */
  stackFiles?: Partial<Record<Phase, StackFile>>;
  onPhase?: (phase: Phase, stage: "start" | "done", durationMs?: number) => void;
}

/** Evaluates crawl, walk and run in order, each phase's outputs feeding the next phase's StackReference. */
export async function offlinePlan(options: OfflinePlanOptions = {}): Promise<OfflinePlan> {
  const wanted = options.phases ?? [...PHASES];
  const last = Math.max(...wanted.map((p) => PHASES.indexOf(p)));
  const stackOutputs: Record<string, { outputs: Record<string, unknown>; secretOutputNames: string[] }> = {};
  const phases: OfflinePlan["phases"] = [];

  for (const phase of PHASES.slice(0, last + 1)) {
    const file = options.stackFiles?.[phase] ?? readStackFile(phase);
    options.onPhase?.(phase, "start");
    const started = Date.now();
    const evaluation = await evaluate({
      phase,
      stack: file.stack,
      config: file.config,
      region: file.config.values["aws:region"] ?? "us-west-2",
      stackOutputs,
      program: declarePhase,
    });
    const durationMs = Date.now() - started;
    options.onPhase?.(phase, "done", durationMs);
    for (const later of PHASES.slice(PHASES.indexOf(phase) + 1)) {
      const laterFile = options.stackFiles?.[later];
      const refName = laterFile ? stackRefName(laterFile.config, phase) : defaultStackRef(PROJECT, phase);
      stackOutputs[refName] = asStackReferenceOutputs(evaluation.outputs);
    }
    if (wanted.includes(phase))
      phases.push({
        ...evaluation,
        placeholderSecrets: file.placeholderSecrets,
        placeholderImages: file.placeholderImages,
        durationMs,
      });
  }
  return { mode: "offline", phases };
}

/** Phase evaluations by their inputs, once a caller has asked for them to be kept (reusePhaseEvaluations). */
let kept: Map<string, Promise<PhaseEvaluation>> | undefined;

/**
 * From now on, a phase evaluated again with the same stack, config, region and earlier phases'
 * outputs gets a copy of the first evaluation instead of a new one: the evaluation is a function of
 * those inputs alone. For callers that plan the same few configurations again and again (the unit
 * suite, test/support/reuseEvaluations.ts); `journey` evaluates each phase once and never calls it.
 */
export function reusePhaseEvaluations(): void {
  kept ??= new Map();
}

async function evaluate(args: EvaluateArgs): Promise<PhaseEvaluation> {
  if (!kept) return evaluatePhase(args);
  const key = JSON.stringify([args.phase, args.stack, args.config, args.region, args.stackOutputs]);
  let evaluation = kept.get(key);
  if (!evaluation) {
    const fresh = evaluatePhase(args);
    kept.set(key, fresh);
    // A failed evaluation is not kept: the next caller sees it fail afresh.
    fresh.catch(() => kept?.delete(key));
    evaluation = fresh;
  }
  return structuredClone(await evaluation);
}
