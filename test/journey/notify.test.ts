import { strict as assert } from "assert";
import * as http from "http";
import type { AddressInfo } from "net";
import { WebhookNotifier } from "../../automation/journey";
import { runJourney } from "../support/cli";
import { ConfigError, validateConfig } from "../../config/load";
import { PROJECT } from "../../config/schema";
import { FAIL, fakeJourney, fakeStackFiles, PASS, ScriptedRunner } from "./support/fakeProgram";

const TOKEN = "T0KENinThePath";

interface Receiver {
  url: string;
  bodies: any[];
  close(): Promise<void>;
}

/** A webhook on 127.0.0.1 that records each JSON body and answers `status` (after `delayMs`). */
async function receiver(status = 204, delayMs = 0): Promise<Receiver> {
  const bodies: any[] = [];
  const server = http.createServer((req, res) => {
    let text = "";
    req.on("data", (chunk) => (text += chunk));
    req.on("end", () => {
      bodies.push({ ...JSON.parse(text), contentType: req.headers["content-type"], path: req.url });
      setTimeout(() => res.writeHead(status).end(), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/${TOKEN}`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const cli = runJourney;

async function journeyAtRun(options: Parameters<typeof fakeJourney>[0] = {}) {
  const fake = fakeJourney(options);
  for (const phase of ["crawl", "walk", "run"] as const) await fake.journey.up(phase);
  return fake.journey;
}

describe("notifications: --notify posts each step, gate decision and rollback to a webhook", () => {
  let hook: Receiver;
  afterEach(() => hook?.close());

  it("a shift posts its start, its gate, each weight and its outcome, in order, as JSON", async () => {
    hook = await receiver();
    const journey = await journeyAtRun();
    const { code, err } = await cli(
      ["shift", "disputes", "--steps", "10,25", "--bake", "1m", "--offline", "--notify", hook.url],
      { journey: () => journey },
    );
    assert.equal(code, 0, err);
    assert.deepEqual(
      hook.bodies.map((b) => b.event.type),
      ["operation-started", "gate", "weight", "weight", "summary"],
    );
    assert.ok(
      hook.bodies.every(
        (b) =>
          b.source === "cloud-migration-journey" &&
          b.contentType === "application/json" &&
          typeof b.event.time === "string",
      ),
    );
    assert.deepEqual(
      hook.bodies.filter((b) => b.event.type === "weight").map((b) => b.text),
      ["disputes: weight 0% -> 10% (shift)", "disputes: weight 10% -> 25% (shift)"],
    );
    assert.equal(hook.bodies.at(-1).event.outcome, "succeeded");
  });

  it("a rollback after a failing step is posted: the revert and the rolled-back outcome", async () => {
    hook = await receiver();
    let weight = 0;
    const journey = await journeyAtRun({
      runner: new ScriptedRunner((check) => (check.name.startsWith("run") && weight === 25 ? FAIL() : PASS)),
    });
    journey.subscribe((e) => {
      if (e.type === "weight") weight = e.to;
    });
    const { code } = await cli(["shift", "disputes", "--steps", "10,25", "--offline", "--notify", hook.url], {
      journey: () => journey,
    });
    assert.equal(code, 3);
    assert.deepEqual(
      hook.bodies
        .filter((b) => b.event.type === "weight")
        .map((b) => `${b.event.reason} ${b.event.from}->${b.event.to}`),
      ["shift 0->10", "shift 10->25", "revert 25->10"],
    );
    assert.equal(hook.bodies.at(-1).event.outcome, "rolled-back");
  });

  it("JOURNEY_NOTIFY_URL names the webhook too", async () => {
    hook = await receiver();
    const journey = await journeyAtRun();
    assert.equal(
      (
        await cli(["shift", "disputes", "--steps", "10", "--offline"], {
          journey: () => journey,
          env: { JOURNEY_NOTIFY_URL: hook.url },
        })
      ).code,
      0,
    );
    assert.ok(hook.bodies.some((b) => b.event.type === "weight"));
  });

  it("run's secret notifyUrl names the webhook when no flag does", async () => {
    hook = await receiver();
    const stackFiles = fakeStackFiles();
    stackFiles.run.config.values[`${PROJECT}:notifyUrl`] = hook.url;
    const journey = await journeyAtRun({ stackFiles });
    assert.equal((await cli(["shift", "disputes", "--steps", "10", "--offline"], { journey: () => journey })).code, 0);
    assert.deepEqual(
      hook.bodies.map((b) => b.event.type),
      ["operation-started", "gate", "weight", "summary"],
    );
  });

  it("a receiver answering 500 is reported, never fatal, and the URL's path (its token) is never shown", async () => {
    hook = await receiver(500);
    const journey = await journeyAtRun();
    const { code, out, err } = await cli(["shift", "disputes", "--steps", "10", "--offline", "--notify", hook.url], {
      journey: () => journey,
    });
    assert.equal(code, 0);
    assert.match(
      err,
      /journey: warning: could not notify http:\/\/127\.0\.0\.1:\d+ of weight: HTTP 500; the journey carries on/,
    );
    assert.ok(!`${out}${err}`.includes(TOKEN), "the token in the URL's path never appears");
  });

  it("an unreachable receiver is reported the same way", async () => {
    hook = await receiver();
    await hook.close();
    const journey = await journeyAtRun();
    const { code, out, err } = await cli(["shift", "disputes", "--steps", "10", "--offline", "--notify", hook.url], {
      journey: () => journey,
    });
    assert.equal(code, 0);
    assert.match(err, /could not notify http:\/\/127\.0\.0\.1:\d+ of operation-started: ECONNREFUSED/);
    assert.ok(!`${out}${err}`.includes(TOKEN));
  });

  it("a slow receiver is given up on after the timeout", async () => {
    hook = await receiver(204, 2_000);
    const failures: string[] = [];
    const notifier = new WebhookNotifier(hook.url, { timeoutMs: 100, onFailure: (m) => failures.push(m) });
    const started = Date.now();
    notifier.listener({
      type: "weight",
      migration: "disputes",
      from: 0,
      to: 10,
      reason: "shift",
      time: new Date().toISOString(),
    });
    notifier.listener({
      type: "diagnostic",
      severity: "info",
      message: "not notified",
      time: new Date().toISOString(),
    });
    await notifier.flush();
    assert.ok(Date.now() - started < 1_500);
    assert.deepEqual(failures, [
      `could not notify ${new URL(hook.url).origin} of weight: no answer within 100 ms; the journey carries on`,
    ]);
  });

  it("refuses plain http off loopback before anything runs (exit 2), without echoing the URL's path", async () => {
    const { code, err } = await cli(
      ["shift", "disputes", "--steps", "10", "--offline", "--notify", `http://hooks.example.com/x/${TOKEN}`],
      {
        journey: () => {
          throw new Error("no journey may be built");
        },
      },
    );
    assert.equal(code, 2);
    assert.match(
      err,
      /--notify http:\/\/hooks\.example\.com\.\.\.: is a http URL to hooks\.example\.com; allowed: https/,
    );
    assert.ok(!err.includes(TOKEN));
  });

  it("run's config refuses a notifyUrl in plaintext or off https, without showing it", () => {
    const problems = (value: string, secret: boolean) => {
      const values: Record<string, string> = {
        "aws:region": "us-west-2",
        [`${PROJECT}:phase`]: "run",
        [`${PROJECT}:owner`]: "t",
        [`${PROJECT}:adminCidrs`]: '["203.0.113.0/24"]',
        [`${PROJECT}:notifyUrl`]: value,
      };
      try {
        validateConfig({ values, secretKeys: secret ? [`${PROJECT}:notifyUrl`] : [] });
        return [];
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        return err.problems;
      }
    };
    assert.deepEqual(problems(`https://hooks.example.com/${TOKEN}`, true), []);
    assert.match(
      problems(`https://hooks.example.com/${TOKEN}`, false).join("\n"),
      /notifyUrl: is stored in plaintext but must be a secret/,
    );
    const offHttps = problems(`http://hooks.example.com/${TOKEN}`, true).join("\n");
    assert.match(offHttps, /notifyUrl: \[secret, not shown\] is a http URL to hooks\.example\.com; allowed: https/);
    assert.ok(!offHttps.includes(TOKEN));
  });
});
