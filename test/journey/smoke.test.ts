import { strict as assert } from "assert";
import * as http from "http";
import type { AddressInfo } from "net";
import {
  HttpSmokeRunner,
  JourneyEvent,
  realClock,
  runSmokeChecks,
  SmokeCheckRunner,
  virtualClock,
} from "../../automation/journey";
import type { SmokeCheck } from "../../phases/contract";
import { unknownOutput } from "../support/components";

describe("smoke checks", () => {
  let server: http.Server;
  let base: string;
  let disputeFailures = 0;

  before(async () => {
    server = http.createServer((req, res) => {
      const json = (status: number, body: unknown) =>
        void res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (req.url === "/onprem/card/1") json(200, { cardNumber: "4111", availableCredit: 100 });
      else if (req.url === "/onprem/card/payment") json(200, { payments: [] });
      else if (req.url === "/onprem/card/dispute" && disputeFailures-- > 0)
        json(503, { message: "upstream unavailable" });
      else if (req.url === "/onprem/card/dispute") res.end("Please Dial in to see disputes on file");
      else if (req.url !== "/hang") json(404, { message: "no Route matched with those values" });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const check = (path: string, extra: Partial<SmokeCheck> = {}): SmokeCheck => ({
    name: path,
    method: "GET",
    url: `${base}${path}`,
    expectStatus: 200,
    from: "client",
    ...extra,
  });
  const runner = new HttpSmokeRunner({ attemptTimeoutMs: 300 });
  const run = (c: SmokeCheck, r: SmokeCheckRunner = runner) => r.run(c, new AbortController().signal);

  describe("HttpSmokeRunner", () => {
    it("passes on the expected status, body text and JSON shape", async () => {
      assert.deepEqual(await run(check("/onprem/card/1", { expectJson: "object", expectBodyContains: "cardNumber" })), {
        status: "passed",
        detail: "HTTP 200",
      });
    });

    it("fails with what it got: status, missing text, JSON shape", async () => {
      assert.match(
        (await run(check("/nowhere"))).detail,
        /expected HTTP 200, got 404 \(\{"message":"no Route matched with those values"\}\)/,
      );
      assert.match(
        (await run(check("/onprem/card/1", { expectBodyContains: "Duplicate Charge" }))).detail,
        /body does not contain "Duplicate Charge"/,
      );
      assert.match(
        (await run(check("/onprem/card/payment", { expectJson: "array" }))).detail,
        /expected a JSON array, got object/,
      );
    });

    it("fails on an unreachable host and on an answer that does not come in time", async () => {
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const refused = await run({ ...check("/"), url: `http://127.0.0.1:${port}/card` });
      assert.equal(refused.status, "failed");
      assert.match(refused.detail, /ECONNREFUSED/);
      const slow = await run(check("/hang"));
      assert.equal(slow.status, "failed");
      assert.match(slow.detail, /timeout|aborted/i);
    });

    it("reports cluster checks as not run unless a cluster runner is configured", async () => {
      const inCluster = check("/disputes", {
        from: "cluster",
        url: "http://microservice.microservice.svc.cluster.local:8080/disputes",
      });
      assert.deepEqual(await run(inCluster), {
        status: "not-run",
        detail: "runs inside the cluster (kubectl against walk's kubeconfig); no cluster runner is configured",
      });
      const cluster: SmokeCheckRunner = { run: async () => ({ status: "passed", detail: "kubectl run: HTTP 200" }) };
      assert.equal((await run(inCluster, new HttpSmokeRunner({ cluster }))).status, "passed");
    });

    it("reports checks whose URL is only known after deployment as not run", async () => {
      assert.equal(
        (
          await run({
            ...check("/"),
            url: `http://${unknownOutput("kmj-onprem-gateway-instance", "publicIp")}:8000/onprem/card/1`,
          })
        ).status,
        "not-run",
      );
    });
  });

  describe("runSmokeChecks", () => {
    it("retries a failing check until it passes, within the deadline, with real HTTP and real time", async () => {
      disputeFailures = 2;
      const events: JourneyEvent[] = [];
      const report = await runSmokeChecks({
        phase: "crawl",
        checks: [check("/onprem/card/1"), check("/onprem/card/dispute", { expectBodyContains: "Please Dial in" })],
        runner,
        policy: { timeoutMs: 2_000, intervalMs: 50 },
        clock: realClock,
        emit: (e) => events.push({ ...e, time: "" } as JourneyEvent),
        signal: new AbortController().signal,
      });
      assert.equal(report.verdict, "passed");
      assert.deepEqual(
        report.results.map((r) => r.attempts),
        [1, 3],
      );
      assert.deepEqual(
        events.map((e) => e.type === "smoke-check" && `${e.check} ${e.status}`),
        [
          "/onprem/card/1 passed",
          "/onprem/card/dispute retrying",
          "/onprem/card/dispute retrying",
          "/onprem/card/dispute passed",
        ],
      );
    });

    it("fails once the deadline passes; not-run checks never count as passed (the deadline on a virtual clock: attempts at 0, 50 and 100 ms of 120, however slow the machine)", async () => {
      const report = await runSmokeChecks({
        phase: "walk",
        checks: [check("/nowhere"), check("/disputes", { from: "cluster" })],
        runner,
        policy: { timeoutMs: 120, intervalMs: 50 },
        clock: virtualClock(),
        emit: () => undefined,
        signal: new AbortController().signal,
      });
      assert.equal(report.verdict, "failed");
      assert.deepEqual(
        report.results.map((r) => [r.status, r.attempts]),
        [
          ["failed", 3],
          ["not-run", 1],
        ],
      );
    });
  });
});
