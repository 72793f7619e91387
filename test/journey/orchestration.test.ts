import { strict as assert } from "assert";
import {
  CancelledError,
  EngineError,
  GateRefusedError,
  RolledBackError,
  SmokeChecksFailedError,
  StackLockedError,
  UsageError,
} from "../../automation/journey";
import type { OfflineStep } from "../../automation/engines/offline";
import { nameOfUrn } from "../../automation/engines/engine";
import { FAIL, fakeJourney, fakeStackFiles, LOAD_BALANCER, ofType, PASS, ScriptedRunner } from "./support/fakeProgram";

const BAKE = { bakeMs: 5 * 60_000 };

async function upTo(journey: ReturnType<typeof fakeJourney>["journey"], last: "crawl" | "walk" | "run"): Promise<void> {
  for (const phase of ["crawl", "walk", "run"] as const) {
    await journey.up(phase);
    if (phase === last) return;
  }
}

/** A beforeStep hook that throws once, on one resource's step of one phase's action. */
function failAt(
  phase: string,
  action: string,
  resource: string,
  error = new Error("provider error: InvalidParameterValue"),
) {
  let armed = true;
  return (step: OfflineStep) => {
    if (armed && step.phase === phase && step.action === action && nameOfUrn(step.urn) === resource) {
      armed = false;
      throw error;
    }
  };
}

