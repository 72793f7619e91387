import { strict as assert } from "assert";
import { exposureWarning } from "../../server";
import { Gate, startServer, TestServer } from "./support";

const UNKNOWN_JOB = "00000000-0000-4000-8000-000000000000";

describe("portal server: refusals that keep operators and the server safe", function () {
  this.timeout(30_000);
  let t: TestServer | undefined;
  let gate: Gate | undefined;

  afterEach(async () => {
    gate?.release();
    gate = undefined;
    await t?.close();
    t = undefined;
  });

  const run = async (body: object) => t!.finished((await t!.call("POST", "/api/jobs", { body })).body.id);

  it("a shift never moves traffic back first: steps at or below the deployed weight, or not rising, are a 400", async () => {
    t = await startServer();
    for (const phase of ["crawl", "walk", "run"]) await run({ kind: "up", phase });
    assert.equal(
      (await run({ kind: "shift", migration: "disputes", steps: [10, 20], bake: "1m" })).outcome,
      "succeeded",
    );
    const cases: Array<[number[], RegExp]> = [
      [
        [10, 30],
        /^must rise above disputes's current weight, 20%: a shift never moves traffic back \(a rollback job does\); got \[10, 30\]$/,
      ],
      [[20], /^must rise above disputes's current weight, 20%/],
      [[50, 25], /^must rise, each weight above the one before/],
      [[30, 30], /^must rise, each weight above the one before/],
    ];
    for (const [steps, message] of cases) {
      const refused = await t.call("POST", "/api/jobs", { body: { kind: "shift", migration: "disputes", steps } });
      assert.equal(refused.status, 400, JSON.stringify(steps));
      assert.equal(refused.body.fields.length, 1, "said once");
      assert.equal(refused.body.fields[0].field, "steps");
      assert.match(refused.body.fields[0].message, message);
    }
    assert.equal((await t.call("GET", "/api/jobs")).body.jobs.length, 4, "no refused request became a job");
  });

  it("a second shift of the same migration is a 409 while the first is queued or running", async () => {
    gate = new Gate((step) => step.phase === "run" && step.action === "up" && step.op === "update");
    t = await startServer({ gate });
    for (const phase of ["crawl", "walk", "run"]) await run({ kind: "up", phase });
    const first = (
      await t.call("POST", "/api/jobs", { body: { kind: "shift", migration: "disputes", steps: [10], bake: "1m" } })
    ).body;
    await gate!.reached();
    const second = await t.call("POST", "/api/jobs", {
      body: { kind: "shift", migration: "disputes", steps: [10], bake: "1m" },
    });
    assert.equal(second.status, 409);
    assert.equal(second.body.error, "duplicate");
    assert.equal(second.body.job, first.id);
    assert.match(
      second.body.message,
      /^a shift of disputes is already running \(job [0-9a-f-]{36}: journey shift disputes --steps 10 --bake 1m\); wait for it to finish or cancel it$/,
    );
    gate!.release();
    assert.equal((await t.finished(first.id)).outcome, "succeeded");
    assert.equal(
      (await t.call("POST", "/api/jobs", { body: { kind: "shift", migration: "disputes", steps: [25], bake: "1m" } }))
        .status,
      202,
      "taken once the first is done",
    );
  });

  it("each stack's queue is bounded: past it a 429 with Retry-After", async () => {
    gate = new Gate((step) => step.phase === "crawl" && step.action === "preview");
    t = await startServer({ gate, maxQueuedPerStack: 2 });
    const running = (await t.call("POST", "/api/jobs", { body: { kind: "preview", phase: "crawl" } })).body;
    await gate!.reached();
    for (let i = 0; i < 2; i++)
      assert.equal(
        (await t.call("POST", "/api/jobs", { body: { kind: "preview", phase: "crawl" } })).body.state,
        "queued",
      );
    const refused = await t.call("POST", "/api/jobs", { body: { kind: "preview", phase: "crawl" } });
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error, "queue-full");
    assert.equal(refused.headers.get("retry-after"), "60");
    assert.match(refused.body.message, /^2 jobs are already waiting on stack crawl; try again once some have run$/);
    assert.equal(
      (await t.call("POST", "/api/jobs", { body: { kind: "preview", phase: "walk" } })).status,
      202,
      "other stacks are not held up",
    );
    gate!.release();
    await t.finished(running.id);
  });

  it("an unknown job is error not-found; __proto__ in a body is named as such, not called invalid JSON", async () => {
    t = await startServer();
    const missing = await t.call("GET", `/api/jobs/${UNKNOWN_JOB}`);
    assert.deepEqual([missing.status, missing.body.error], [404, "not-found"]);
    assert.equal((await t.call("DELETE", `/api/jobs/${UNKNOWN_JOB}`)).body.error, "not-found");

    const json = { "content-type": "application/json" };
    const proto = await t.call("POST", "/api/jobs", {
      raw: '{"kind":"up","phase":"crawl","__proto__":{"admin":true}}',
      headers: json,
    });
    assert.equal(proto.status, 400);
    assert.deepEqual(proto.body.fields, [
      { field: "__proto__", message: "is a prototype key, not a field of this request" },
    ]);
    const nested = await t.call("POST", "/api/jobs", {
      raw: '{"kind":"up","phase":"crawl","constructor":{"prototype":{"x":1}}}',
      headers: json,
    });
    assert.deepEqual(nested.body.fields, [
      { field: "constructor.prototype", message: "is a prototype key, not a field of this request" },
    ]);
    const broken = await t.call("POST", "/api/jobs", { raw: '{"kind": "up",', headers: json });
    assert.equal(broken.status, 400);
    assert.match(broken.body.fields[0].message, /^is not valid JSON: /);
    assert.equal((await t.call("GET", "/api/jobs")).body.jobs.length, 0);
  });

  it("serving beyond loopback without TLS is warned about", () => {
    for (const host of ["127.0.0.1", "127.0.0.53", "::1", "localhost"])
      assert.equal(exposureWarning(host), undefined, host);
    for (const host of ["0.0.0.0", "::", "10.0.0.5", "journey.internal"]) {
      assert.match(
        exposureWarning(host)!,
        /listens on .* without TLS: bearer tokens and job output cross the network in cleartext; put a TLS proxy in front/,
        host,
      );
    }
  });
});
