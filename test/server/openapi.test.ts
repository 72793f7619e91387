import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import SwaggerParser from "@apidevtools/swagger-parser";
import { OpenApiContract } from "../support/openapi";
import { startServer, TestServer } from "./support";

describe("portal API: the OpenAPI 3 document at /api/openapi.json", function () {
  this.timeout(20_000);
  let t: TestServer;
  let doc: any;
  let contract: OpenApiContract;
  let dir: string;

  before(async () => {
    t = await startServer();
    const answer = await t.call("GET", "/api/openapi.json", { as: "none" });
    assert.equal(answer.status, 200, "public, like /api/health: a portal generates its client before it has a token");
    doc = answer.body;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "journey-openapi-"));
    const file = path.join(dir, "openapi.json");
    fs.writeFileSync(file, JSON.stringify(doc));
    contract = OpenApiContract.load(file);
  });
  after(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("is a valid OpenAPI 3.1 document (swagger-parser)", async () => {
    assert.equal(doc.openapi, "3.1.0");
    await SwaggerParser.validate(structuredClone(doc));
  });

  it("documents every API route the server has, with its methods", () => {
    const routes = t.server.app.printRoutes({ commonPrefix: false });
    for (const [template, methods] of [
      ["/api/health", ["get"]],
      ["/api/phases", ["get"]],
      ["/api/jobs", ["get", "post"]],
      ["/api/jobs/{id}", ["get", "delete"]],
      ["/api/jobs/{id}/events", ["get"]],
      ["/api/topology", ["get"]],
      ["/api/plan", ["get"]],
      ["/api/whoami", ["get"]],
    ] as const) {
      for (const method of methods) assert.ok(doc.paths[template]?.[method], `${method} ${template}`);
      assert.ok(
        routes.includes(template.replace("{id}", ":id").split("/").pop()!),
        `${template} is a route of the server`,
      );
    }
  });

  it("takes its request schemas from the routes' own zod schemas: the job bodies and the query", () => {
    assert.deepEqual(
      Object.keys(doc.components.schemas)
        .filter((k) => k.endsWith("Job") && k !== "Job")
        .sort(),
      ["PreviewJob", "RollbackJob", "ShiftJob", "UpJob"],
    );
    assert.deepEqual(doc.components.schemas.ShiftJob.properties.steps, {
      maxItems: 20,
      type: "array",
      items: { type: "integer", minimum: 0, maximum: 100 },
    });
    assert.deepEqual(Object.keys(doc.components.schemas.ShiftJob.properties.gates.properties).sort(), [
      "holdTimeout",
      "interval",
      "maxErrorRateAboveMonolith",
      "maxP99",
      "minRequests",
      "minSuccessRate",
      "prometheusUrl",
    ]);
    assert.equal(doc.components.schemas.ShiftJob.additionalProperties, false);
    assert.deepEqual(
      doc.paths["/api/phases"].get.parameters.map((p: any) => [p.name, p.in, p.schema.enum]),
      [["checks", "query", ["true", "false"]]],
    );
  });

  it("what the server accepts and answers matches the document: a shift job, its view, the errors", async () => {
    const body = { kind: "shift", migration: "disputes", steps: [10, 25], bake: "1m" };
    const post = contract.match("POST", "/api/jobs")!;
    assert.deepEqual(contract.validateRequestBody(post, body), []);
    assert.notDeepEqual(
      contract.validateRequestBody(post, { ...body, steps: [10, 150] }),
      [],
      "the document refuses what the route refuses",
    );
    assert.notDeepEqual(contract.validateRequestBody(post, { ...body, extra: 1 }), []);
    const started = await t.call("POST", "/api/jobs", { body: { kind: "up", phase: "crawl" } });
    assert.deepEqual(
      contract.validateResponseBody(post, started.status, started.body),
      [],
      JSON.stringify(started.body),
    );
    const job = await t.finished(started.body.id);
    assert.deepEqual(contract.validateResponseBody(contract.match("GET", `/api/jobs/${job.id}`)!, 200, job), []);
    const refused = await t.call("POST", "/api/jobs", { body: { kind: "shift", migration: "Disputes", steps: [] } });
    assert.equal(refused.status, 400);
    assert.deepEqual(contract.validateResponseBody(post, 400, refused.body), []);
    const health = await t.call("GET", "/api/health", { as: "none" });
    assert.deepEqual(contract.validateResponseBody(contract.match("GET", "/api/health")!, 200, health.body), []);
    const unauthorised = await t.call("GET", "/api/jobs", { as: "none" });
    assert.deepEqual(
      contract.validateResponseBody(contract.match("GET", "/api/jobs")!, unauthorised.status, unauthorised.body),
      [],
    );
  });
});

describe("portal API: shift jobs with early access and metric gates", function () {
  this.timeout(20_000);
  let t: TestServer;
  before(async () => (t = await startServer()));
  after(() => t.close());

  it("takes earlyAccess and gates, and names them in the job's command", async () => {
    for (const phase of ["crawl", "walk", "run"])
      await t.finished((await t.call("POST", "/api/jobs", { body: { kind: "up", phase } })).body.id);
    const body = {
      kind: "shift",
      migration: "disputes",
      steps: [10],
      bake: "1m",
      gates: { minSuccessRate: 99.5, maxP99: "500ms", interval: "2s" },
    };
    const posted = await t.call("POST", "/api/jobs", { body });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    assert.equal(
      posted.body.command,
      "journey shift disputes --steps 10 --bake 1m --min-success-rate 99.5 --max-p99 500ms --gate-interval 2s",
    );
    const job = await t.finished(posted.body.id);
    assert.equal(job.outcome, "usage", "the fake run config names no Prometheus");
    assert.match(
      job.error.message,
      /set cloud-migration-journey:metrics\.prometheusUrl in run's config or pass --prometheus <url>/,
    );
  });

  it("refuses bad gates naming each field, and an empty shift without earlyAccess", async () => {
    const refused = await t.call("POST", "/api/jobs", {
      body: {
        kind: "shift",
        migration: "disputes",
        steps: [10],
        gates: { minSuccessRate: 120, interval: "100ms", extra: 1 },
      },
    });
    assert.equal(refused.status, 400);
    const fields = Object.fromEntries(refused.body.fields.map((f: any) => [f.field, f.message]));
    assert.equal(fields["gates.minSuccessRate"], "must be from 0 to 100");
    assert.equal(fields["gates.extra"], "is not a field of this request");
    const early = await t.call("POST", "/api/jobs", {
      body: { kind: "shift", migration: "disputes", steps: [], earlyAccess: true },
    });
    assert.notEqual(early.status, 400, JSON.stringify(early.body));
    assert.equal(early.body.command, "journey shift disputes --early-access --bake 5m");
  });
});
