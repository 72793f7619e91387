import { Migration, PHASES, Phase } from "../../config/schema";
import type { DeployedResource, Engine, OperationOptions, PhaseResult, StackState } from "../engines/engine";
import { isStackRoot } from "../engines/engine";
import { unwrapSecrets } from "../../offline/evaluator";
import { offlinePlan, OfflinePlan } from "../../offline/plan";
import { Clock, formatDuration, realClock } from "./clock";
import {
  CancelledError,
  EngineError,
  GateRefusedError,
  JourneyError,
  RolledBackError,
  SmokeChecksFailedError,
  StackLockedError,
  UsageError,
} from "./errors";
import type { ChangeCounts, Emit, JourneyListener, Operation, PhaseAction } from "./events";
import { JourneyEvents } from "./events";
import {
  CancelReport,
  describeChanges,
  DestroyReport,
  JourneyStatus,
  nextStep,
  PhaseStatus,
  RollbackReport,
  ShiftReport,
  UpReport,
} from "./reports";
export * from "./reports";
import { mentionsUnknown } from "../../offline/mocks";
import { dnsProbe, isInCluster, LoadBalancerProbe, loadBalancerHostnames } from "./loadBalancers";
import { bakeWithGates, GateOverrides, resolveGates } from "./bake";
import { gateTargets, MetricsSource, PrometheusSource } from "./prometheus";
import { earlyAccessMessage, earlyAccessOf, EarlyAccessStep, lastUndoableChange, shiftCommand } from "./earlyAccess";
import {
  checkStepsAbove,
  deployedWeights,
  migrationsOf,
  validateBake,
  validateSteps,
  WeightChange,
  weightChangeMessage,
} from "./migrations";
import {
  DEFAULT_SMOKE_POLICY,
  describeReport,
  failedChecks,
  HttpSmokeRunner,
  runSmokeChecks,
  SmokeCheckRunner,
  smokeChecksOf,
  SmokePolicy,
  SmokeReport,
} from "./smoke";

export interface JourneyOptions {
  engine: Engine;
  /** Runs each smoke check once; defaults to HTTP from this machine (cluster checks not run). */
  smoke?: SmokeCheckRunner;
  smokePolicy?: Partial<SmokePolicy>;
  clock?: Clock;
  loadBalancerProbe?: LoadBalancerProbe;
  /** How long destroy waits for a phase's load balancers to go before it destroys the network. */
  loadBalancerTimeoutMs?: number;
  /** Where metric gates read traffic, by Prometheus URL; default the Prometheus HTTP API, none offline (gates not run). */
  metrics?: (prometheusUrl: string) => MetricsSource;
}

export interface Cancellable {
  /** Aborting cancels cleanly: the running step ends, state is saved, and the error says how to resume. */
  signal?: AbortSignal;
}

interface OperationContext {
  signal: AbortSignal;
  /** Where the journey stands, for the message if the operation is cancelled. */
  where?: string;
}

interface Running {
  command: string;
  controller: AbortController;
}

/** Operations running in this process, by stack (engine state key and phase): one per stack, across journeys. */
const runningHere = new Map<string, Running>();

const previousPhase = (phase: Phase): Phase | undefined => PHASES[PHASES.indexOf(phase) - 1];
const isDeployed = (state: StackState): boolean => unwrapSecrets(state.outputs.phase) === state.phase;
const RUN: Phase = "run";

/**
 * The migration journey over one engine: steps the phase stacks forward behind gates, moves
 * traffic in verified steps, steps back, and tears down in reverse. Where the journey stands is
 * read from the stacks every time. Every operation streams `JourneyEvent`s to subscribers and
 * rejects with a `JourneyError` whose `outcome` says how it ended.
 */
export class Journey {
  private readonly events = new JourneyEvents();
  private readonly emit: Emit = this.events.emit;
  private readonly engine: Engine;
  private readonly smoke: SmokeCheckRunner;
  private readonly policy: SmokePolicy;
  private readonly clock: Clock;
  private readonly probe: LoadBalancerProbe;
  private readonly loadBalancerTimeoutMs: number;
  private readonly metrics?: (prometheusUrl: string) => MetricsSource;

