import { strict as assert } from "assert";
import { EngineError, RolledBackError, UpdateRecord, UsageError } from "../../automation/journey";
import { lastUndoableChange } from "../../automation/journey/earlyAccess";
import { CliDeps, main } from "../../cli/journey";
import { FAIL, fakeJourney, fakeStackFiles, ofType, PASS, ScriptedRunner } from "./support/fakeProgram";

const BAKE = { bakeMs: 60_000 };
const EARLY = { header: "x-journey-early-access", values: ["qa"] };

async function atRun(options: Parameters<typeof fakeJourney>[0] = {}, enabled = false) {
  const fake = fakeJourney({
    stackFiles: fakeStackFiles([{ name: "disputes", weight: 0, earlyAccess: { ...EARLY, enabled } }]),
    ...options,
  });
  for (const phase of ["crawl", "walk", "run"] as const) await fake.journey.up(phase);
  return fake;
}

describe("journey shift --early-access", () => {
  it("turns early access on as its first step (one resource in place), bakes and checks it, then steps the weight", async () => {
    const { journey, events } = await atRun();
    const report = await journey.shift("disputes", [10], { ...BAKE, earlyAccess: true });
    assert.deepEqual(report, { migration: "disputes", weight: 10, applied: [10] });
    assert.deepEqual(
      ofType(events, "early-access").map((e) => [e.enabled, e.reason, e.header, e.values]),
      [[true, "shift", EARLY.header, EARLY.values]],
    );
    const kinds = events.filter((e) => ["early-access", "weight", "waiting"].includes(e.type)).map((e) => e.type);
    assert.deepEqual(kinds, ["early-access", "waiting", "weight", "waiting"]);
    const runUps = ofType(events, "phase-finished")
      .filter((e) => e.phase === "run" && e.action === "up")
      .slice(1);
    assert.ok(
      runUps.length === 2 && runUps.every((e) => e.changes.update === 1),
      JSON.stringify(runUps.map((e) => e.changes)),
    );
    assert.equal((await journey.migrations())[0].earlyAccess?.enabled, true);
    assert.equal(
      ofType(events, "operation-started").at(-1)?.command,
      "journey shift disputes --early-access --steps 10 --bake 1m",
    );
  });

  it("with early access alone, moves no weight", async () => {
    const { journey, events } = await atRun();
    assert.deepEqual(await journey.shift("disputes", [], { ...BAKE, earlyAccess: true }), {
      migration: "disputes",
      weight: 0,
      applied: [],
    });
    assert.deepEqual(ofType(events, "weight"), []);
  });

  it("when it is on already, says so and changes nothing for it", async () => {
    const { journey, events } = await atRun({}, true);
    await journey.shift("disputes", [], { ...BAKE, earlyAccess: true });
    assert.deepEqual(
      ofType(events, "early-access").map((e) => e.reason),
      ["already-on"],
    );
    assert.equal(
      ofType(events, "phase-started").filter((e) => e.phase === "run" && e.action === "up").length,
      1,
      "only journey up run",
    );
  });

  it("a failing smoke check with early access on turns it off again (exit 3, rolled back), before any weight moves", async () => {
    let on = false;
    const runner = new ScriptedRunner((check) =>
      check.name.startsWith("run") && on ? FAIL("disputes answered 500") : PASS,
    );
    const { journey, events } = await atRun({ runner });
    journey.subscribe((e) => {
      if (e.type === "early-access") on = e.enabled;
    });
    await assert.rejects(journey.shift("disputes", [10], { ...BAKE, earlyAccess: true }), (err: unknown) => {
      assert.ok(err instanceof RolledBackError);
      assert.equal(err.weight, 0);
      assert.match(
        err.message,
        /smoke check failed with early access on: run: \/mesh\/card\/dispute\. disputes's early access is off again; it stays at 0%/,
      );
      return true;
    });
    assert.deepEqual(
      ofType(events, "early-access").map((e) => `${e.reason}:${e.enabled}`),
      ["shift:true", "revert:false"],
    );
    assert.deepEqual(ofType(events, "weight"), []);
    assert.equal((await journey.migrations())[0].earlyAccess?.enabled, false);
  });

  it("refuses early access for a migration at 100% (its route has no such rule there)", async () => {
    const { journey } = await atRun();
    await journey.shift("disputes", [100], BAKE);
    await assert.rejects(
      journey.shift("disputes", [], { ...BAKE, earlyAccess: true }),
      (err: unknown) =>
        err instanceof UsageError &&
        /disputes is at 100%: every caller reaches the microservice already/.test(err.message),
    );
  });

  it("refuses a migration without early access in run's config, naming the key", async () => {
    const { journey } = fakeJourney();
    for (const phase of ["crawl", "walk", "run"] as const) await journey.up(phase);
    await assert.rejects(journey.shift("disputes", [10], { ...BAKE, earlyAccess: true }), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.match(
        err.message,
        /disputes has no early access to turn on: set cloud-migration-journey:migrations\[0\]\.earlyAccess in run's config, e\.g\. \{header: x-journey-early-access, values: \[qa\], enabled: false\}/,
      );
      return true;
    });
  });

  it("refuses, and sets the config back, when turning it on would touch more than one resource", async () => {
    const { journey } = await atRun({ resourcesPerWeight: 2 });
    await assert.rejects(
      journey.shift("disputes", [], { ...BAKE, earlyAccess: true }),
      (err: unknown) =>
        err instanceof EngineError &&
        /refused to change disputes's early access: the preview says it would update 2; .* but turning early access on must update exactly one resource in place/.test(
          err.message,
        ),
    );
    assert.equal((await journey.migrations())[0].earlyAccess?.enabled, false);
  });

  it("journey rollback undoes the last change, early access included: the weight first, then the early access", async () => {
    const { journey, events } = await atRun();
    await journey.shift("disputes", [10], { ...BAKE, earlyAccess: true });
    assert.deepEqual(await journey.rollback().then((r) => r.kind === "weight" && [r.from, r.to]), [10, 0]);
    const report = await journey.rollback();
    assert.equal(report.kind, "early-access");
    assert.equal((await journey.migrations())[0].earlyAccess?.enabled, false);
    assert.deepEqual(
      ofType(events, "early-access").map((e) => `${e.reason}:${e.enabled}`),
      ["shift:true", "rollback:false"],
    );
    await assert.rejects(journey.rollback(), /no traffic shift is left to undo/);
  });

  it("lastUndoableChange: weights as lastUndoableShift reads them, early access on until turned off", () => {
    const update = (message: string, result: "succeeded" | "failed" = "succeeded") =>
      ({ kind: "update", result, message }) as UpdateRecord;
    const newestFirst = (...messages: string[]) => messages.reverse().map((m) => update(m));
    assert.deepEqual(
      lastUndoableChange(newestFirst("journey early-access disputes off->on", "journey shift disputes 0->10")),
      { weight: { kind: "shift", migration: "disputes", from: 0, to: 10 } },
    );
    assert.deepEqual(lastUndoableChange(newestFirst("journey early-access disputes off->on")), {
      earlyAccessOn: "disputes",
    });
    assert.equal(
      lastUndoableChange(newestFirst("journey early-access disputes off->on", "journey early-access disputes on->off")),
      undefined,
    );
    assert.deepEqual(
      lastUndoableChange(
        newestFirst(
          "journey early-access disputes off->on",
          "journey shift disputes 0->10",
          "journey rollback disputes 10->0",
        ),
      ),
      { earlyAccessOn: "disputes" },
    );
    assert.equal(lastUndoableChange([update("journey early-access disputes off->on", "failed")]), undefined);
  });

  it("the CLI: --early-access alone is a shift; neither --steps nor --early-access is exit 2", async () => {
    const { journey } = await atRun();
    const deps: CliDeps = { env: {}, terminal: { write: () => true }, journey: () => journey };
    let out = "";
    let err = "";
    const io = { out: (s: string) => void (out += s), err: (s: string) => void (err += s) };
    assert.equal(
      await main(["node", "journey", "shift", "disputes", "--early-access", "--bake", "1m", "--offline"], io, deps),
      0,
      err,
    );
    assert.match(out, /disputes: would turn early access on for x-journey-early-access: qa/);
    assert.equal(await main(["node", "journey", "shift", "disputes", "--offline"], io, deps), 2);
    assert.match(err, /shift needs --steps \(e\.g\. --steps 10,25,50,100\), --early-access, or both/);
  });
});