describe("journey orchestration (offline engine, faults injected)", () => {
  describe("up", () => {
    it("steps crawl, walk, run forward; each gate passes on the earlier phase's smoke checks", async () => {
      const { journey, events } = fakeJourney();
      const report = await journey.up("crawl");
      assert.deepEqual(report.changes, { create: 3 });
      assert.equal(report.checks.verdict, "passed");
      await journey.up("walk");
      await journey.up("run");
      const gates = ofType(events, "gate").map((g) => `${g.requires}->${g.phase}:${g.verdict}`);
      assert.deepEqual(gates, ["crawl->walk:passed", "walk->run:passed"]);
      const steps = ofType(events, "resource-step").filter((e) => e.phase === "walk" && e.state === "done");
      assert.deepEqual(
        steps.map((s) => s.progress),
        steps.map((_, i) => ({ done: i + 1, total: 6 })),
        "progress counts every step against the known total",
      );
      assert.deepEqual(
        ofType(events, "summary").map((s) => s.outcome),
        ["succeeded", "succeeded", "succeeded"],
      );
    });

    it("a gate refuses `up run` before walk is deployed, and changes nothing", async () => {
      const { journey, events } = fakeJourney();
      await journey.up("crawl");
      await assert.rejects(journey.up("run"), (err: unknown) => {
        assert.ok(err instanceof GateRefusedError);
        assert.equal(err.outcome, "gate-refused");
        assert.match(err.message, /walk is not deployed/);
        assert.equal(err.resume, "journey up walk");
        return true;
      });
      assert.equal((await journey.status()).phases.find((p) => p.phase === "run")!.state, "not-deployed");
      assert.deepEqual(ofType(events, "gate").at(-1), {
        ...ofType(events, "gate").at(-1),
        phase: "run",
        requires: "walk",
        verdict: "refused",
      });
      assert.equal(ofType(events, "phase-started").filter((e) => e.phase === "run").length, 0);
    });

    it("a gate refuses `up walk` while crawl's smoke checks fail", async () => {
      const runner = new ScriptedRunner((check) => (check.name.startsWith("crawl") ? FAIL() : PASS));
      const { journey } = fakeJourney({ runner });
      await assert.rejects(journey.up("crawl"), SmokeChecksFailedError);
      await assert.rejects(
        journey.up("walk"),
        (err: unknown) =>
          err instanceof GateRefusedError && /crawl's smoke checks fail \(crawl: \/onprem\/card\/1\)/.test(err.message),
      );
    });

    it("an up failing halfway leaves the phase partly deployed; running it again resumes", async () => {
      const { journey, events } = fakeJourney({ beforeStep: failAt("walk", "up", "kong-mesh-system") });
      await journey.up("crawl");
      await assert.rejects(
        journey.up("walk"),
        (err: unknown) =>
          err instanceof EngineError && err.outcome === "failed" && /InvalidParameterValue/.test(err.message),
      );
      const failed = ofType(events, "resource-step").find((e) => e.state === "failed")!;
      assert.equal(failed.name, "kong-mesh-system");
      const walk = (await journey.status()).phases.find((p) => p.phase === "walk")!;
      assert.equal(walk.state, "partial");
      const applied = ofType(events, "resource-step").filter((e) => e.phase === "walk" && e.state === "done").length;
      assert.equal(walk.resourceCount, applied);
      assert.equal(walk.lastUpdate?.result, "failed");
      assert.match((await journey.status()).next, /journey up walk` to finish it/);

      const resumed = await journey.up("walk");
      assert.deepEqual(resumed.changes, { same: applied, create: 6 - applied });
    });

    it("retries failing smoke checks until they pass, within the deadline", async () => {
      const runner = new ScriptedRunner((check, attempt) =>
        check.name.startsWith("crawl") && attempt < 3 ? FAIL("connection refused") : PASS,
      );
      const { journey, events } = fakeJourney({ runner });
      const report = await journey.up("crawl");
      assert.equal(report.checks.results[0].attempts, 3);
      assert.deepEqual(
        ofType(events, "smoke-check").map((e) => e.status),
        ["retrying", "retrying", "passed"],
      );
    });

    it("the phase is not done while its smoke checks fail: bounded retries, then exit as failed", async () => {
      const runner = new ScriptedRunner(() => FAIL());
      const { journey } = fakeJourney({ runner });
      await assert.rejects(journey.up("crawl"), (err: unknown) => {
        assert.ok(err instanceof SmokeChecksFailedError);
        assert.deepEqual(err.failedChecks, ["crawl: /onprem/card/1"]);
        assert.match(err.message, /crawl is deployed but not done/);
        return true;
      });
      // 60 s timeout, 10 s interval: attempts at 0, 10, ..., 60 s.
      assert.equal(runner.calls.length, 7);
    });

    it("cluster checks and offline checks are reported as NOT RUN, never as passed", async () => {
      const { offlineJourney } = await import("../../automation/journey");
      const { fakeProgram } = await import("./support/fakeProgram");
      const journey = offlineJourney({ program: fakeProgram(), stackFiles: fakeStackFiles() });
      const events: string[] = [];
      journey.subscribe((e) => e.type === "smoke-check" && events.push(e.status));
      const report = await journey.up("crawl");
      assert.equal(report.checks.verdict, "unverified");
      assert.deepEqual(events, ["not-run"]);
      await journey.up("walk");
      assert.ok(!events.includes("passed"));
    });
  });

  describe("shift", () => {
    it("steps the weight through each step, baking and checking each; history records each shift", async () => {
      const { journey, events } = fakeJourney();
      await upTo(journey, "run");
      const report = await journey.shift("disputes", [10, 25, 50, 100], BAKE);
      assert.deepEqual(report, { migration: "disputes", weight: 100, applied: [10, 25, 50, 100] });
      assert.deepEqual(
        ofType(events, "weight").map((w) => `${w.from}->${w.to}`),
        ["0->10", "10->25", "25->50", "50->100"],
      );
      assert.deepEqual(
        ofType(events, "waiting").map((w) => [w.what, w.durationMs, w.real]),
        Array(4).fill(["bake", 300_000, false]),
      );
      const upsOfRun = ofType(events, "phase-finished")
        .filter((e) => e.phase === "run" && e.action === "up")
        .slice(1);
      assert.ok(
        upsOfRun.every((e) => e.changes.update === 1),
        "each step updates exactly one resource",
      );
      assert.equal((await journey.status()).phases[2].weights?.disputes, 100);
    });

    it("a smoke check failing at the 50% step sets the weight back to 25 and applies it", async () => {
      let weight = 0;
      const runner = new ScriptedRunner((check) =>
        check.name.startsWith("run") && weight === 50 ? FAIL("disputes answered 500") : PASS,
      );
      const { journey, events } = fakeJourney({ runner });
      journey.subscribe((e) => {
        if (e.type === "weight") weight = e.to;
      });
      await upTo(journey, "run");
      await assert.rejects(journey.shift("disputes", [10, 25, 50, 100], BAKE), (err: unknown) => {
        assert.ok(err instanceof RolledBackError);
        assert.equal(err.outcome, "rolled-back");
        assert.equal(err.weight, 25);
        assert.deepEqual(err.failedChecks, ["run: /mesh/card/dispute"]);
        assert.match(err.message, /smoke check failed at 50%: run: \/mesh\/card\/dispute\. disputes is back at 25%/);
        return true;
      });
      assert.deepEqual(
        ofType(events, "weight").map((w) => `${w.reason} ${w.from}->${w.to}`),
        ["shift 0->10", "shift 10->25", "shift 25->50", "revert 50->25"],
      );
      const status = await journey.status();
      assert.equal(status.phases[2].weights?.disputes, 25, "deployed weight");
      assert.equal((await journey.migrations())[0].weight, 25, "config weight");
      assert.equal(ofType(events, "summary").at(-2)?.outcome, "rolled-back");
    });

    it("refuses a weight change that would touch more than one resource, and sets the config back", async () => {
      const { journey } = fakeJourney({ resourcesPerWeight: 2 });
      await upTo(journey, "run");
      await assert.rejects(
        journey.shift("disputes", [10], BAKE),
        /would update 2; 1 unchanged, but a weight change must update exactly one resource in place/,
      );
      assert.equal((await journey.migrations())[0].weight, 0);
    });

    it("names the known migrations when asked for an unknown one", async () => {
      const { journey } = fakeJourney();
      await upTo(journey, "run");
      await assert.rejects(
        journey.shift("billing", [10], BAKE),
        (err: unknown) =>
          err instanceof UsageError && /no migration named billing; its migrations: disputes/.test(err.message),
      );
    });

    it("never moves traffic back first: steps at or below the deployed weight are refused before anything changes", async () => {
      const { journey, events } = fakeJourney();
      await upTo(journey, "run");
      await journey.shift("disputes", [10, 20], BAKE);
      const before = ofType(events, "weight").length;
      for (const steps of [[10, 20], [20, 50], [5], [50, 25], [30, 30]]) {
        await assert.rejects(journey.shift("disputes", steps, BAKE), (err: unknown) => {
          assert.ok(err instanceof UsageError, String(err));
          assert.match(
            err.message,
            steps[0] <= 20
              ? /disputes is at 20%: a shift's steps must rise above that/
              : /steps must rise, each above the one before/,
          );
          return true;
        });
      }
      assert.equal(ofType(events, "weight").length, before, "no weight was touched");
      assert.equal((await journey.status()).phases[2].weights?.disputes, 20);
      await assert.rejects(
        journey.shift("disputes", [30], { bakeMs: 25 * 3_600_000 }),
        /the bake time must be at most 24h; got 25h/,
      );
    });

    it("is refused while run is not deployed", async () => {
      const { journey } = fakeJourney();
      await upTo(journey, "walk");
      await assert.rejects(
        journey.shift("disputes", [10], BAKE),
        (err: unknown) => err instanceof GateRefusedError && err.resume === "journey up run",
      );
    });
  });

  describe("rollback", () => {
    it("takes the last shift back one step at a time, from run's own history", async () => {
      const { journey } = fakeJourney();
      await upTo(journey, "run");
      await journey.shift("disputes", [10, 25, 50], BAKE);
      assert.deepEqual(await journey.rollback(), {
        kind: "weight",
        migration: "disputes",
        from: 50,
        to: 25,
        checks: (await journey.status()).phases[2].checks,
      });
      assert.equal((await journey.rollback()).kind, "weight");
      assert.equal((await journey.status()).phases[2].weights?.disputes, 10);
    });

    it("with no shift left, destroying the newest phase needs confirmation", async () => {
      const { journey } = fakeJourney();
      await upTo(journey, "walk");
      await assert.rejects(
        journey.rollback(),
        (err: unknown) =>
          err instanceof UsageError &&
          err.resume === "journey rollback --yes" &&
          /destroys the newest phase, walk \(6 resources\)/.test(err.message),
      );
      assert.deepEqual(await journey.rollback({ confirmDestroy: true }), { kind: "phase", phase: "walk" });
      const status = await journey.status();
      assert.deepEqual(
        status.phases.map((p) => p.state),
        ["deployed", "not-deployed", "not-deployed"],
      );
    });
  });

  describe("safety", () => {
    it("one operation per stack at a time: a second one is refused with how to clear the lock", async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const { journey } = fakeJourney({
        beforeStep: (step) => (step.phase === "crawl" && step.index === 1 ? held : undefined),
      });
      const first = journey.up("crawl");
      await new Promise((resolve) => setImmediate(resolve));
      await assert.rejects(journey.up("crawl"), (err: unknown) => {
        assert.ok(err instanceof StackLockedError);
        assert.match(
          err.message,
          /stack crawl is locked: `journey up crawl` is running on it in this process.*clear the lock with `journey cancel crawl`/,
        );
        return true;
      });
      await assert.rejects(journey.destroy(), StackLockedError);
      release();
      await first;
      await journey.up("walk");
    });

    it("a cancel midway stops cleanly, says how to resume, and the next run resumes", async () => {
      let cancelled = false;
      const fixture: ReturnType<typeof fakeJourney> = fakeJourney({
        beforeStep: (step) => {
          if (!cancelled && step.phase === "walk" && step.index === 2) {
            cancelled = true;
            void fixture.journey.cancel("walk");
          }
        },
      });
      const { journey, events } = fixture;
      await journey.up("crawl");
      await assert.rejects(journey.up("walk"), (err: unknown) => {
        assert.ok(err instanceof CancelledError);
        assert.equal(err.outcome, "cancelled");
        assert.match(
          err.message,
          /journey up walk was cancelled\. Run `journey up walk` again to resume; if it reports a lock, `journey cancel walk`/,
        );
        return true;
      });
      assert.equal(ofType(events, "summary").at(-1)?.outcome, "cancelled");
      assert.equal((await journey.status()).phases[1].resourceCount, 3, "the step in flight finished and is kept");
      assert.deepEqual((await journey.up("walk")).changes, { same: 3, create: 3 });
    });

    it("an abort signal cancels a bake and leaves the weight where it is, saying so", async () => {
      const controller = new AbortController();
      const { journey } = fakeJourney();
      await upTo(journey, "run");
      journey.subscribe((e) => e.type === "waiting" && controller.abort());
      await assert.rejects(
        journey.shift("disputes", [10, 25], { ...BAKE, signal: controller.signal }),
        (err: unknown) => {
          assert.ok(err instanceof CancelledError);
          assert.match(
            err.message,
            /disputes is at 10%, applied but not verified yet; `journey rollback` takes it back to 0%/,
          );
          return true;
        },
      );
    });
  });

  describe("destroy", () => {
    it("goes run, walk, crawl; in walk, the in-cluster resources and their load balancers go before the network", async () => {
      const probed: string[] = [];
      let polls = 0;
      const { journey, events } = fakeJourney({ loadBalancerProbe: async (host) => (probed.push(host), ++polls > 2) });
      await upTo(journey, "run");
      assert.deepEqual(await journey.destroy(), { destroyed: ["run", "walk", "crawl"] });
      const order = events
        .filter((e) => e.type === "phase-started" || e.type === "waiting")
        .slice(-5)
        .map((e) => (e.type === "phase-started" ? `${e.phase} ${e.scope ?? "all"}` : e.what));
      assert.deepEqual(order, [
        "run all",
        "walk in-cluster resources first",
        "load-balancers",
        "walk the rest",
        "crawl all",
      ]);
      const walkDeletes = ofType(events, "resource-step").filter(
        (e) => e.phase === "walk" && e.action === "destroy" && e.state === "done",
      );
      assert.deepEqual(
        walkDeletes.slice(0, 3).map((e) => e.resourceType.split(":")[0]),
        ["kubernetes", "kubernetes", "kubernetes"],
      );
      assert.deepEqual(probed, [LOAD_BALANCER, LOAD_BALANCER, LOAD_BALANCER]);
      assert.deepEqual(await journey.destroy(), { destroyed: [] }, "idempotent");
    });

    it("resumes after a failure: what is gone is skipped, the rest is destroyed", async () => {
      const { journey, events } = fakeJourney({ beforeStep: failAt("walk", "destroy", "cloud-eks") });
      await upTo(journey, "run");
      await assert.rejects(journey.destroy(), EngineError);
      assert.deepEqual(
        (await journey.status()).phases.map((p) => p.state),
        ["deployed", "deployed", "not-deployed"],
      );
      assert.deepEqual(await journey.destroy(), { destroyed: ["walk", "crawl"] });
      assert.equal(
        ofType(events, "phase-finished")
          .filter((e) => e.skipped)
          .at(-1)?.phase,
        "run",
      );
    });

    it("stops before the network while a load balancer is still there, and resumes later", async () => {
      let gone = false;
      const { journey } = fakeJourney({ loadBalancerProbe: async () => gone });
      await upTo(journey, "walk");
      await assert.rejects(
        journey.destroy(),
        (err: unknown) =>
          err instanceof EngineError &&
          /still exist 15m after walk's in-cluster resources were destroyed; destroy stopped before the network/.test(
            err.message,
          ),
      );
      const walk = (await journey.status()).phases[1];
      assert.equal(walk.resourceCount, 3, "the network and the cluster are still there");
      gone = true;
      assert.deepEqual(await journey.destroy(), { destroyed: ["walk", "crawl"] });
    });
  });

  describe("status", () => {
    it("reads where the journey stands from the stacks and says what to run next", async () => {
      const { journey } = fakeJourney();
      assert.match((await journey.status()).next, /`journey up crawl`/);
      await upTo(journey, "run");
      const status = await journey.status();
      assert.deepEqual(
        status.phases.map((p) => [p.phase, p.state, p.checks?.verdict]),
        [
          ["crawl", "deployed", "passed"],
          ["walk", "deployed", "passed"],
          ["run", "deployed", "passed"],
        ],
      );
      assert.equal(status.next, "`journey shift disputes --steps 10,25,50,100 --bake 5m`");
      assert.equal(status.phases[0].lastUpdate?.message, "journey up crawl");
    });
  });
});