  constructor(options: JourneyOptions) {
    this.engine = options.engine;
    this.smoke = options.smoke ?? new HttpSmokeRunner();
    this.policy = { ...DEFAULT_SMOKE_POLICY, ...options.smokePolicy };
    this.clock = options.clock ?? realClock;
    this.probe = options.loadBalancerProbe ?? dnsProbe;
    this.loadBalancerTimeoutMs = options.loadBalancerTimeoutMs ?? 15 * 60_000;
    this.metrics =
      options.metrics ?? (options.engine.kind === "offline" ? undefined : (url) => new PrometheusSource(url));
  }

  subscribe(listener: JourneyListener): () => void {
    return this.events.subscribe(listener);
  }

  /** Every phase's stack: deployed or not, its last update, its smoke checks (one attempt each), run's weights. */
  status(options: Cancellable & { checks?: boolean } = {}): Promise<JourneyStatus> {
    return this.operate("status", "journey status", [], options.signal, async (ctx) => {
      const phases: PhaseStatus[] = [];
      for (const phase of PHASES) {
        const state = await this.engine.inspect(phase);
        const deployed = isDeployed(state);
        const status: PhaseStatus = {
          phase,
          stack: state.stack,
          state: deployed ? "deployed" : state.resourceCount > 0 ? "partial" : "not-deployed",
          resourceCount: state.resourceCount,
          updateInProgress: state.updateInProgress,
          ...(state.lockHolder ? { lockHolder: state.lockHolder } : {}),
          lastUpdate: state.exists ? (await this.engine.history(phase, 1))[0] : undefined,
        };
        if (deployed && options.checks !== false)
          status.checks = await this.verify(phase, state.outputs, ctx, { timeoutMs: 0, intervalMs: 0 });
        if (deployed && phase === RUN) status.weights = Object.fromEntries(deployedWeights(state.outputs));
        phases.push(status);
      }
      const deployed = phases.filter((p) => p.state === "deployed").map((p) => p.phase);
      return {
        result: { engine: this.engine.describe(), phases, next: nextStep(phases) },
        message: `read ${phases.length} stacks: ${deployed.length > 0 ? `${deployed.join(", ")} deployed` : "no phase deployed"}`,
      };
    });
  }

  /** The offline plan (offline/plan.ts): the program evaluated phase after phase, whichever engine this journey runs on. */
  plan(phases?: Phase[]): Promise<OfflinePlan> {
    return this.operate(
      "plan",
      `journey plan${phases ? ` --phase ${phases[phases.length - 1]}` : ""}`,
      [],
      undefined,
      async () => {
        const started = new Map<Phase, number>();
        const plan = await offlinePlan({
          phases,
          stackFiles: this.engine.stackFiles,
          onPhase: (phase, stage, durationMs) => {
            if (stage === "start") {
              started.set(phase, Date.now());
              this.emit({ type: "phase-started", phase, action: "preview", stack: phase });
            } else {
              this.emit({
                type: "phase-finished",
                phase,
                action: "preview",
                changes: {},
                durationMs: durationMs ?? Date.now() - started.get(phase)!,
              });
            }
          },
        });
        return { result: plan, message: `planned ${plan.phases.map((p) => p.phase).join(", ")} offline` };
      },
    );
  }

  /** Run's migrations as its stack config lists them. */
  async migrations(): Promise<Migration[]> {
    return migrationsOf(await this.engine.readConfig(RUN, "migrations"));
  }

  /** Run's secret `notifyUrl` (the webhook `journey` posts to), where its stack sets one. */
  async notifyUrl(): Promise<string | undefined> {
    const value = await this.engine.readConfig(RUN, "notifyUrl").catch(() => undefined);
    return typeof value === "string" && value.length > 0 ? value : undefined;
  }

  /** What `up` would change. Needs the earlier phase deployed, since the program reads its outputs. */
  preview(phase: Phase, options: Cancellable = {}): Promise<ChangeCounts> {
    return this.operate("preview", `journey preview ${phase}`, [phase], options.signal, async (ctx) => {
      await this.gate(phase, ctx, { checks: false });
      const { changes } = await this.runPhase(phase, "preview", ctx, (o) => this.engine.preview(phase, o));
      return { result: changes, message: `${phase}: ${describeChanges(changes, "preview")}` };
    });
  }

