import { randomUUID } from "crypto";
import { PHASES, Phase, PROJECT } from "../../config/schema";
import { declarePhase } from "../../phases";
import type { ChangeCounts, PhaseAction } from "../journey/events";
import { EngineError } from "../journey/errors";
import { asStackReferenceOutputs, evaluatePhase, RecordedResource } from "../../offline/evaluator";
import { readStackFile, StackFile, stackRefName } from "../../offline/stackConfig";
import type {
  DeployedResource,
  DestroyOptions,
  Engine,
  OperationOptions,
  PhaseResult,
  StackState,
  UpdateRecord,
  UpResult,
} from "./engine";
import { isStackRoot, nameOfUrn } from "./engine";
import { KeyedSerial } from "./serial";
import type { OfflineSession, OfflineSnapshot } from "./offlineSession";

/**
 * The offline engine: each phase's program evaluated in-process under the shared mocks
 * (offline/evaluator.ts). `up` evaluates the phase with the earlier phases' outputs and
 * applies the difference to the previous evaluation, compared by URN and inputs, one step at a
 * time. Nothing is deployed; its state lives in memory, or in a session store (`session`) that
 * carries it from one command to the next.
 *
 * Offline, every change of inputs is an in-place `update`: only a provider knows which changes
 * force a replacement.
 */

export interface OfflineStep {
  phase: Phase;
  action: PhaseAction;
  op: "create" | "update" | "same" | "delete";
  urn: string;
  /** 0-based position among the operation's steps. */
  index: number;
  total: number;
}

export interface OfflineEngineOptions {
  /** Stack config by phase; defaults to the project's Pulumi.<phase>.yaml. */
  stackFiles?: Partial<Record<Phase, StackFile>>;
  /** The program; defaults to the project's (declarePhase). */
  program?: () => Record<string, unknown>;
  /** Called before each step is applied; throwing fails the operation there (fault injection). */
  beforeStep?: (step: OfflineStep) => void | Promise<void>;
  /** Keeps the stacks between engines (one CLI command after another); without it they live as long as the engine. */
  session?: OfflineSession;
}

interface OfflineStack {
  file: StackFile;
  resources: Map<string, RecordedResource>;
  outputs: Record<string, unknown>;
  history: UpdateRecord[];
  running: boolean;
  configSet: Array<[string, string | number | boolean]>;
}

interface PlannedStep {
  op: OfflineStep["op"];
  resource: RecordedResource;
}

/** The SDK's runtime is process-global: one evaluation at a time, whichever engine asks. */
const evaluations = new KeyedSerial();
const SDK_RUNTIME = "sdk-runtime";

export class OfflineEngine implements Engine {
  readonly kind = "offline";
  readonly stateKey: string;
  private readonly stacks = new Map<Phase, OfflineStack>();

  constructor(private readonly options: OfflineEngineOptions = {}) {
    this.stateKey = `offline:${options.session ? options.session.where : randomUUID()}`;
    for (const [phase, saved] of Object.entries(options.session?.load()?.stacks ?? {}) as Array<
      [Phase, OfflineSnapshot["stacks"][Phase]]
    >) {
      const stack = this.stack(phase);
      for (const [configPath, value] of saved!.configSet) this.setConfigValue(stack, configPath, value);
      Object.assign(stack, {
        configSet: saved!.configSet,
        resources: new Map(saved!.resources.map((r) => [r.urn, r])),
        outputs: saved!.outputs,
        history: saved!.history,
      });
    }
  }

  get stackFiles(): Partial<Record<Phase, StackFile>> | undefined {
    return this.options.stackFiles;
  }

  describe(): string {
    const where = this.options.session
      ? `state kept for this session in ${this.options.session.where}`
      : "state lives in memory only";
    return `offline engine (the program evaluated in-process; nothing is deployed, ${where})`;
  }

  async inspect(phase: Phase): Promise<StackState> {
    const stack = this.stacks.get(phase);
    return {
      phase,
      stack: phase,
      exists: stack !== undefined,
      resourceCount: stack?.resources.size ?? 0,
      outputs: stack?.outputs ?? {},
      updateInProgress: stack?.running ?? false,
    };
  }

