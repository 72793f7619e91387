// Runs in `npm run test:real`, not `npm test` (moved from test/journey/): every scenario here spawns
// the recorded CLI double, a Node process per `pulumi` call, about 6 s of CPU in all. The real
// Pulumi CLI covers the same ground in this tier (test/real/run.test.ts, operations.test.ts:
// select/init, up, destroy, locks, status); this file keeps the exact argv, environment and event
// assertions on the double, and the paths the real CLI cannot show (a CLI of 3.205, a failed update).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import {
  CancelledError,
  EngineError,
  JourneyEvent,
  pulumiJourney,
  StackLockedError,
  virtualClock,
} from "../../../automation/journey";
import type { SmokeCheck } from "../../../phases/contract";
import { main } from "../../../cli/journey";
import { ofType, ScriptedRunner } from "../../journey/support/fakeProgram";
import { DOUBLE, DoubleState, PulumiDouble } from "../../journey/support/pulumiDouble";
import { waitFor } from "../../support/net";

const SECRET_TOKEN = "kpat_CANARYfromtheenvironment0123456789";
const checks = (phase: string): SmokeCheck[] => [
  {
    name: `${phase}: card`,
    method: "GET",
    url: `http://gateway.test/${phase}/card/1`,
    expectStatus: 200,
    from: "client",
  },
];
const migrations = (weight: number) => [
  { name: "disputes", pathPrefix: "/card/dispute", rewritePrefix: "/disputes", to: "microservice", weight },
];
const runOutputs = (weight: number) => ({
  phase: "run",
  smokeChecks: checks("run"),
  migrations: migrations(weight).map((m) => ({ ...m, route: "kmj-disputes-route" })),
});
const K8S_SERVICE = "urn:pulumi:walk::cloud-migration-journey::kubernetes:core/v1:Service::kmj-zone-ingress";
const SUBNET = "urn:pulumi:walk::cloud-migration-journey::aws:ec2/subnet:Subnet::kmj-cloud-private-1";

/** All three phases deployed; run at `weight`. */
function deployed(weight = 0): DoubleState {
  return {
    stacks: {
      crawl: {
        outputs: { phase: "crawl", smokeChecks: checks("crawl") },
        resources: [{ urn: "urn:crawl-vpc", type: "aws:ec2/vpc:Vpc" }],
      },
      walk: {
        outputs: { phase: "walk", smokeChecks: checks("walk"), kubeconfig: "{...}" },
        secretOutputs: ["kubeconfig"],
        resources: [
          {
            urn: K8S_SERVICE,
            type: "kubernetes:core/v1:Service",
            outputs: { status: { loadBalancer: { ingress: [{ hostname: "zone-ingress.elb.test" }] } } },
          },
          { urn: SUBNET, type: "aws:ec2/subnet:Subnet" },
        ],
      },
      run: {
        outputs: runOutputs(weight),
        config: { "cloud-migration-journey:migrations": { value: JSON.stringify(migrations(weight)), secret: false } },
        resources: [{ urn: "urn:run-route", type: "pulumi-nodejs:dynamic:Resource" }],
      },
    },
  };
}

