// Runs in `npm run test:real`, not `npm test` (moved from test/server/): the portal's status on the
// recorded CLI double spawns a Node process for each of some sixty `pulumi` calls (about 4 s of CPU).
// test/real/operations.test.ts runs the portal on the real engine; the in-process portal tests stay
// in test/server/.
import { strict as assert } from "assert";
import { pulumiSource } from "../../../server";
import { ScriptedRunner } from "../../journey/support/fakeProgram";
import { PulumiDouble } from "../../journey/support/pulumiDouble";
import { phasesOf, startServer, TestServer } from "../../server/support";

const check = (phase: string) => [
  {
    name: `${phase}: card`,
    method: "GET",
    url: `http://gateway.test/${phase}/card/1`,
    expectStatus: 200,
    from: "client",
  },
];
const migrations = [
  { name: "disputes", pathPrefix: "/card/dispute", rewritePrefix: "/disputes", to: "microservice", weight: 10 },
];

describe("portal server on the Pulumi engine (recorded CLI double)", function () {
  this.timeout(60_000);
  let double: PulumiDouble | undefined;
  let t: TestServer | undefined;

  afterEach(async () => {
    await t?.close();
    double?.dispose();
    t = double = undefined;
  });

  it("status from the backend's stacks; a stack locked in the backend is a 409", async () => {
    double = new PulumiDouble({
      stacks: {
        crawl: {
          outputs: { phase: "crawl", smokeChecks: check("crawl") },
          resources: [{ urn: "urn:crawl-vpc", type: "aws:ec2/vpc:Vpc" }],
          locked: true,
        },
        walk: {
          outputs: { phase: "walk", smokeChecks: check("walk") },
          resources: [{ urn: "urn:walk-vpc", type: "aws:ec2/vpc:Vpc" }],
        },
        run: {
          outputs: {
            phase: "run",
            smokeChecks: check("run"),
            migrations: migrations.map((m) => ({ ...m, route: "kmj-disputes-route" })),
          },
          config: { "cloud-migration-journey:migrations": { value: JSON.stringify(migrations), secret: false } },
          resources: [{ urn: "urn:run-route", type: "pulumi-nodejs:dynamic:Resource" }],
        },
      },
    });
    const source = pulumiSource({
      workDir: double.workDir,
      env: double.env(),
      pulumiCommand: await double.command(),
      smoke: new ScriptedRunner(),
      loadBalancerProbe: async () => true,
    });
    t = await startServer({ source });

    const phases = (await t.call("GET", "/api/phases")).body;
    assert.equal(phases.engine, "pulumi");
    assert.deepEqual(
      Object.values(phasesOf(phases)).map((p: any) => [p.phase, p.state, p.updateInProgress]),
      [
        ["crawl", "deployed", true],
        ["walk", "deployed", false],
        ["run", "deployed", false],
      ],
    );
    assert.deepEqual(phases.migrations, [
      { name: "disputes", pathPrefix: "/card/dispute", configuredWeight: 10, deployedWeight: 10 },
    ]);
    assert.match(phases.next, /wait: an update is running on crawl/);

    const locked = await t.call("POST", "/api/jobs", { body: { kind: "up", phase: "crawl" } });
    assert.equal(locked.status, 409);
    assert.equal(locked.body.error, "locked");
    assert.deepEqual(locked.body.stacks, ["crawl"]);
    assert.equal(locked.body.resume, "journey cancel crawl");
    // A rollback takes every stack, crawl among them.
    assert.equal((await t.call("POST", "/api/jobs", { body: { kind: "rollback" } })).status, 409);
    assert.equal((await t.call("GET", "/api/jobs")).body.jobs.length, 0);
    const unknown = await t.call("POST", "/api/jobs", { body: { kind: "shift", migration: "payments", steps: [20] } });
    assert.deepEqual(
      unknown.body.fields,
      [{ field: "migration", message: "is not a migration of run's config; its migrations: disputes" }],
      "read from the stack's config",
    );

    const topology = (await t.call("GET", "/api/topology")).body;
    assert.deepEqual(
      topology.splits.map((s: any) => [s.migration, s.weight, s.source]),
      [["disputes", 10, "deployed"]],
    );
  });
});
