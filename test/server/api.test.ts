import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadTokens, readTokensFile, TokenConfigError } from "../../server";
import { FAIL, PASS, ScriptedRunner } from "../journey/support/fakeProgram";
import { Gate, OPERATOR, parseEventStream, phasesOf, readEvents, startServer, TestServer } from "./support";

const UNKNOWN_JOB = "00000000-0000-4000-8000-000000000000";

describe("portal server: API", function () {
  this.timeout(30_000);
  let t: TestServer | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  describe("auth", () => {
    it("401 without a token or with a wrong one; /api/health and the page need none", async () => {
      t = await startServer();
      for (const route of [
        "/api/phases",
        "/api/jobs",
        "/api/plan",
        "/api/topology",
        `/api/jobs/${UNKNOWN_JOB}`,
        "/api/no-such-route",
      ]) {
        const anonymous = await t.call("GET", route, { as: "none" });
        assert.equal(anonymous.status, 401, route);
        assert.equal(anonymous.body.error, "unauthorized");
        assert.equal(anonymous.headers.get("www-authenticate"), 'Bearer realm="journey"');
      }
      // Odd spellings of a protected route never serve it without a token.
      for (const route of [
        "/%61pi/phases",
        "/api//phases",
        "/API/phases",
        "/api/phases/",
        "/api/./phases",
        "/./api/phases",
        "/api/phases%3Fx",
      ]) {
        const odd = await t.call("GET", route, { as: "none" });
        assert.ok(odd.status === 401 || odd.status === 404, `${route}: ${odd.status}`);
        assert.ok(!("phases" in (typeof odd.body === "object" ? odd.body : {})), route);
      }
      const wrong = await t.call("GET", "/api/phases", {
        as: "none",
        headers: { authorization: "Bearer not-the-token-0123456789abcdef" },
      });
      assert.equal(wrong.status, 401);
      assert.match(wrong.headers.get("www-authenticate")!, /error="invalid_token"/);
      assert.equal(
        (await t.call("GET", "/api/phases", { as: "none", headers: { authorization: `Basic ${OPERATOR}` } })).status,
        401,
      );
      assert.equal(
        (await t.call("POST", "/api/jobs", { as: "none", body: { kind: "preview", phase: "crawl" } })).status,
        401,
      );

      const health = await t.call("GET", "/api/health", { as: "none" });
      assert.deepEqual(health.body, { ok: true, acceptingJobs: true, engine: "offline" });
      const page = await t.call("GET", "/", { as: "none" });
      assert.equal(page.status, 200);
      assert.match(page.headers.get("content-type")!, /^text\/html/);
      assert.match(page.headers.get("content-security-policy")!, /script-src 'self'/);
      assert.equal(page.headers.get("x-content-type-options"), "nosniff");
      assert.match(page.body, /<script src="\/app\.js" defer><\/script>/);
    });

    it("a read-only token reads everything; operator actions are 403 for it", async () => {
      t = await startServer();
      assert.deepEqual((await t.call("GET", "/api/whoami", { as: "reader" })).body, {
        name: "bob",
        role: "read-only",
        engine: "offline",
        engineDescription: (await t.call("GET", "/api/whoami")).body.engineDescription,
      });
      for (const route of ["/api/phases", "/api/jobs", "/api/plan", "/api/topology"])
        assert.equal((await t.call("GET", route, { as: "reader" })).status, 200, route);

      const start = await t.call("POST", "/api/jobs", { as: "reader", body: { kind: "preview", phase: "crawl" } });
      assert.equal(start.status, 403);
      assert.match(start.body.message, /bob has the read-only role; this needs the operator role/);
      assert.equal((await t.call("GET", "/api/jobs", { as: "reader" })).body.jobs.length, 0, "nothing was started");

      const job = (await t.call("POST", "/api/jobs", { body: { kind: "preview", phase: "crawl" } })).body;
      await t.finished(job.id);
      assert.equal((await t.call("DELETE", `/api/jobs/${job.id}`, { as: "reader" })).status, 403);
      assert.equal((await t.call("GET", `/api/jobs/${job.id}`, { as: "reader" })).body.requestedBy, "alice");
      assert.equal((await t.call("GET", `/api/jobs/${job.id}/events`, { as: "reader" })).status, 200);
    });

    it("tokens come from a secret file and the environment; bad configuration is refused without echoing tokens", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "journey-tokens-"));
      try {
        const file = path.join(dir, "tokens.yaml");
        fs.writeFileSync(file, "tokens:\n  - { name: ci, role: operator, token: ci-token-0123456789abcdef01 }\n", {
          mode: 0o600,
        });
        const warnings: string[] = [];
        const tokens = loadTokens({
          file,
          env: { JOURNEY_READONLY_TOKENS: "viewer-0123456789abcdef0123, viewer-2-0123456789abcdef012" },
          warn: (w) => warnings.push(w),
        });
        assert.deepEqual(
          tokens.map((t) => [t.name, t.role]),
          [
            ["ci", "operator"],
            ["read-only-env-1", "read-only"],
            ["read-only-env-2", "read-only"],
          ],
        );
        assert.equal(warnings.length, 0, warnings.join("\n"));

        fs.chmodSync(file, 0o644);
        readTokensFile(file, (w) => warnings.push(w));
        assert.match(warnings[0], /can be read by users other than its owner \(mode 644\); `chmod 600/);

        fs.writeFileSync(file, "tokens:\n  - { name: ci, role: admin, token: short-secret }\n");
        assert.throws(
          () => readTokensFile(file),
          (err: Error) => {
            assert.ok(err instanceof TokenConfigError);
            assert.match(err.message, /tokens\.0\.role: must be one of read-only, operator/);
            assert.match(err.message, /tokens\.0\.token: must be at least 24 characters/);
            assert.ok(!err.message.includes("short-secret"), "the token is never echoed");
            return true;
          },
        );
        assert.throws(() => loadTokens({ env: {} }), /no API token is configured: pass --tokens-file/);
        assert.throws(
          () => loadTokens({ env: { JOURNEY_OPERATOR_TOKENS: "tooshort" } }),
          /JOURNEY_OPERATOR_TOKENS: token 1 must be at least 24 characters/,
        );
        const same = "same-token-0123456789abcdef0";
        assert.throws(
          () => loadTokens({ env: { JOURNEY_OPERATOR_TOKENS: same, JOURNEY_READONLY_TOKENS: same } }),
          /the same token is configured twice/,
        );
        assert.throws(() => readTokensFile(path.join(dir, "missing.yaml")), /cannot read the tokens file .*ENOENT/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("validation", () => {
    it("every field of a job request is validated: 400 with one entry per field", async () => {
      t = await startServer();
      const post = (body: unknown) => t!.call("POST", "/api/jobs", { body });
      const fields = async (body: unknown) => {
        const response = await post(body);
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(response.body.error, "validation");
        return Object.fromEntries(
          response.body.fields.map((f: { field: string; message: string }) => [f.field, f.message]),
        );
      };
      assert.deepEqual(await fields([1, 2]), { "(body)": "must be a JSON object" });
      assert.deepEqual(await fields({ kind: "destroy" }), { kind: "must be one of preview, up, shift, rollback" });
      assert.deepEqual(await fields({ kind: "up", phase: "sprint" }), { phase: "must be one of crawl, walk, run" });
      assert.match((await fields({ kind: "up" })).phase, /is required \(or `stack`\)/);
      assert.deepEqual(await fields({ kind: "preview", stack: "prod" }), {
        stack: "is not a stack of this journey; its stacks: crawl, walk, run",
      });
      assert.match((await fields({ kind: "preview", stack: "crawl; rm -rf /" })).stack, /must be a stack name/);
      assert.deepEqual(await fields({ kind: "preview", phase: "walk", stack: "crawl" }), {
        stack: "is not the stack of phase walk (walk)",
      });
      assert.deepEqual(await fields({ kind: "up", phase: "crawl", force: true }), {
        force: "is not a field of this request",
      });
      assert.deepEqual(await fields({ kind: "shift", migration: "disputes", steps: [10, 150, 2.5, "50"] }), {
        "steps.1": "must be from 0 to 100",
        "steps.2": "must be a whole percentage",
        "steps.3": "must be a number",
      });
      assert.deepEqual(await fields({ kind: "shift", migration: "disputes", steps: [] }), {
        steps: "needs at least one weight, e.g. [10, 25, 50, 100]",
      });
      assert.match(
        (await fields({ kind: "shift", migration: "$(reboot)", steps: [10] })).migration,
        /must be a migration name/,
      );
      assert.deepEqual(await fields({ kind: "shift", migration: "payments", steps: [10] }), {
        migration: "is not a migration of run's config; its migrations: disputes",
      });
      assert.match(
        (await fields({ kind: "shift", migration: "disputes", steps: [10], bake: "soon" })).bake,
        /"soon" is not a duration/,
      );
      assert.deepEqual(await fields({ kind: "shift", migration: "disputes", steps: [10], bake: "48h" }), {
        bake: "must be at most 24h",
      });
      assert.deepEqual(await fields({ kind: "rollback", confirmDestroy: "yes" }), {
        confirmDestroy: "must be true or false",
      });

      const notJson = await t.call("POST", "/api/jobs", {
        raw: "kind=up",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      assert.equal(notJson.status, 415);
      const broken = await t.call("POST", "/api/jobs", {
        raw: '{"kind": "up",',
        headers: { "content-type": "application/json" },
      });
      assert.equal(broken.status, 400);
      assert.equal((await t.call("GET", "/api/jobs")).body.jobs.length, 0, "no invalid request started a job");
    });

    it("path, query and Last-Event-ID are validated; an unknown job is 404", async () => {
      t = await startServer();
      const badId = await t.call("GET", "/api/jobs/..%2F..%2Fetc");
      assert.equal(badId.status, 400);
      assert.deepEqual(badId.body.fields, [{ field: "params.id", message: "must be a job id (a UUID)" }]);
      assert.equal((await t.call("GET", `/api/jobs/${UNKNOWN_JOB}`)).status, 404);
      assert.equal((await t.call("DELETE", `/api/jobs/${UNKNOWN_JOB}`)).status, 404);
      assert.equal((await t.call("GET", `/api/jobs/${UNKNOWN_JOB}/events`)).status, 404);
      const checks = await t.call("GET", "/api/phases?checks=maybe");
      assert.deepEqual(checks.body.fields, [{ field: "query.checks", message: "must be true or false" }]);
      assert.deepEqual((await t.call("GET", "/api/phases?verbose=1")).body.fields, [
        { field: "query.verbose", message: "is not a field of this request" },
      ]);
      const job = (await t.call("POST", "/api/jobs", { body: { kind: "preview", phase: "crawl" } })).body;
      await t.finished(job.id);
      const lastEvent = await t.call("GET", `/api/jobs/${job.id}/events`, { headers: { "last-event-id": "abc" } });
      assert.equal(lastEvent.status, 400);
      assert.deepEqual(lastEvent.body.fields, [
        { field: "Last-Event-ID", message: "must be the id of an event (a whole number)" },
      ]);
    });
  });

  describe("jobs", () => {
    it("a preview: 202 with a Location; its status, result and events", async () => {
      t = await startServer();
      const started = await t.call("POST", "/api/jobs", { body: { kind: "preview", stack: "crawl" } });
      assert.equal(started.status, 202);
      assert.equal(started.headers.get("location"), `/api/jobs/${started.body.id}`);
      assert.equal(started.body.command, "journey preview crawl");
      assert.deepEqual(started.body.stacks, ["crawl"]);
      const job = await t.finished(started.body.id);
      assert.equal(job.outcome, "succeeded");
      assert.deepEqual(job.result, { create: 3 });
      assert.equal(job.requestedBy, "alice");
      assert.deepEqual(job.progress, { phase: "crawl", action: "preview", done: 3, total: 3 });
      assert.match(job.message, /crawl: would create 3/);
      const listed = (await t.call("GET", "/api/jobs")).body.jobs;
      assert.deepEqual(
        listed.map((j: { id: string }) => j.id),
        [job.id],
      );
    });

    it("one job per stack at a time: the next one on the stack queues, first come first served", async () => {
      const gate = new Gate((step) => step.phase === "crawl" && step.action === "up" && step.index === 1);
      t = await startServer({ gate });
      const up = (await t.call("POST", "/api/jobs", { body: { kind: "up", phase: "crawl" } })).body;
      await gate.reached();
      const preview = (await t.call("POST", "/api/jobs", { body: { kind: "preview", phase: "crawl" } })).body;
      assert.equal(up.state, "running");
      assert.equal(preview.state, "queued");
      const crawl = phasesOf((await t.call("GET", "/api/phases")).body).crawl;
      assert.deepEqual(crawl.jobs, { running: up.id, queued: [preview.id] });
      assert.equal(crawl.updateInProgress, true, "the stack itself reports the update");

      gate.release();
      const [first, second] = [await t.finished(up.id), await t.finished(preview.id)];
      assert.equal(first.outcome, "succeeded");
      assert.equal(second.outcome, "succeeded");
      assert.ok(second.startedAt >= first.finishedAt, "the queued job started after the first had finished");
      assert.deepEqual(second.result, { same: 3 }, "it previewed the stack the first job deployed");
    });

    it("a stack locked by an operation outside the server is a 409", async () => {
      const gate = new Gate((step) => step.phase === "crawl" && step.action === "up");
      t = await startServer({ gate });
      // Another user of the same stacks (as the CLI would be, on the real backend) holds crawl.
      const { journey } = t.source.open();
      const outside = journey.up("crawl");
      await gate.reached();
      const refused = await t.call("POST", "/api/jobs", { body: { kind: "up", phase: "crawl" } });
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error, "locked");
      assert.deepEqual(refused.body.stacks, ["crawl"]);
      assert.match(
        refused.body.message,
        /stack crawl is locked by another operation \(not a job of this server\).*journey cancel crawl/,
      );
      assert.equal((await t.call("GET", "/api/jobs")).body.jobs.length, 0);
      gate.release();
      await outside;
      assert.equal(
        (await t.call("POST", "/api/jobs", { body: { kind: "preview", phase: "crawl" } })).status,
        202,
        "free again",
      );
    });

    it("cancel: a queued job at once, a running one cleanly; a finished one is a 409", async () => {
      const gate = new Gate((step) => step.phase === "crawl" && step.action === "up" && step.index === 1);
      t = await startServer({ gate });
      const running = (await t.call("POST", "/api/jobs", { body: { kind: "up", phase: "crawl" } })).body;
      await gate.reached();
      const queued = (await t.call("POST", "/api/jobs", { body: { kind: "preview", phase: "crawl" } })).body;

      const cancelQueued = await t.call("DELETE", `/api/jobs/${queued.id}`);
      assert.equal(cancelQueued.status, 200);
      assert.equal(cancelQueued.body.outcome, "cancelled");
      assert.equal(cancelQueued.body.startedAt, undefined);

      const cancelRunning = await t.call("DELETE", `/api/jobs/${running.id}`);
      assert.equal(cancelRunning.status, 202);
      assert.equal(cancelRunning.body.cancelRequested, true);
      gate.release();
      const cancelled = await t.finished(running.id);
      assert.equal(cancelled.outcome, "cancelled");
      assert.match(cancelled.error.message, /journey up crawl was cancelled\. Run `journey up crawl` again to resume/);
      const crawl = phasesOf((await t.call("GET", "/api/phases")).body).crawl;
      assert.equal(crawl.state, "partial", "the step in flight finished and was kept");
      assert.equal(crawl.lastUpdate.result, "failed");

      const again = await t.call("DELETE", `/api/jobs/${running.id}`);
      assert.equal(again.status, 409);
      assert.equal(again.body.error, "finished");
    });

    it("the whole journey over the API: up, gates, a shift with its weight in status and picture, rollback", async () => {
      t = await startServer();
      const run = async (body: object) => t!.finished((await t!.call("POST", "/api/jobs", { body })).body.id);

      const refused = await run({ kind: "up", phase: "run" });
      assert.equal(refused.outcome, "gate-refused");
      assert.equal(refused.error.resume, "journey up walk");

      for (const phase of ["crawl", "walk", "run"])
        assert.equal((await run({ kind: "up", phase })).outcome, "succeeded", phase);
      const shift = await run({ kind: "shift", migration: "disputes", steps: [10, 25], bake: "1m" });
      assert.equal(shift.outcome, "succeeded");
      assert.equal(shift.command, "journey shift disputes --steps 10,25 --bake 1m");
      assert.deepEqual(shift.result, { migration: "disputes", weight: 25, applied: [10, 25] });

      const phases = (await t.call("GET", "/api/phases")).body;
      assert.deepEqual(phases.migrations, [
        { name: "disputes", pathPrefix: "/card/dispute", configuredWeight: 25, deployedWeight: 25 },
      ]);
      assert.deepEqual(
        Object.values(phasesOf(phases)).map((p: any) => p.state),
        ["deployed", "deployed", "deployed"],
      );
      const topology = (await t.call("GET", "/api/topology")).body;
      assert.deepEqual(topology.phases, { crawl: "deployed", walk: "deployed", run: "deployed" });
      assert.deepEqual(
        topology.splits.map((s: any) => [s.migration, s.weight, s.source]),
        [["disputes", 25, "deployed"]],
      );

      const rollback = await run({ kind: "rollback" });
      assert.deepEqual(rollback.result, {
        kind: "weight",
        migration: "disputes",
        from: 25,
        to: 10,
        checks: rollback.result.checks,
      });
      assert.equal((await t.call("GET", "/api/phases")).body.migrations[0].deployedWeight, 10);
    });

    it("smoke-check results: ?checks=true runs them for status; a failing one rolls a shift back", async () => {
      let armedAt: number | undefined = undefined;
      // Once armed, run's check passes its baseline attempt and fails every later one.
      const runner = new ScriptedRunner((check, attempt) =>
        check.name.startsWith("run") && armedAt !== undefined && attempt > armedAt + 1
          ? FAIL("disputes answered 500")
          : PASS,
      );
      t = await startServer({ runner });
      const run = async (body: object) => t!.finished((await t!.call("POST", "/api/jobs", { body })).body.id);
      for (const phase of ["crawl", "walk", "run"]) await run({ kind: "up", phase });
      assert.equal((await run({ kind: "shift", migration: "disputes", steps: [25], bake: "1m" })).outcome, "succeeded");

      assert.equal(phasesOf((await t.call("GET", "/api/phases")).body).crawl.checks, undefined, "not run unless asked");
      const checked = phasesOf((await t.call("GET", "/api/phases?checks=true")).body);
      assert.equal(checked.crawl.checks.verdict, "passed");
      assert.deepEqual(
        checked.walk.checks.results.map((r: any) => [r.check.name, r.status]),
        [
          ["walk: /mesh/card/1", "passed"],
          ["walk: /disputes", "passed"],
        ],
      );

      armedAt = runner.calls.filter((c) => c.check.startsWith("run")).length;
      const failing = await run({ kind: "shift", migration: "disputes", steps: [50], bake: "1m" });
      assert.equal(failing.outcome, "rolled-back");
      assert.deepEqual(failing.error.failedChecks, ["run: /mesh/card/dispute"]);
      assert.match(
        failing.error.message,
        /smoke check failed at 50%: run: \/mesh\/card\/dispute\. disputes is back at 25%/,
      );
      const events = (await readEvents(`${t.url}/api/jobs/${failing.id}/events`)).map((m) => m.data);
      assert.deepEqual(
        events.filter((e) => e.type === "weight").map((e) => [e.from, e.to, e.reason]),
        [
          [25, 50, "shift"],
          [50, 25, "revert"],
        ],
      );
      assert.equal(events.filter((e) => e.type === "smoke-check" && e.status === "failed").length, 1);
      assert.equal((await t.call("GET", "/api/phases")).body.migrations[0].deployedWeight, 25);
    });
  });

  describe("server-sent events", () => {
    it("replays a job's events with ids, ends with the job, and resumes after Last-Event-ID", async () => {
      t = await startServer();
      const job = (await t.call("POST", "/api/jobs", { body: { kind: "up", phase: "crawl" } })).body;
      await t.finished(job.id);
      const all = await readEvents(`${t.url}/api/jobs/${job.id}/events`);
      const journeyEvents = all.filter((m) => m.event === undefined);
      assert.deepEqual(
        journeyEvents.map((m) => m.id),
        journeyEvents.map((_, i) => i + 1),
      );
      assert.equal(journeyEvents[0].data.type, "operation-started");
      assert.equal(journeyEvents.at(-1)!.data.type, "summary");
      assert.ok(journeyEvents.some((m) => m.data.type === "resource-step" && m.data.op === "create"));
      const end = all.at(-1)!;
      assert.equal(end.event, "end");
      assert.equal(end.data.id, job.id);
      assert.equal(end.data.outcome, "succeeded");

      const resumed = await readEvents(`${t.url}/api/jobs/${job.id}/events`, { "last-event-id": "5" });
      assert.deepEqual(
        resumed.filter((m) => m.event === undefined).map((m) => m.id),
        journeyEvents.slice(5).map((m) => m.id),
      );
      const byQuery = await readEvents(`${t.url}/api/jobs/${job.id}/events?lastEventId=${journeyEvents.length}`);
      assert.deepEqual(
        byQuery.map((m) => m.event),
        ["end"],
      );
    });

    it("streams a running job's events live, with keep-alive comments, until it ends", async () => {
      const gate = new Gate((step) => step.phase === "crawl" && step.action === "up" && step.index === 1);
      t = await startServer({ gate, heartbeatMs: 20 });
      const job = (await t.call("POST", "/api/jobs", { body: { kind: "up", phase: "crawl" } })).body;
      await gate.reached();
      const response = await fetch(`${t.url}/api/jobs/${job.id}/events`, {
        headers: { authorization: `Bearer ${OPERATOR}` },
      });
      assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = "";
      while (!/: keep-alive/.test(text) || !/"operation-started"/.test(text)) text += (await reader.read()).value ?? "";
      assert.ok(!/event: end/.test(text), "not ended while the job runs");
      gate.release();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += value;
      }
      const messages = parseEventStream(text);
      assert.equal(messages.at(-1)!.event, "end");
      assert.equal(messages.at(-1)!.data.outcome, "succeeded");
      assert.equal(messages.filter((m) => m.data.type === "summary").length, 1);
    });
  });

  describe("shutdown", () => {
    it("stops taking jobs, cancels queued ones, lets running ones finish within the grace period", async () => {
      const gate = new Gate((step) => step.phase === "crawl" && step.action === "up" && step.index === 1);
      t = await startServer({ gate });
      const running = (await t.call("POST", "/api/jobs", { body: { kind: "up", phase: "crawl" } })).body;
      await gate.reached();
      const queued = (await t.call("POST", "/api/jobs", { body: { kind: "preview", phase: "crawl" } })).body;
      const stream = readEvents(`${t.url}/api/jobs/${running.id}/events`);

      const shutdown = t.server.shutdown({ graceMs: 10_000 });
      const refused = await t.call("POST", "/api/jobs", { body: { kind: "preview", phase: "walk" } });
      assert.equal(refused.status, 503);
      assert.equal(refused.body.error, "shutting-down");
      assert.deepEqual((await t.call("GET", "/api/health")).body, {
        ok: true,
        acceptingJobs: false,
        engine: "offline",
      });
      assert.equal((await t.call("GET", `/api/jobs/${queued.id}`)).body.outcome, "cancelled");
      assert.equal(
        (await t.call("GET", `/api/jobs/${running.id}`)).body.state,
        "running",
        "still running within the grace period",
      );

      gate.release();
      await shutdown;
      const events = await stream;
      assert.equal(events.at(-1)!.event, "end");
      assert.equal(events.at(-1)!.data.outcome, "succeeded", "the running job finished");
      await assert.rejects(fetch(`${t.url}/api/health`), "the server is closed");
      t = undefined;
    });

    it("after the grace period, running jobs are cancelled cleanly", async () => {
      const gate = new Gate((step) => step.phase === "crawl" && step.action === "up" && step.index === 1);
      t = await startServer({ gate });
      const running = (await t.call("POST", "/api/jobs", { body: { kind: "up", phase: "crawl" } })).body;
      await gate.reached();
      const stream = readEvents(`${t.url}/api/jobs/${running.id}/events`);
      const shutdown = t.server.shutdown({ graceMs: 50 });
      // The step in flight finishes (the gate opens); the next one sees the cancel.
      await new Promise((resolve) => setTimeout(resolve, 100));
      gate.release();
      await shutdown;
      const events = await stream;
      const summary = events.find((m) => m.data.type === "summary")!;
      assert.equal(summary.data.outcome, "cancelled");
      assert.match(summary.data.message, /journey up crawl was cancelled/);
      assert.equal(events.at(-1)!.data.outcome, "cancelled");
      t = undefined;
    });
  });
});
