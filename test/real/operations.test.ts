import { strict as assert } from "assert";
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as path from "path";
import { startKumaServer, KumaServer } from "../support/kumaServer";
import { MeshStandIn } from "./support/meshStandIn";
import { REPO } from "./support/peers";
import { PulumiSandbox, track } from "./support/sandbox";
import { crawlStandIn } from "./support/standInStacks";

const KONNECT_TOKEN = "kpat_CANARYoperations0123456789abcdefABCD";
const SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nCANARYoperationskey\n-----END OPENSSH PRIVATE KEY-----";
const CANARIES = [KONNECT_TOKEN, "CANARYoperationskey"];

/** A `journey` process over the sandbox's stand-in project, its output collected as it comes. */
class JourneyProcess {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  readonly exited: Promise<number | null>;

  constructor(sandbox: PulumiSandbox, project: string, args: string[]) {
    const env = sandbox.processEnv({
      JOURNEY_PROJECT_DIR: project,
      CI: "true",
      KONNECT_TOKEN,
      ONPREM_SSH_PRIVATE_KEY: SSH_KEY,
    });
    this.child = track(
      spawn(process.execPath, [path.join(REPO, "bin/journey.js"), ...args], {
        cwd: REPO,
        env,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
    this.child.stdout!.on("data", (chunk: Buffer) => (this.stdout += chunk.toString("utf8")));
    this.child.stderr!.on("data", (chunk: Buffer) => (this.stderr += chunk.toString("utf8")));
    this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
  }

  async waitFor(pattern: RegExp, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.stdout + this.stderr)) {
      if (Date.now() > deadline || this.child.exitCode !== null)
        throw new Error(`never printed ${pattern}:\n${this.stdout}\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe("operations on real stacks: secrets off the process list, a killed up's lock, Ctrl-C, the portal", function () {
  this.timeout(600_000);
  let sandbox: PulumiSandbox;
  let kuma: KumaServer;
  let gateway: MeshStandIn;
  let project: string;
  const printed: string[] = [];

  const journey = async (...args: string[]): Promise<{ code: number | null; out: string }> => {
    const run = new JourneyProcess(sandbox, project, args);
    const code = await run.exited;
    printed.push(run.stdout, run.stderr);
    return { code, out: run.stdout + run.stderr };
  };
  const setCreateSeconds = async (seconds: number) => {
    const result = await sandbox.cli(["config", "set", "createSeconds", String(seconds), "--stack", "crawl"], project);
    assert.equal(result.code, 0, result.stderr);
  };

  before(async () => {
    kuma = await startKumaServer();
    gateway = await MeshStandIn.start(kuma, "none");
    sandbox = new PulumiSandbox();
    // The stand-in program as the project: `journey up crawl` runs it as crawl's stack.
    project = sandbox.stage("project", path.join(REPO, "test/real/programs/standin"), ["tsconfig.json"]);
    const { plain } = crawlStandIn(gateway.url, SSH_KEY);
    for (const args of [
      ["stack", "init"],
      ["config", "set", "--plaintext", "outputs", JSON.stringify(plain)],
      ["config", "set", "createSeconds", "2"],
    ]) {
      const result = await sandbox.cli([...args, "--stack", "crawl"], project);
      assert.equal(result.code, 0, result.stderr);
    }
  });
  after(async () => {
    await gateway?.close();
    await kuma?.close();
    sandbox?.dispose();
  });

  it("secrets handed over in the environment never appear on a process's command line while journey up runs", async () => {
    const run = new JourneyProcess(sandbox, project, ["up", "crawl"]);
    const seen = new Set<string>();
    while (run.child.exitCode === null) {
      for (const line of execFileSync("ps", ["-eo", "args"], { encoding: "utf8" }).split("\n")) seen.add(line);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(await run.exited, 0, run.stdout + run.stderr);
    printed.push(run.stdout, run.stderr);
    assert.ok(
      [...seen].some((line) => line.includes("config set")),
      "the sampling saw the CLI setting the secrets",
    );
    for (const canary of CANARIES)
      assert.ok(![...seen].some((line) => line.includes(canary)), "a secret was on a command line");
  });

  it("an up killed halfway leaves a lock that journey status reports with its holder, and journey cancel clears it", async () => {
    await setCreateSeconds(120);
    const run = new JourneyProcess(sandbox, project, ["up", "crawl", "--json"]);
    await run.waitFor(/"state":"started"[^\n]*slow-create/);
    process.kill(-run.child.pid!, "SIGKILL");
    await run.exited;

    const locked = await journey("status", "--no-checks");
    assert.match(locked.out, /crawl[^\n]*LOCKED by \S+@\S+ \(pid \d+\)/, "names the holder");
    const cancel = await journey("cancel", "crawl");
    assert.equal(cancel.code, 0, cancel.out);
    const after = await journey("status", "--no-checks");
    assert.doesNotMatch(after.out, /crawl[^\n]*(locked|update in progress)/i);
  });

  it("Ctrl-C during an up cancels cleanly, leaves no lock and says how to resume", async () => {
    await setCreateSeconds(120);
    const run = new JourneyProcess(sandbox, project, ["up", "crawl", "--json"]);
    await run.waitFor(/"state":"started"[^\n]*slow-create/);
    process.kill(run.child.pid!, "SIGINT");
    const code = await run.exited;
    printed.push(run.stdout, run.stderr);
    assert.equal(code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /"outcome":"cancelled"/);
    assert.match(run.stdout, /"resume":"[^"]*journey up crawl/);
    const status = await journey("status", "--no-checks");
    assert.doesNotMatch(status.out, /crawl[^\n]*(locked|update in progress)/i);
  });

  it("journey serve runs a job on the real engine and streams its events", async () => {
    await setCreateSeconds(1);
    const token = "operator-token-0123456789abcdef";
    const serve = new JourneyProcess(
      Object.assign(Object.create(sandbox), {
        processEnv: (extra: Record<string, string>) => sandbox.processEnv({ ...extra, JOURNEY_OPERATOR_TOKENS: token }),
      }),
      project,
      ["serve", "--port", "0"],
    );
    try {
      await serve.waitFor(/listening on (http:\/\/\S+)/);
      const url = /listening on (http:\/\/\S+)/.exec(serve.stdout + serve.stderr)![1];
      const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
      const submitted = await fetch(`${url}/api/jobs`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ kind: "up", phase: "crawl" }),
      });
      assert.equal(submitted.status, 202, await submitted.clone().text());
      const job = (await submitted.json()) as { id: string };
      const stream = await fetch(`${url}/api/jobs/${job.id}/events`, { headers: auth });
      const text = await stream.text();
      assert.match(text, /"type":"resource-step"/, "the real engine's steps arrive as they happen");
      assert.match(text, /"type":"summary"[^\n]*"outcome":"succeeded"/);
      printed.push(text);
    } finally {
      serve.child.kill("SIGTERM");
      await serve.exited;
      printed.push(serve.stdout, serve.stderr);
    }
  });

  it("no secret appears in the state or in anything journey printed", () => {
    const state = sandbox.stateText();
    for (const canary of CANARIES) {
      assert.ok(!state.includes(canary), "state");
      assert.ok(!printed.join("\n").includes(canary), "journey's output");
    }
  });
});
