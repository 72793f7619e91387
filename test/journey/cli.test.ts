import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { CliDeps } from "../../cli/journey";
import { CliRun, runJourney } from "../support/cli";
import type { TerminalStream } from "../../cli/renderers";
import type { Journey } from "../../automation/journey";
import { FAIL, fakeJourney, PASS, ScriptedRunner } from "./support/fakeProgram";

let calls = 0;
after(() => {
  for (let i = 1; i <= calls; i++)
    fs.rmSync(path.join(os.tmpdir(), `journey-cli-test-${process.pid}-${i}`), { recursive: true, force: true });
});

/** A session file of its own: --offline state never leaks from one test into another, nor into the project. */
function journey(args: string[], deps: CliDeps = {}): Promise<CliRun> {
  const env = {
    JOURNEY_OFFLINE_STATE: path.join(os.tmpdir(), `journey-cli-test-${process.pid}-${++calls}`, "state.json"),
  };
  return runJourney(args, { env, ...deps });
}

/** The fake journey, already deployed up to run, for commands that need deployed stacks. */
async function deployedFake(runner = new ScriptedRunner()): Promise<Journey> {
  const { journey: fake } = fakeJourney({ runner });
  for (const phase of ["crawl", "walk", "run"] as const) await fake.up(phase);
  return fake;
}

const ndjson = (out: string) =>
  out
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));