  /**
   * Deploys a phase once the earlier one is deployed and its smoke checks pass, then runs the
   * phase's own smoke checks until they pass or time out: only then is the phase done.
   */
  up(phase: Phase, options: Cancellable = {}): Promise<UpReport> {
    const command = `journey up ${phase}`;
    return this.operate("up", command, [phase], options.signal, async (ctx) => {
      await this.gate(phase, ctx, { checks: true });
      const { changes, outputs } = await this.runPhase(phase, "up", ctx, (o) =>
        this.engine.up(phase, { ...o, message: command }),
      );
      ctx.where = `${phase} is deployed; its smoke checks had not finished`;
      const checks = await this.verify(phase, outputs, ctx);
      if (checks.verdict === "failed") {
        const failed = failedChecks(checks);
        throw new SmokeChecksFailedError(
          `${phase} is deployed but not done: its smoke checks fail (${failed.join("; ")})`,
          failed,
          command,
        );
      }
      const verified =
        this.engine.kind === "offline"
          ? `: up done on the offline engine (${describeChanges(changes, "preview")}); its smoke checks were not run`
          : checks.verdict === "passed"
            ? " is done: deployed and its smoke checks pass"
            : " is deployed but not verified: not every smoke check could run";
      return { result: { phase, changes, checks }, message: `${phase}${verified} (${describeReport(checks)})` };
    });
  }

  /**
   * Moves a migration's traffic through `steps` (percentages to the new service): each step sets
   * run's weight, applies it, bakes, and runs run's smoke checks. On a failing check the last good
   * weight is applied again and the operation ends `rolled-back`.
   */
  shift(
    migration: string,
    steps: number[],
    options: Cancellable & { bakeMs: number; earlyAccess?: boolean; gates?: GateOverrides },
  ): Promise<ShiftReport> {
    const command = shiftCommand(migration, steps, options);
    return this.operate("shift", command, [RUN], options.signal, async (ctx) => {
      if (!options.earlyAccess || steps.length > 0) validateSteps(steps);
      validateBake(options.bakeMs);
      const run = await this.requireDeployed(RUN, RUN);
      const { index, configured } = await this.findMigration(migration);
      let lastGood = deployedWeights(run.outputs).get(migration) ?? configured.weight;
      if (steps.length > 0) checkStepsAbove(migration, lastGood, steps);
      const earlyAccess = options.earlyAccess
        ? earlyAccessOf(migration, index, configured, run.outputs, lastGood)
        : undefined;
      const gates = resolveGates(index, configured, await this.engine.readConfig(RUN, "metrics"), options.gates);
      const targets = gates ? gateTargets((await this.engine.inspect("walk")).outputs) : undefined;

      const baseline = await this.verify(RUN, run.outputs, ctx);
      if (baseline.verdict === "failed") {
        this.refuse(
          RUN,
          RUN,
          `run's smoke checks fail before any traffic moves (${failedChecks(baseline).join("; ")})`,
          "journey status",
        );
      }
      this.emit({
        type: "gate",
        phase: RUN,
        requires: RUN,
        verdict: baseline.verdict === "passed" ? "passed" : "unverified",
        reason: `run before shifting: ${describeReport(baseline)}`,
      });

      if (earlyAccess) await this.earlyAccessStep(index, earlyAccess, lastGood, options.bakeMs, command, ctx);
      const applied: number[] = [];
      for (const to of steps) {
        const outputs = await this.changeWeight(index, { kind: "shift", migration, from: lastGood, to }, ctx);
        ctx.where = `${migration} is at ${to}%, applied but not verified yet; \`journey rollback\` takes it back to ${lastGood}%`;
        const watched = gates ? `, its metric gates judged every ${formatDuration(gates.intervalMs)}` : "";
        this.emit({
          type: "waiting",
          phase: RUN,
          what: "bake",
          durationMs: options.bakeMs,
          real: this.clock.waits,
          detail: `while ${migration} takes ${to}% of the traffic${watched}, then run's smoke checks`,
        });
        if (gates && targets) {
          const bake = {
            gates,
            source: this.metrics?.(gates.prometheusUrl),
            targets,
            clock: this.clock,
            signal: ctx.signal,
            emit: this.emit,
            migration,
            weight: to,
            bakeMs: options.bakeMs,
          };
          const failedGate = await bakeWithGates(bake);
          if (failedGate) {
            await this.changeWeight(index, { kind: "revert", migration, from: to, to: lastGood }, ctx);
            const gate = failedGate.deciding?.gate ?? "metrics";
            const detail = failedGate.message.replace(/^gate failed: /, "");
            throw new RolledBackError(
              `metric gate failed at ${to}%: ${detail}. ${migration} is back at ${lastGood}%.`,
              [gate],
              lastGood,
              `find why the microservice failed its gate, then \`${command}\``,
            );
          }
        } else {
          await this.clock.sleep(options.bakeMs, ctx.signal);
        }
        const checks = await this.verify(RUN, outputs, ctx);
        if (checks.verdict === "failed") {
          const failed = failedChecks(checks);
          await this.changeWeight(index, { kind: "revert", migration, from: to, to: lastGood }, ctx);
          throw new RolledBackError(
            `smoke check failed at ${to}%: ${failed.join("; ")}. ${migration} is back at ${lastGood}%.`,
            failed,
            lastGood,
            `fix the failing check, then \`${command}\``,
          );
        }
        lastGood = to;
        applied.push(to);
        ctx.where = `${migration} is at ${to}%`;
      }
      return { result: { migration, weight: lastGood, applied }, message: `${migration} is at ${lastGood}%` };
    });
  }