describe("Pulumi engine against a recorded pulumi CLI double", function () {
  this.timeout(60_000);
  let double: PulumiDouble;
  afterEach(() => double?.dispose());

  async function journeyOver(
    state: DoubleState,
    options: { env?: NodeJS.ProcessEnv; runner?: ScriptedRunner; version?: string; interruptOnAbort?: boolean } = {},
  ) {
    double = new PulumiDouble(state);
    const journey = pulumiJourney({
      workDir: double.workDir,
      env: double.env(options.env),
      pulumiCommand: await double.command(options.version),
      smoke: options.runner ?? new ScriptedRunner(),
      interruptOnAbort: options.interruptOnAbort,
      loadBalancerProbe: async () => true,
      clock: virtualClock(),
    });
    const events: JourneyEvent[] = [];
    journey.subscribe((e) => events.push(e));
    return { journey, events };
  }

  it("up on a new backend: stack select, then init, secrets from the environment with --secret, then up with the event stream", async () => {
    const { journey, events } = await journeyOver(
      {
        stacks: {},
        scripts: {
          "up crawl": [
            {
              events: "up-crawl.ndjson",
              outputs: { phase: "crawl", smokeChecks: checks("crawl") },
              resources: [{ urn: "urn:vpc", type: "aws:ec2/vpc:Vpc" }],
            },
          ],
        },
      },
      { env: { KONNECT_TOKEN: SECRET_TOKEN, JOURNEY_SECRETS_PROVIDER: "awskms://alias/journey" } },
    );
    await journey.up("crawl");

    assert.deepEqual(double.argvOf("stack", "select"), [["stack", "select", "--stack", "crawl", "--non-interactive"]]);
    assert.deepEqual(double.argvOf("stack", "init"), [
      ["stack", "init", "crawl", "--secrets-provider", "awskms://alias/journey", "--non-interactive"],
    ]);
    assert.deepEqual(
      double.argvOf("config", "set"),
      [["config", "set", "cloud-migration-journey:konnectToken", "--stack", "crawl", "--secret", "--non-interactive"]],
      "the value goes on stdin, never on a command line",
    );
    assert.deepEqual(double.argvOf("up"), [
      [
        "up",
        "--yes",
        "--skip-preview",
        "--message",
        "journey up crawl",
        "--color",
        "never",
        "--exec-kind",
        "auto.local",
        "--event-log",
        "tcp://127.0.0.1:<port>",
        "--stack",
        "crawl",
        "--non-interactive",
      ],
    ]);
    const [up] = double.calls().filter((c) => c.argv[0] === "up");
    assert.equal(up.cwd, fs.realpathSync(double.workDir), "a local program: the CLI runs in the project directory");
    assert.deepEqual(up.env, {
      PULUMI_BACKEND_URL: "file://~",
      PULUMI_AUTOMATION_API: "true",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_CONFIG_PASSPHRASE: "[set]",
    });
    assert.ok(!events.some((e) => JSON.stringify(e).includes(SECRET_TOKEN)), "the secret never reaches an event");

    // Engine events from the fixture, received over the SDK's gRPC event server (CLI > 3.205).
    const steps = ofType(events, "resource-step");
    assert.deepEqual(
      steps.map((s) => `${s.state} ${s.op} ${s.resourceType} ${s.name} ${s.progress.done}`),
      [
        "started create aws:ec2/vpc:Vpc kmj-onprem-network-vpc 0",
        "done create aws:ec2/vpc:Vpc kmj-onprem-network-vpc 1",
        "started create aws:ec2/instance:Instance kmj-onprem-gateway-instance 1",
        "done create aws:ec2/instance:Instance kmj-onprem-gateway-instance 2",
      ],
    );
    assert.deepEqual(
      ofType(events, "diagnostic").map((d) => [d.severity, d.message]),
      [["warning", "instance type t3.small is burstable; CPU credits apply"]],
      "colour directives stripped, ephemeral diagnostics left out",
    );
    assert.deepEqual(ofType(events, "phase-finished")[0].changes, { create: 3 });
    assert.deepEqual(fs.readdirSync(double.tmpDir), [], "no temporary directory left behind");
  });

  it("PULUMI_BACKEND_URL chooses the backend; a stack that exists is selected, not created", async () => {
    const { journey } = await journeyOver(deployed(), {
      env: { PULUMI_BACKEND_URL: "s3://journey-state?region=us-west-2" },
    });
    double.update((s) => (s.scripts = { "preview walk": [{ events: "preview-run-weight.ndjson" }] }));
    await journey.preview("walk");
    assert.equal(double.argvOf("stack", "init").length, 0);
    assert.ok(double.calls().every((c) => c.env.PULUMI_BACKEND_URL === "s3://journey-state?region=us-west-2"));
    assert.deepEqual(double.argvOf("preview"), [
      [
        "preview",
        "--color",
        "never",
        "--exec-kind",
        "auto.local",
        "--event-log",
        "tcp://127.0.0.1:<port>",
        "--stack",
        "walk",
        "--non-interactive",
      ],
    ]);
  });

  it("stack select/init are serialised per project directory, even across journeys", async () => {
    const first = await journeyOver(deployed());
    const second = pulumiJourney({
      workDir: double.workDir,
      env: double.env(),
      pulumiCommand: await double.command(),
      smoke: new ScriptedRunner(),
      clock: virtualClock(),
    });
    double.update(
      (s) =>
        (s.scripts = {
          "preview walk": [{ events: "preview-run-weight.ndjson" }],
          "preview run": [{ events: "preview-run-weight.ndjson" }],
        }),
    );
    await Promise.all([first.journey.preview("walk"), second.preview("run")]);
    const selections = double
      .calls()
      .filter((c) => c.argv[0] === "stack" && (c.argv[1] === "select" || c.argv[1] === "init"));
    assert.equal(selections.length, 2);
    const [a, b] = selections.sort((x, y) => x.startedAt - y.startedAt);
    assert.ok(a.endedAt <= b.startedAt, "the second select started after the first ended");
  });

  it("one operation per stack in this process, even across journeys over the same project", async () => {
    const first = await journeyOver(deployed());
    double.update((s) => (s.scripts = { "up walk": [{ hang: true }] }));
    const second = pulumiJourney({
      workDir: double.workDir,
      env: double.env(),
      pulumiCommand: await double.command(),
      smoke: new ScriptedRunner(),
      clock: virtualClock(),
    });
    const running = first.journey.up("walk");
    await waitFor(
      () => double.calls().some((c) => c.argv[0] === "stack" && c.argv[1] === "select"),
      10_000,
      "the first journey's stack select",
      20,
    );
    await assert.rejects(
      second.up("walk"),
      (err: unknown) =>
        err instanceof StackLockedError && /`journey up walk` is running on it in this process/.test(err.message),
    );
    assert.deepEqual(
      await second.cancel("walk"),
      { cancelled: ["journey up walk"] },
      "a portal's admin can cancel it from another journey",
    );
    await assert.rejects(running, CancelledError);
  });

  it("refuses to start without a passphrase for a file backend, and says what to set", async () => {
    const { journey } = await journeyOver({ stacks: {} }, { env: { PULUMI_CONFIG_PASSPHRASE: undefined } });
    await assert.rejects(
      journey.up("crawl"),
      (err: unknown) =>
        err instanceof EngineError &&
        /set PULUMI_CONFIG_PASSPHRASE \(or PULUMI_CONFIG_PASSPHRASE_FILE\), or.*JOURNEY_SECRETS_PROVIDER/.test(
          err.message,
        ),
    );
    assert.deepEqual(double.calls(), [], "the CLI was never asked");
  });

  it("destroy: run, then walk's in-cluster resources with --target/--target-dependents, then the rest, then crawl", async () => {
    const { journey, events } = await journeyOver(deployed());
    double.update((s) => {
      s.scripts = {
        "destroy walk": [{ events: "destroy-walk-cluster.ndjson" }, { events: "destroy-walk-rest.ndjson" }],
      };
    });
    assert.deepEqual(await journey.destroy(), { destroyed: ["run", "walk", "crawl"] });
    const destroys = double.argvOf("destroy");
    /** `pulumi destroy` as the Automation API runs it, with the journey's message. */
    const destroy = (stack: string, message: string, targets: string[] = []) => [
      ...["destroy", "--yes", "--skip-preview", "--message", message, ...targets, "--color", "never"],
      ...["--event-log", "tcp://127.0.0.1:<port>", "--exec-kind", "auto.local", "--stack", stack, "--non-interactive"],
    ];
    assert.deepEqual(destroys, [
      destroy("run", "journey destroy run"),
      destroy("walk", "journey destroy walk: in-cluster resources first", [
        "--target",
        K8S_SERVICE,
        "--target-dependents",
      ]),
      destroy("walk", "journey destroy walk"),
      destroy("crawl", "journey destroy crawl"),
    ]);
    assert.equal(
      ofType(events, "waiting")[0].detail,
      "for 1 load balancer(s) to go before walk's network is destroyed: zone-ingress.elb.test",
    );
    assert.deepEqual(await journey.destroy(), { destroyed: [] }, "idempotent: every stack is empty now");
  });

  it("a failed update: the resource, the provider's error and the policy violation are reported", async () => {
    const { journey, events } = await journeyOver(deployed());
    double.update(
      (s) =>
        (s.scripts = {
          "up walk": [
            {
              events: "up-walk-failed.ndjson",
              exitCode: 255,
              stderr: "error: update failed\nerror: kuma: POST /zones: 503 Service Unavailable",
            },
          ],
        }),
    );
    await assert.rejects(
      journey.up("walk"),
      (err: unknown) =>
        err instanceof EngineError &&
        err.message === "pulumi up on stack walk failed: update failed; kuma: POST /zones: 503 Service Unavailable",
    );
    assert.equal(ofType(events, "resource-step").at(-1)?.state, "failed");
    assert.deepEqual(
      ofType(events, "diagnostic").map((d) => `${d.severity}: ${d.message}`),
      [
        "error: kuma: POST /zones: 503 Service Unavailable",
        "error: policy journey-guard/no-public-ssh: security group opens 22 to 0.0.0.0/0",
      ],
    );
  });

  it("a CLI of 3.205 or older gets its events through an --event-log file, which is removed", async () => {
    const { journey, events } = await journeyOver(
      {
        stacks: {},
        scripts: { "up crawl": [{ events: "up-crawl.ndjson", outputs: { phase: "crawl", smokeChecks: [] } }] },
      },
      { version: "3.205.0" },
    );
    await journey.up("crawl");
    const [argv] = double.argvOf("up");
    const eventLog = argv[argv.indexOf("--event-log") + 1];
    assert.match(eventLog, new RegExp(`^${double.tmpDir}/automation-logs-up-\\w+/eventlog.txt$`));
    assert.equal(ofType(events, "resource-step").length, 4);
    await waitFor(() => fs.readdirSync(double.tmpDir).length === 0, 10_000, "the temporary directory to empty", 20);
  });

  it("the CLI finds `pulumi` on PATH and reads the stacks for `journey status --json`", async () => {
    double = new PulumiDouble(deployed(25));
    const savedPath = process.env.PATH;
    process.env.PATH = `${path.dirname(DOUBLE)}${path.delimiter}${savedPath}`;
    let out = "";
    try {
      const code = await main(
        ["node", "journey", "status", "--json", "--no-checks"],
        { out: (s) => void (out += s), err: () => undefined },
        { env: double.env() },
      );
      assert.equal(code, 0);
    } finally {
      process.env.PATH = savedPath;
    }
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const { result } = lines.at(-1);
    assert.deepEqual(
      result.phases.map((p: any) => [p.phase, p.state, p.resourceCount, p.weights]),
      [
        ["crawl", "deployed", 1, undefined],
        ["walk", "deployed", 2, undefined],
        ["run", "deployed", 1, { disputes: 25 }],
      ],
    );
    assert.equal(result.next, "`journey shift disputes --steps 50,100 --bake 5m`");
    assert.deepEqual(double.argvOf("stack", "ls")[0], ["stack", "ls", "--json", "--non-interactive"]);
  });
});