describe("journey CLI", function () {
  this.timeout(30_000);

  it("every command has --help", async () => {
    for (const command of ["plan", "status", "preview", "up", "shift", "rollback", "destroy", "cancel", "rehearse"]) {
      const { code, out } = await journey([command, "--help"]);
      assert.equal(code, 0, command);
      assert.match(out, new RegExp(`^Usage: journey ${command}`), command);
    }
    const { out } = await journey(["--help"]);
    assert.match(out, /journey shift disputes --steps 10,25,50,100 --bake 5m/);
    assert.match(out, /Exit codes: 0 ok, 1 failed \(or cancelled\), 2 bad usage, 3 a gate stopped/);
  });

  it("`up run --offline` alone is refused because walk is not deployed: exit 3", async () => {
    const { code, out } = await journey(["up", "run", "--offline"]);
    assert.equal(code, 3);
    assert.match(out, /gate walk -> run: REFUSED: walk is not deployed/);
    assert.match(out, /✗ GATE-REFUSED: refused: walk is not deployed\n {2}to carry on: journey up walk/);
  });

  it("`up crawl --offline --json`: an NDJSON event stream, smoke checks NOT RUN, the result last", async () => {
    const { code, out } = await journey(["up", "crawl", "--offline", "--json"]);
    assert.equal(code, 0);
    const events = ndjson(out);
    assert.deepEqual(events[0], {
      ...events[0],
      type: "operation-started",
      operation: "up",
      engine: "offline",
      command: "journey up crawl",
    });
    const steps = events.filter((e) => e.type === "resource-step" && e.state === "done");
    assert.ok(steps.length > 10 && steps.every((s) => s.op === "create" && s.progress.total === steps.length));
    const checks = events.filter((e) => e.type === "smoke-check");
    assert.ok(checks.length > 0 && checks.every((c) => c.status === "not-run"), "never reported as passed");
    assert.equal(events.at(-2).type, "summary");
    assert.equal(events.at(-2).outcome, "succeeded");
    assert.equal(events.at(-1).type, "result");
    assert.equal(events.at(-1).result.checks.verdict, "unverified");
  });

  it("shift: a smoke check failing at 50% sets the weight back to 25; exit 3 names the check", async () => {
    let weight = 0;
    const runner = new ScriptedRunner((check) =>
      check.name.startsWith("run") && weight === 50 ? FAIL("disputes answered 500") : PASS,
    );
    const fake = await deployedFake(runner);
    fake.subscribe((e) => e.type === "weight" && (weight = e.to));
    const { code, out } = await journey(["shift", "disputes", "--steps", "10,25,50,100", "--bake", "1m"], {
      journey: () => fake,
    });
    assert.equal(code, 3);
    assert.match(out, /disputes: would set weight 25% -> 50% \(shift\)/);
    assert.match(out, /smoke ✗ run \| run: \/mesh\/card\/dispute: failed - disputes answered 500/);
    assert.match(out, /disputes: would set weight 50% -> 25% \(revert\)/);
    assert.match(
      out,
      /✗ ROLLED-BACK: smoke check failed at 50%: run: \/mesh\/card\/dispute\. disputes is back at 25%\./,
    );
  });

  it("bad usage exits 2: unknown phase, bad steps, bad durations, destroy without --yes", async () => {
    assert.equal((await journey(["up", "sprint"])).code, 2);
    const steps = await journey(["shift", "disputes", "--steps", "10,abc"]);
    assert.equal(steps.code, 2);
    assert.match(steps.err, /whole percentages separated by commas/);
    assert.equal((await journey(["shift", "disputes", "--steps", "10", "--bake", "soon"])).code, 2);
    const destroy = await journey(["destroy"]);
    assert.equal(destroy.code, 2);
    assert.match(destroy.err, /run `journey destroy --yes` to confirm/);
    const rollback = await journey(["rollback"], { journey: () => fakeJourney().journey });
    assert.equal(rollback.code, 0, "nothing to roll back is not an error");
  });

  it("Ctrl-C (or the caller's signal) cancels cleanly: exit 1, and says how to resume", async () => {
    const controller = new AbortController();
    const { journey: fake } = fakeJourney({
      beforeStep: (step) => (step.index === 1 ? controller.abort() : undefined),
    });
    const { code, out } = await journey(["up", "crawl"], { journey: () => fake, signal: controller.signal });
    assert.equal(code, 1);
    assert.match(out, /■ CANCELLED: journey up crawl was cancelled\. Run `journey up crawl` again to resume/);
  });

  it("a terminal gets progress bars per resource; CI=true gets plain lines", async () => {
    let drawn = "";
    const terminal: TerminalStream = { isTTY: true, columns: 120, write: (s: string) => ((drawn += s), true) };
    // Resources that take a while, so that the bars get drawn while they are in flight.
    const slow = () => fakeJourney({ beforeStep: () => new Promise((resolve) => setTimeout(resolve, 150)) }).journey;
    const bars = await journey(["up", "crawl"], { journey: slow, terminal });
    assert.equal(bars.code, 0);
    assert.match(drawn, /crawl up \[[█░]+\] \d\/3 resources/);
    assert.match(drawn, /create {2}\[[█░]+\] [01]\/1 aws:ec2:Instance (monolith|gateway)/);
    assert.ok(drawn.includes("\u001b["), "drawn with terminal escape codes");
    assert.equal(bars.out, "");

    drawn = "";
    const ci = await journey(["up", "crawl"], { journey: () => fakeJourney().journey, terminal, env: { CI: "true" } });
    assert.equal(drawn, "");
    assert.match(ci.out, /^▶ journey up crawl/);
    assert.match(ci.out, / {2}\+ would create aws:ec2:Vpc onprem-vpc {2}\[\d\/3\]/);
  });

  it("status says where the journey stands and what to run next", async () => {
    const { code, out } = await journey(["status"], { journey: () => fakeJourney().journey });
    assert.equal(code, 0);
    assert.match(out, /crawl {2}not deployed/);
    assert.match(out, /next: `journey up crawl`/);
  });

  it("rehearse: the whole journey offline in one go, each step said as what it would do", async () => {
    const { code, out } = await journey(["rehearse", "--bake", "1m", "--verbose"], {
      journey: () => fakeJourney().journey,
      phases: ["crawl", "walk", "run"],
    });
    assert.equal(code, 0, out);
    const recap = out.slice(out.indexOf("REHEARSAL"));
    assert.deepEqual(
      [...recap.matchAll(/^ {2}\d\. (.*)$/gm)].map((m) => m[1]),
      [
        "journey up crawl",
        "journey up walk",
        "journey up run",
        "journey shift disputes --steps 10,25,50,100 --bake 1m",
        "journey rollback",
        "journey destroy --yes",
      ],
      "one step back after a shift is a plain rollback",
    );
    assert.match(recap, /disputes is back at 50% \(was 100%\)/);
    assert.match(out, /would wait 1m while disputes takes 10% of the traffic/);
    assert.match(out, /would wait up to 15m for 1 load balancer\(s\) to go before walk's network is destroyed/);
  });

  it("rehearse on the real program: a summary of every phase the project has, nothing called deployed", async () => {
    const { code, out } = await journey(["rehearse"]);
    assert.equal(code, 0, out);
    assert.match(out, /REHEARSAL on the offline engine: nothing was deployed and no smoke check was run\./);
    assert.match(
      out,
      /1\. journey up crawl\n {5}crawl: up done on the offline engine \(would create \d+\); its smoke checks were not run/,
    );
    assert.doesNotMatch(out, /deployed but not verified|rollback --yes/);
    assert.ok(out.split("\n").length < 30, `a summary, not every resource (${out.split("\n").length} lines)`);
    assert.match(out, /`journey rehearse --verbose` prints every resource of every step/);

    let drawn = "";
    const terminal: TerminalStream = { isTTY: true, columns: 120, write: (s: string) => ((drawn += s), true) };
    const onTerminal = await journey(["rehearse"], {
      terminal,
      journey: () => fakeJourney().journey,
      phases: ["crawl", "walk", "run"],
    });
    assert.equal(onTerminal.code, 0);
    assert.equal(drawn, "", "a terminal gets the summary too, not every resource");
  });

  it("--version prints the package's version; help shows durations as written", async () => {
    const { code, out } = await journey(["--version"]);
    assert.equal(code, 0);
    assert.equal(out, `${require("../../package.json").version}\n`);
    for (const command of ["shift", "rehearse", "serve"]) {
      const help = (await journey([command, "--help"])).out;
      assert.match(help, /\(default: 5m\)/, command);
      assert.doesNotMatch(help, /300000/, command);
    }
  });
});