  /**
   * One step back: the last shift back to its previous weight or, when no shift is left to undo,
   * the newest phase destroyed (only with `confirmDestroy`).
   */
  rollback(options: Cancellable & { confirmDestroy?: boolean } = {}): Promise<RollbackReport> {
    const command = `journey rollback${options.confirmDestroy ? " --yes" : ""}`;
    return this.operate<RollbackReport>("rollback", command, [...PHASES], options.signal, async (ctx) => {
      const run = await this.engine.inspect(RUN);
      const undo = isDeployed(run) ? lastUndoableChange(await this.engine.history(RUN)) : undefined;
      if (undo && "earlyAccessOn" in undo) return this.earlyAccessOff(undo.earlyAccessOn, ctx);
      const shift = undo?.weight;
      if (shift) {
        const deployed = deployedWeights(run.outputs).get(shift.migration);
        if (deployed !== undefined && deployed !== shift.to) {
          throw new UsageError(
            `the last journey shift moved ${shift.migration} from ${shift.from}% to ${shift.to}%, but it is deployed at ${deployed}%: the weight was changed outside the journey. Move it forward with \`journey shift ${shift.migration} --steps <weights above ${deployed}>\`, or set the weight in run's config and \`journey up run\`.`,
          );
        }
        const { index } = await this.findMigration(shift.migration);
        const outputs = await this.changeWeight(
          index,
          { kind: "rollback", migration: shift.migration, from: shift.to, to: shift.from },
          ctx,
        );
        const checks = await this.verify(RUN, outputs, ctx);
        if (checks.verdict === "failed") {
          const failed = failedChecks(checks);
          throw new SmokeChecksFailedError(
            `${shift.migration} is back at ${shift.from}%, but run's smoke checks fail (${failed.join("; ")})`,
            failed,
            "journey status",
          );
        }
        const result: RollbackReport = {
          kind: "weight",
          migration: shift.migration,
          from: shift.to,
          to: shift.from,
          checks,
        };
        return {
          result,
          message: `${shift.migration} is back at ${shift.from}% (was ${shift.to}%); smoke checks ${describeReport(checks)}`,
        };
      }

      const newest = await this.newestPhase();
      if (!newest) return { result: { kind: "nothing" }, message: "nothing to roll back: no phase is deployed" };
      if (!options.confirmDestroy) {
        throw new UsageError(
          `no traffic shift is left to undo, so rolling back destroys the newest phase, ${newest.phase} (${newest.resources.length} resources). Run \`journey rollback --yes\` to confirm.`,
          "journey rollback --yes",
        );
      }
      await this.destroyPhase(newest.phase, newest.resources, ctx);
      const back = previousPhase(newest.phase);
      return {
        result: { kind: "phase", phase: newest.phase },
        message: `${newest.phase} destroyed; the journey is back at ${back ?? "the start"}`,
      };
    });
  }