  async preview(phase: Phase, options: OperationOptions): Promise<PhaseResult> {
    const stack = this.stack(phase);
    const { resources } = await this.evaluate(phase, stack);
    return {
      changes: await this.apply(phase, "preview", planSteps(stack.resources, resources), options, () => undefined),
    };
  }

  async up(phase: Phase, options: OperationOptions): Promise<UpResult> {
    const stack = this.stack(phase);
    return this.record(stack, "update", options, async () => {
      const evaluation = await this.evaluate(phase, stack);
      const changes = await this.apply(
        phase,
        "up",
        planSteps(stack.resources, evaluation.resources),
        options,
        (step) => {
          if (step.op === "delete") stack.resources.delete(step.resource.urn);
          else stack.resources.set(step.resource.urn, step.resource);
        },
      );
      stack.outputs = evaluation.outputs;
      return { changes, outputs: evaluation.outputs };
    });
  }

  async destroy(phase: Phase, options: DestroyOptions): Promise<PhaseResult> {
    const stack = this.stack(phase);
    return this.record(stack, "destroy", options, async () => {
      const doomed = options.targets
        ? withDescendants(stack.resources, options.targets)
        : new Set(stack.resources.keys());
      const steps: PlannedStep[] = [...stack.resources.values()]
        .filter((r) => doomed.has(r.urn))
        .reverse()
        .map((resource) => ({ op: "delete", resource }));
      const changes = await this.apply(phase, "destroy", steps, options, (step) =>
        stack.resources.delete(step.resource.urn),
      );
      if (stack.resources.size === 0) stack.outputs = {};
      return { changes };
    });
  }

  async cancel(): Promise<void> {
    // Offline state lives in this process: no other process can hold a lock on it.
  }

  async resources(phase: Phase): Promise<DeployedResource[]> {
    return [...(this.stacks.get(phase)?.resources.values() ?? [])].map((r) => ({
      urn: r.urn,
      type: r.type,
      outputs: r.inputs,
    }));
  }

  async history(phase: Phase, limit?: number): Promise<UpdateRecord[]> {
    const history = this.stacks.get(phase)?.history ?? [];
    return history.slice(0, limit ?? history.length);
  }

  async readConfig(phase: Phase, key: string): Promise<unknown> {
    const raw = this.stack(phase).file.config.values[`${PROJECT}:${key}`];
    if (raw === undefined) return undefined;
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }

  async setConfig(phase: Phase, path: string, value: string | number | boolean): Promise<void> {
    const stack = this.stack(phase);
    this.setConfigValue(stack, path, value);
    stack.configSet = [...stack.configSet.filter(([p]) => p !== path), [path, value]];
    this.persist();
  }

