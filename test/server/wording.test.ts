import { strict as assert } from "assert";
import type { JourneyEvent, JourneyEventBody } from "../../automation/journey/events";
import { bundlePage } from "../../server/dashboard";
import { PlainRenderer } from "../../cli/renderers";
import { EventList } from "../../server/page/eventList";

/** An operation's events, as a journey on `engine` emits them: every kind of event, a `read` step among them. */
function operation(engine: "offline" | "pulumi"): JourneyEvent[] {
  const step = (op: string, state: string, name: string, done: number) =>
    ({
      type: "resource-step",
      phase: "run",
      action: "up",
      op,
      state,
      urn: `urn:pulumi:run::p::${name}`,
      resourceType: op === "read" ? "aws:index/getRegion:getRegion" : "aws:ec2/instance:Instance",
      name,
      progress: { done, total: 4 },
    }) as JourneyEventBody;
  const bodies: JourneyEventBody[] = [
    {
      type: "operation-started",
      operation: "shift",
      engine,
      engineDescription: `${engine} engine`,
      command: "journey shift disputes --steps 25 --bake 5m",
    },
    { type: "gate", phase: "run", requires: "walk", verdict: "passed", reason: "walk is deployed and healthy" },
    { type: "phase-started", phase: "run", action: "up", stack: "run" },
    step("read", "started", "region", 0),
    step("read", "done", "region", 1),
    step("create", "done", "microservice", 2),
    step("same", "done", "monolith", 3),
    step("delete", "failed", "old", 4),
    { type: "diagnostic", phase: "run", severity: "info", message: "a note" },
    { type: "diagnostic", phase: "run", severity: "warning", message: "a warning" },
    {
      type: "phase-finished",
      phase: "run",
      action: "up",
      changes: { create: 40, read: 1, same: 12 },
      durationMs: 61_000,
    },
    { type: "weight", migration: "disputes", from: 10, to: 25, reason: "shift" },
    {
      type: "early-access",
      migration: "disputes",
      header: "x-early",
      values: ["beta"],
      enabled: true,
      reason: "shift",
    },
    { type: "waiting", phase: "run", what: "bake", durationMs: 300_000, real: engine === "pulumi", detail: "bake" },
    {
      type: "metric-gate",
      migration: "disputes",
      weight: 25,
      verdict: "not-run",
      results: [],
      message: "no metrics",
      windowMs: 30_000,
    },
    {
      type: "smoke-check",
      phase: "run",
      check: "disputes",
      method: "GET",
      url: "http://x/disputes",
      from: "client",
      status: "retrying",
      attempt: 2,
      detail: "503",
    },
    {
      type: "smoke-check",
      phase: "run",
      check: "disputes",
      method: "GET",
      url: "http://x/disputes",
      from: "client",
      status: engine === "offline" ? "not-run" : "passed",
      attempt: 3,
      detail: "",
    },
    {
      type: "summary",
      operation: "shift",
      outcome: "succeeded",
      message: "disputes takes 25% of its traffic",
      durationMs: 400_000,
    },
  ];
  return bodies.map((b) => ({ ...b, time: "2025-01-01T00:00:00.000Z" }) as JourneyEvent);
}

/** What the CLI prints for the events (`journey …` in CI and pipes): one renderer for the whole run. */
function cliRun(events: JourneyEvent[]): string[] {
  const lines: string[] = [];
  const renderer = new PlainRenderer((text) => void lines.push(text.replace(/\n$/, "")));
  for (const event of events) renderer.onEvent(event);
  return lines;
}

function pageLines(events: JourneyEvent[]): string[] {
  const list = new EventList();
  return events.map((e) => list.item(e)?.text).filter((t): t is string => t !== undefined);
}

describe("one wording of events for the CLI and the dashboard (automation/journey/wording.ts)", () => {
  for (const engine of ["offline", "pulumi"] as const) {
    it(`the page lists an operation's events on the ${engine} engine with the CLI's lines, read steps included`, () => {
      const events = operation(engine);
      assert.deepEqual(pageLines(events), cliRun(events));
    });
  }

  it("says a read step, the changes of a phase and, offline, what would happen", () => {
    const offline = pageLines(operation("offline"));
    const real = pageLines(operation("pulumi"));
    assert.ok(offline.includes("  > would read aws:index:getRegion region  [1/4]"), offline.join("\n"));
    assert.ok(real.includes("  > read aws:index:getRegion region  [1/4]"), real.join("\n"));
    assert.ok(real.includes("  + create aws:ec2:Instance microservice  [2/4]"));
    assert.ok(offline.includes("run: up (offline) done: would create 40, read 1; 12 unchanged (1m1s)"));
    assert.ok(real.includes("run: up done: 40 created, 1 read; 12 unchanged (1m1s)"));
    assert.ok(offline.includes("disputes: would set weight 10% -> 25% (shift)"));
    assert.ok(offline.includes("  smoke · run | disputes: NOT RUN"));
    assert.equal(offline.at(-1), "✓ disputes takes 25% of its traffic (offline: nothing was deployed)");
    assert.equal(real.at(-1), "✓ disputes takes 25% of its traffic");
    // Unchanged resources and steps just started are left out.
    assert.ok(!offline.some((l) => / monolith /.test(l)));
    assert.equal(offline.filter((l) => / region /.test(l)).length, 1);
  });

  it("the page's script bundles that wording, and nothing of node's", async function () {
    this.timeout(20_000);
    const script = await bundlePage();
    assert.match(script, /\/\/ automation\/journey\/wording\.ts/);
    assert.doesNotMatch(script, /\brequire\(/);
  });
});