  /** Destroys run, walk, crawl in that order; stacks already empty are skipped, so it resumes where a failed run stopped. */
  destroy(options: Cancellable = {}): Promise<DestroyReport> {
    return this.operate("destroy", "journey destroy --yes", [...PHASES], options.signal, async (ctx) => {
      const destroyed: Phase[] = [];
      for (const phase of [...PHASES].reverse()) {
        const resources = await this.deployedResources(phase);
        if (resources.length === 0) {
          this.emit({
            type: "phase-finished",
            phase,
            action: "destroy",
            changes: {},
            durationMs: 0,
            skipped: "nothing deployed",
          });
          continue;
        }
        await this.destroyPhase(phase, resources, ctx);
        destroyed.push(phase);
        ctx.where = `destroyed so far: ${destroyed.join(", ")}`;
      }
      return {
        result: { destroyed },
        message:
          destroyed.length > 0 ? `destroyed ${destroyed.join(", ")}` : "nothing to destroy: no phase is deployed",
      };
    });
  }

  /**
   * Cancels the operations running in this process on this journey's stacks (on `phase`, or all).
   * When none runs here, cancels the update holding the stack's lock in the backend, e.g. one a
   * crashed run left behind.
   */
  async cancel(phase?: Phase): Promise<CancelReport> {
    const here = PHASES.filter((p) => !phase || p === phase).flatMap((p) => runningHere.get(this.stackKey(p)) ?? []);
    if (here.length > 0) {
      const commands = [...new Set(here)].map((running) => {
        running.controller.abort();
        return running.command;
      });
      return { cancelled: commands };
    }
    return this.operate("cancel", `journey cancel${phase ? ` ${phase}` : ""}`, [], undefined, async () => {
      const phases = phase ? [phase] : [];
      if (!phase) for (const p of PHASES) if ((await this.engine.inspect(p)).updateInProgress) phases.push(p);
      for (const p of phases) await this.engine.cancel(p);
      const message =
        phases.length > 0
          ? `cancelled the update or lock on ${phases.join(", ")}`
          : "no stack reports a running update; to clear a lock a crashed run left, name its stack: `journey cancel <phase>`";
      return { result: { cancelled: phases }, message };
    });
  }

  dispose(): Promise<void> {
    return this.engine.dispose();
  }

