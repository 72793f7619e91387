import { Migration, PHASES, Phase } from "../../config/schema";
import type { Engine } from "../engines/engine";
import { offlinePlan, OfflinePlan } from "../../offline/plan";
import type { GateOverrides } from "./bake";
import { Clock, realClock } from "./clock";
import { shiftCommand } from "./earlyAccess";
import { SmokeChecksFailedError } from "./errors";
import type { ChangeCounts, JourneyListener } from "./events";
import { JourneyEvents } from "./events";
import { runMigrations } from "./inPlaceChange";
import { dnsProbe, LoadBalancerProbe } from "./loadBalancers";
import { deployedWeights } from "./migrations";
import { JourneyParts, operate, runningOn, runPhase } from "./operation";
import { gate, isDeployed, RUN, verify } from "./phaseGate";
import { MetricsSource, PrometheusSource } from "./prometheus";
import {
  CancelReport,
  DestroyReport,
  JourneyStatus,
  nextStep,
  PhaseStatus,
  RollbackReport,
  ShiftReport,
  UpReport,
} from "./reports";
import { stepBack } from "./rollback";
import { shiftTraffic } from "./shift";
import { DEFAULT_SMOKE_POLICY, describeReport, failedChecks, HttpSmokeRunner, SmokeCheckRunner } from "./smoke";
import type { SmokePolicy } from "./smoke";
import { destroyAll } from "./teardown";
import { describeChanges } from "./wording";

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

/**
 * The migration journey over one engine: steps the phase stacks forward behind gates, moves
 * traffic in verified steps, steps back, and tears down in reverse. Where the journey stands is
 * read from the stacks every time. Every operation streams `JourneyEvent`s to subscribers and
 * rejects with a `JourneyError` whose `outcome` says how it ended.
 *
 * The operations' bodies live beside it: the step runner (operation.ts), the gate into a phase
 * (phaseGate.ts), traffic shifts (shift.ts), stepping back (rollback.ts), teardown (teardown.ts).
 */
export class Journey {
  private readonly events = new JourneyEvents();
  private readonly parts: JourneyParts;

  constructor(options: JourneyOptions) {
    this.parts = {
      engine: options.engine,
      emit: this.events.emit,
      smoke: options.smoke ?? new HttpSmokeRunner(),
      policy: { ...DEFAULT_SMOKE_POLICY, ...options.smokePolicy },
      clock: options.clock ?? realClock,
      probe: options.loadBalancerProbe ?? dnsProbe,
      loadBalancerTimeoutMs: options.loadBalancerTimeoutMs ?? 15 * 60_000,
      metrics: options.metrics ?? (options.engine.kind === "offline" ? undefined : (url) => new PrometheusSource(url)),
    };
  }

  private get engine(): Engine {
    return this.parts.engine;
  }

  subscribe(listener: JourneyListener): () => void {
    return this.events.subscribe(listener);
  }

  /** Every phase's stack: deployed or not, its last update, its smoke checks (one attempt each), run's weights. */
  status(options: Cancellable & { checks?: boolean } = {}): Promise<JourneyStatus> {
    return operate(this.parts, "status", "journey status", [], options.signal, async (ctx) => {
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
          status.checks = await verify(this.parts, phase, state.outputs, ctx, { timeoutMs: 0, intervalMs: 0 });
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
    const command = `journey plan${phases ? ` --phase ${phases[phases.length - 1]}` : ""}`;
    return operate(this.parts, "plan", command, [], undefined, async () => {
      const { emit } = this.parts;
      const started = new Map<Phase, number>();
      const plan = await offlinePlan({
        phases,
        stackFiles: this.engine.stackFiles,
        onPhase: (phase, stage, durationMs) => {
          if (stage === "start") {
            started.set(phase, Date.now());
            emit({ type: "phase-started", phase, action: "preview", stack: phase });
          } else {
            emit({
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
    });
  }

  /** Run's migrations as its stack config lists them. */
  migrations(): Promise<Migration[]> {
    return runMigrations(this.parts);
  }

  /** Run's secret `notifyUrl` (the webhook `journey` posts to), where its stack sets one. */
  async notifyUrl(): Promise<string | undefined> {
    const value = await this.engine.readConfig(RUN, "notifyUrl").catch(() => undefined);
    return typeof value === "string" && value.length > 0 ? value : undefined;
  }

  /** What `up` would change. Needs the earlier phase deployed, since the program reads its outputs. */
  preview(phase: Phase, options: Cancellable = {}): Promise<ChangeCounts> {
    return operate(this.parts, "preview", `journey preview ${phase}`, [phase], options.signal, async (ctx) => {
      await gate(this.parts, phase, ctx, { checks: false });
      const { changes } = await runPhase(this.parts, phase, "preview", ctx, (o) => this.engine.preview(phase, o));
      return { result: changes, message: `${phase}: ${describeChanges(changes, "preview")}` };
    });
  }

  /**
   * Deploys a phase once the earlier one is deployed and its smoke checks pass, then runs the
   * phase's own smoke checks until they pass or time out: only then is the phase done.
   */
  up(phase: Phase, options: Cancellable = {}): Promise<UpReport> {
    const command = `journey up ${phase}`;
    return operate(this.parts, "up", command, [phase], options.signal, async (ctx) => {
      await gate(this.parts, phase, ctx, { checks: true });
      const { changes, outputs } = await runPhase(this.parts, phase, "up", ctx, (o) =>
        this.engine.up(phase, { ...o, message: command }),
      );
      ctx.where = `${phase} is deployed; its smoke checks had not finished`;
      const checks = await verify(this.parts, phase, outputs, ctx);
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
    return operate(this.parts, "shift", command, [RUN], options.signal, (ctx) =>
      shiftTraffic(this.parts, migration, steps, options, command, ctx),
    );
  }

  /**
   * One step back: the last shift back to its previous weight or, when no shift is left to undo,
   * the newest phase destroyed (only with `confirmDestroy`).
   */
  rollback(options: Cancellable & { confirmDestroy?: boolean } = {}): Promise<RollbackReport> {
    const command = `journey rollback${options.confirmDestroy ? " --yes" : ""}`;
    return operate<RollbackReport>(this.parts, "rollback", command, [...PHASES], options.signal, (ctx) =>
      stepBack(this.parts, options.confirmDestroy, ctx),
    );
  }

  /** Destroys run, walk, crawl in that order; stacks already empty are skipped, so it resumes where a failed run stopped. */
  destroy(options: Cancellable = {}): Promise<DestroyReport> {
    return operate(this.parts, "destroy", "journey destroy --yes", [...PHASES], options.signal, (ctx) =>
      destroyAll(this.parts, ctx),
    );
  }

  /**
   * Cancels the operations running in this process on this journey's stacks (on `phase`, or all).
   * When none runs here, cancels the update holding the stack's lock in the backend, e.g. one a
   * crashed run left behind.
   */
  async cancel(phase?: Phase): Promise<CancelReport> {
    const here = runningOn(
      this.engine,
      PHASES.filter((p) => !phase || p === phase),
    );
    if (here.length > 0) {
      const commands = [...new Set(here)].map((running) => {
        running.controller.abort();
        return running.command;
      });
      return { cancelled: commands };
    }
    return operate(this.parts, "cancel", `journey cancel${phase ? ` ${phase}` : ""}`, [], undefined, async () => {
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
}