  private setConfigValue(stack: OfflineStack, path: string, value: string | number | boolean): void {
    const { values } = stack.file.config;
    const [key, ...rest] = configPath(path);
    const fullKey = `${PROJECT}:${key}`;
    if (rest.length === 0) {
      values[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
      return;
    }
    const root = values[fullKey] === undefined ? (typeof rest[0] === "number" ? [] : {}) : JSON.parse(values[fullKey]);
    let container = root;
    rest.slice(0, -1).forEach((segment, i) => {
      container[segment] ??= typeof rest[i + 1] === "number" ? [] : {};
      container = container[segment];
    });
    container[rest[rest.length - 1]] = value;
    values[fullKey] = JSON.stringify(root);
  }

  async dispose(): Promise<void> {
    this.stacks.clear();
  }

  private stack(phase: Phase): OfflineStack {
    let stack = this.stacks.get(phase);
    if (!stack) {
      const file = this.options.stackFiles?.[phase] ?? readStackFile(phase);
      stack = {
        file: structuredClone(file),
        resources: new Map(),
        outputs: {},
        history: [],
        running: false,
        configSet: [],
      };
      this.stacks.set(phase, stack);
    }
    return stack;
  }

  private async evaluate(
    phase: Phase,
    stack: OfflineStack,
  ): Promise<{ resources: RecordedResource[]; outputs: Record<string, unknown> }> {
    const { config } = stack.file;
    const stackOutputs: Record<string, ReturnType<typeof asStackReferenceOutputs>> = {};
    for (const earlier of PHASES.slice(0, PHASES.indexOf(phase))) {
      const outputs = this.stacks.get(earlier)?.outputs;
      if (outputs && Object.keys(outputs).length > 0)
        stackOutputs[stackRefName(config, earlier)] = asStackReferenceOutputs(outputs);
    }
    try {
      const evaluation = await evaluations.run(SDK_RUNTIME, () =>
        evaluatePhase({
          phase,
          stack: stack.file.stack,
          config,
          region: config.values["aws:region"] ?? "us-west-2",
          stackOutputs,
          program: this.options.program ?? declarePhase,
        }),
      );
      return { resources: evaluation.resources.filter((r) => !isStackRoot(r.type)), outputs: evaluation.outputs };
    } catch (err) {
      throw new EngineError(`the ${phase} program failed offline: ${(err as Error).message}`);
    }
  }

  private async apply(
    phase: Phase,
    action: PhaseAction,
    steps: PlannedStep[],
    options: OperationOptions,
    applyStep: (step: PlannedStep) => void,
  ): Promise<ChangeCounts> {
    const changes: ChangeCounts = {};
    const total = steps.length;
    for (const [index, step] of steps.entries()) {
      options.signal?.throwIfAborted();
      const { urn, type } = step.resource;
      const event = {
        type: "resource-step",
        phase,
        action,
        op: step.op,
        urn,
        resourceType: type,
        name: nameOfUrn(urn),
      } as const;
      options.emit({ ...event, state: "started", progress: { done: index, total } });
      try {
        await this.options.beforeStep?.({ phase, action, op: step.op, urn, index, total });
      } catch (err) {
        options.emit({ ...event, state: "failed", progress: { done: index, total } });
        throw err;
      }
      applyStep(step);
      changes[step.op] = (changes[step.op] ?? 0) + 1;
      options.emit({ ...event, state: "done", progress: { done: index + 1, total } });
    }
    return changes;
  }

  /** Runs an update of the stack and records it in the stack's history, as a backend would. */
  private async record<T>(
    stack: OfflineStack,
    kind: UpdateRecord["kind"],
    options: OperationOptions,
    update: () => Promise<T>,
  ): Promise<T> {
    stack.running = true;
    const entry: UpdateRecord = {
      kind,
      result: "in-progress",
      message: options.message,
      startTime: new Date().toISOString(),
    };
    stack.history.unshift(entry);
    try {
      const result = await update();
      entry.result = "succeeded";
      return result;
    } catch (err) {
      entry.result = "failed";
      throw err;
    } finally {
      stack.running = false;
      this.persist();
    }
  }

  /** Saves the stacks to the session, if any; an empty journey leaves nothing behind. */
  private persist(): void {
    const { session } = this.options;
    if (!session) return;
    const stacks = [...this.stacks.entries()].filter(([, s]) => s.resources.size > 0);
    if (stacks.length === 0) return session.save(undefined);
    session.save({
      version: 1,
      stacks: Object.fromEntries(
        [...this.stacks.entries()].map(([phase, s]) => [
          phase,
          { configSet: s.configSet, resources: [...s.resources.values()], outputs: s.outputs, history: s.history },
        ]),
      ),
    });
  }
}

function planSteps(current: Map<string, RecordedResource>, desired: RecordedResource[]): PlannedStep[] {
  const steps: PlannedStep[] = desired.map((resource) => {
    const old = current.get(resource.urn);
    return {
      op: !old ? "create" : JSON.stringify(old.inputs) === JSON.stringify(resource.inputs) ? "same" : "update",
      resource,
    };
  });
  const kept = new Set(desired.map((r) => r.urn));
  const deletes = [...current.values()].filter((r) => !kept.has(r.urn)).reverse();
  return [...steps, ...deletes.map((resource) => ({ op: "delete" as const, resource }))];
}

/** The targets and every resource parented under them, as `--target-dependents` would take them. */
function withDescendants(resources: Map<string, RecordedResource>, targets: string[]): Set<string> {
  const doomed = new Set(targets);
  for (const r of resources.values()) if (r.parent && doomed.has(r.parent)) doomed.add(r.urn);
  return doomed;
}

/** `migrations[0].weight` -> ["migrations", 0, "weight"]. */
function configPath(path: string): [string, ...Array<string | number>] {
  const segments = [...path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map((m) => (m[1] !== undefined ? Number(m[1]) : m[2]));
  if (typeof segments[0] !== "string") throw new Error(`config path ${path} must start with a key`);
  return segments as [string, ...Array<string | number>];
}