  /**
   * Runs one operation: takes the stacks it changes (one operation per stack at a time), reports
   * its start and summary, and turns every failure into a JourneyError.
   */
  private async operate<T>(
    operation: Operation,
    command: string,
    stacks: Phase[],
    signal: AbortSignal | undefined,
    body: (ctx: OperationContext) => Promise<{ result: T; message: string }>,
  ): Promise<T> {
    const started = Date.now();
    const controller = new AbortController();
    const ctx: OperationContext = { signal: controller.signal };
    const abort = () => controller.abort(signal?.reason);
    this.emit({
      type: "operation-started",
      operation,
      engine: this.engine.kind,
      engineDescription: this.engine.describe(),
      command,
    });
    let taken: Phase[] = [];
    try {
      const busy = stacks.find((p) => runningHere.has(this.stackKey(p)));
      if (busy)
        throw new StackLockedError(
          busy,
          `\`${runningHere.get(this.stackKey(busy))!.command}\` is running on it in this process`,
        );
      taken = stacks;
      const running = { command, controller };
      for (const p of taken) runningHere.set(this.stackKey(p), running);
      if (signal?.aborted) abort();
      signal?.addEventListener("abort", abort);
      const { result, message } = await body(ctx);
      this.emit({ type: "summary", operation, outcome: "succeeded", message, durationMs: Date.now() - started });
      return result;
    } catch (err) {
      const failure = controller.signal.aborted
        ? new CancelledError(
            `${command} was cancelled${ctx.where ? `: ${ctx.where}` : ""}. Run \`${command}\` again to resume${taken.length > 0 ? `; if it reports a lock, \`journey cancel ${taken[0]}\`` : ""}.`,
            command,
          )
        : asJourneyError(err);
      this.emit({
        type: "summary",
        operation,
        outcome: failure.outcome,
        message: failure.message,
        resume: failure.resume,
        durationMs: Date.now() - started,
      });
      throw failure;
    } finally {
      signal?.removeEventListener("abort", abort);
      for (const p of taken) runningHere.delete(this.stackKey(p));
    }
  }

  private stackKey(phase: Phase): string {
    return `${this.engine.stateKey}#${phase}`;
  }

  private async runPhase<R extends PhaseResult>(
    phase: Phase,
    action: PhaseAction,
    ctx: OperationContext,
    run: (options: OperationOptions) => Promise<R>,
    scope?: string,
  ): Promise<R> {
    const started = Date.now();
    this.emit({ type: "phase-started", phase, action, stack: phase, ...(scope ? { scope } : {}) });
    const result = await run({ emit: this.emit, signal: ctx.signal });
    this.emit({ type: "phase-finished", phase, action, changes: result.changes, durationMs: Date.now() - started });
    return result;
  }

  /** Stepping into `phase` needs the phase before it deployed and, with `checks`, its smoke checks not failing. */
  private async gate(phase: Phase, ctx: OperationContext, { checks }: { checks: boolean }): Promise<void> {
    const requires = previousPhase(phase);
    if (!requires) return;
    const state = await this.requireDeployed(requires, phase);
    if (!checks) {
      this.emit({ type: "gate", phase, requires, verdict: "passed", reason: `${requires} is deployed` });
      return;
    }
    const report = await this.verify(requires, state.outputs, ctx);
    if (report.verdict === "failed")
      this.refuse(
        phase,
        requires,
        `${requires}'s smoke checks fail (${failedChecks(report).join("; ")})`,
        `journey up ${requires}`,
      );
    this.emit({
      type: "gate",
      phase,
      requires,
      verdict: report.verdict === "passed" ? "passed" : "unverified",
      reason: `${requires} is deployed; smoke checks ${describeReport(report)}`,
    });
  }

  /** The stack of `phase`, which `steppingInto` needs deployed. */
  private async requireDeployed(phase: Phase, steppingInto: Phase): Promise<StackState> {
    const state = await this.engine.inspect(phase);
    if (!isDeployed(state)) {
      const why =
        state.resourceCount > 0
          ? `${phase} is only partly deployed (its stack holds ${state.resourceCount} resources but no outputs)`
          : `${phase} is not deployed`;
      this.refuse(steppingInto, phase, why, `journey up ${phase}`);
    }
    return state;
  }

  private refuse(phase: Phase, requires: Phase, reason: string, resume: string): never {
    this.emit({ type: "gate", phase, requires, verdict: "refused", reason });
    throw new GateRefusedError(`refused: ${reason}`, resume);
  }

  private verify(
    phase: Phase,
    outputs: Record<string, unknown>,
    ctx: OperationContext,
    policy: SmokePolicy = this.policy,
  ): Promise<SmokeReport> {
    return runSmokeChecks({
      phase,
      checks: smokeChecksOf(outputs),
      runner: this.smoke,
      policy,
      clock: this.clock,
      emit: this.emit,
      signal: ctx.signal,
    });
  }

  /** A migration in run's config and its position there, which config paths name. */
  private async findMigration(name: string): Promise<{ index: number; configured: Migration }> {
    const migrations = await this.migrations();
    const index = migrations.findIndex((m) => m.name === name);
    if (index < 0) {
      const known = migrations.map((m) => m.name);
      throw new UsageError(
        `run has no migration named ${name}; ${known.length > 0 ? `its migrations: ${known.join(", ")}` : "its config lists no migrations"} (cloud-migration-journey:migrations)`,
      );
    }
    return { index, configured: migrations[index] };
  }

  /**
   * Sets a migration's weight in run's config and applies it, after a preview shows that exactly one
   * resource is updated in place; otherwise the config is set back and nothing is applied.
   */
  private async changeWeight(
    index: number,
    change: WeightChange,
    ctx: OperationContext,
  ): Promise<Record<string, unknown>> {
    this.emit({ type: "weight", migration: change.migration, from: change.from, to: change.to, reason: change.kind });
    return this.changeRunInPlace(
      `migrations[${index}].weight`,
      change.from,
      change.to,
      { what: `${change.migration}'s weight`, kind: "a weight change" },
      weightChangeMessage(change),
      ctx,
    );
  }

  private async changeRunInPlace<V extends number | boolean>(
    path: string,
    from: V,
    to: V,
    label: { what: string; kind: string },
    message: string,
    ctx: OperationContext,
  ): Promise<Record<string, unknown>> {
    await this.engine.setConfig(RUN, path, to);
    try {
      const { changes } = await this.runPhase(RUN, "preview", ctx, (o) => this.engine.preview(RUN, o));
      const changed = Object.entries(changes).filter(([op, n]) => op !== "same" && n! > 0);
      if (changed.length !== 1 || changes.update !== 1) {
        throw new EngineError(
          `refused to change ${label.what}: the preview says it ${describeChanges(changes, "preview")}, but ${label.kind} must update exactly one resource in place`,
        );
      }
      const { outputs } = await this.runPhase(RUN, "up", ctx, (o) => this.engine.up(RUN, { ...o, message }));
      return outputs;
    } catch (err) {
      if (!ctx.signal.aborted) await this.engine.setConfig(RUN, path, from);
      throw err;
    }
  }

  /** `journey rollback` after a shift's early-access step: that rule off again, one resource in place. */
  private async earlyAccessOff(
    migration: string,
    ctx: OperationContext,
  ): Promise<{ result: RollbackReport; message: string }> {
    const { index, configured } = await this.findMigration(migration);
    const early = configured.earlyAccess;
    if (early)
      this.emit({
        type: "early-access",
        migration,
        header: early.header,
        values: early.values,
        enabled: false,
        reason: "rollback",
      });
    const label = { what: `${migration}'s early access`, kind: "turning early access off" };
    const outputs = await this.changeRunInPlace(
      `migrations[${index}].earlyAccess.enabled`,
      true,
      false,
      label,
      earlyAccessMessage(migration, false),
      ctx,
    );
    const checks = await this.verify(RUN, outputs, ctx);
    if (checks.verdict === "failed") {
      const failed = failedChecks(checks);
      throw new SmokeChecksFailedError(
        `${migration}'s early access is off again, but run's smoke checks fail (${failed.join("; ")})`,
        failed,
        "journey status",
      );
    }
    return {
      result: { kind: "early-access", migration, checks },
      message: `${migration}'s early access is off again; smoke checks ${describeReport(checks)}`,
    };
  }

  /** Turns a migration's early access on (one resource in place), bakes and checks; a failing check turns it off again. */
  private async earlyAccessStep(
    index: number,
    step: EarlyAccessStep,
    weight: number,
    bakeMs: number,
    command: string,
    ctx: OperationContext,
  ): Promise<void> {
    const { migration, header, values } = step;
    const path = `migrations[${index}].earlyAccess.enabled`;
    if (step.deployed) {
      this.emit({ type: "early-access", migration, header, values, enabled: true, reason: "already-on" });
      return;
    }
    this.emit({ type: "early-access", migration, header, values, enabled: true, reason: "shift" });
    const outputs = await this.changeRunInPlace(
      path,
      false,
      true,
      { what: `${migration}'s early access`, kind: "turning early access on" },
      earlyAccessMessage(migration, true),
      ctx,
    );
    ctx.where = `${migration} has early access on for ${header}, applied but not verified yet`;
    this.emit({
      type: "waiting",
      phase: RUN,
      what: "bake",
      durationMs: bakeMs,
      real: this.clock.waits,
      detail: `while callers with ${header}: ${values.join(", ")} reach ${migration}'s microservice (everyone else at ${weight}%), then run's smoke checks`,
    });
    await this.clock.sleep(bakeMs, ctx.signal);
    const checks = await this.verify(RUN, outputs, ctx);
    if (checks.verdict !== "failed") return;
    const failed = failedChecks(checks);
    this.emit({ type: "early-access", migration, header, values, enabled: false, reason: "revert" });
    await this.changeRunInPlace(
      path,
      true,
      false,
      { what: `${migration}'s early access`, kind: "turning early access off" },
      earlyAccessMessage(migration, false),
      ctx,
    );
    throw new RolledBackError(
      `smoke check failed with early access on: ${failed.join("; ")}. ${migration}'s early access is off again; it stays at ${weight}%.`,
      failed,
      weight,
      `fix the failing check, then \`${command}\``,
    );
  }

  /** The newest phase whose stack holds resources, deployed or partly. */
  private async newestPhase(): Promise<{ phase: Phase; resources: DeployedResource[] } | undefined> {
    for (const phase of [...PHASES].reverse()) {
      const resources = await this.deployedResources(phase);
      if (resources.length > 0) return { phase, resources };
    }
    return undefined;
  }

  private async deployedResources(phase: Phase): Promise<DeployedResource[]> {
    return (await this.engine.resources(phase)).filter((r) => !isStackRoot(r.type));
  }

  /** In-cluster resources first, then their load balancers' departure, then the rest (cluster, network). */
  private async destroyPhase(phase: Phase, resources: DeployedResource[], ctx: OperationContext): Promise<void> {
    const inCluster = resources.filter(isInCluster);
    const others = resources.filter((r) => !isInCluster(r) && !r.type.startsWith("pulumi:providers:"));
    if (inCluster.length > 0 && others.length > 0) {
      const hostnames = loadBalancerHostnames(resources, (await this.engine.inspect(phase)).outputs);
      const scope = "in-cluster resources first";
      await this.runPhase(
        phase,
        "destroy",
        ctx,
        (o) =>
          this.engine.destroy(phase, {
            ...o,
            targets: inCluster.map((r) => r.urn),
            message: `journey destroy ${phase}: ${scope}`,
          }),
        scope,
      );
      await this.waitForLoadBalancers(phase, hostnames, ctx);
    }
    await this.runPhase(
      phase,
      "destroy",
      ctx,
      (o) => this.engine.destroy(phase, { ...o, message: `journey destroy ${phase}` }),
      inCluster.length > 0 && others.length > 0 ? "the rest" : undefined,
    );
  }

  private async waitForLoadBalancers(phase: Phase, hostnames: string[], ctx: OperationContext): Promise<void> {
    const known = hostnames.filter((h) => !mentionsUnknown(h));
    const detail =
      known.length > 0
        ? `for ${known.length} load balancer(s) to go before ${phase}'s network is destroyed: ${known.join(", ")}`
        : this.clock.waits
          ? `${phase}'s state names no load balancer to wait for`
          : `a real destroy waits here until the load balancers in ${phase}'s state are gone, before it destroys the network`;
    this.emit({
      type: "waiting",
      phase,
      what: "load-balancers",
      durationMs: known.length > 0 ? this.loadBalancerTimeoutMs : 0,
      real: this.clock.waits && known.length > 0,
      detail,
    });
    const deadline = this.clock.now() + this.loadBalancerTimeoutMs;
    let remaining = known;
    while (remaining.length > 0) {
      const gone = await Promise.all(remaining.map((h) => this.probe(h)));
      remaining = remaining.filter((_, i) => !gone[i]);
      if (remaining.length === 0) return;
      if (this.clock.now() >= deadline) {
        throw new EngineError(
          `load balancer(s) ${remaining.join(", ")} still exist ${formatDuration(this.loadBalancerTimeoutMs)} after ${phase}'s in-cluster resources were destroyed; destroy stopped before the network. Run \`journey destroy --yes\` again once they are gone.`,
          "journey destroy --yes",
        );
      }
      await this.clock.sleep(15_000, ctx.signal);
    }
  }
}

function asJourneyError(err: unknown): JourneyError {
  if (err instanceof JourneyError) return err;
  return new EngineError((err as Error)?.message ?? String(err));
}
