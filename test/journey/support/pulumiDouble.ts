import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PulumiCommand } from "@pulumi/pulumi/automation";

/** The recorded `pulumi` CLI double (an executable), its engine-event fixtures, and a sandbox per test. */
export const DOUBLE = path.join(__dirname, "pulumi-double", "bin", "pulumi");
export const FIXTURES = path.join(__dirname, "..", "fixtures");

export interface DoubleStack {
  config?: Record<string, { value: string; secret: boolean }>;
  outputs?: Record<string, unknown>;
  secretOutputs?: string[];
  resources?: Array<{ urn: string; type: string; outputs?: Record<string, unknown> }>;
  history?: Array<Record<string, unknown>>;
  locked?: boolean;
}

/** What the double does for `<command> <stack>`, e.g. `up crawl`; a list is used one entry per call. */
export interface Script {
  events?: string;
  outputs?: Record<string, unknown>;
  secretOutputs?: string[];
  resources?: DoubleStack["resources"];
  exitCode?: number;
  stderr?: string;
  /** Waits for SIGINT, then fails as the CLI does when an update is cancelled. */
  hang?: boolean;
}

export interface DoubleState {
  stacks: Record<string, DoubleStack>;
  scripts?: Record<string, Script[]>;
}

export class PulumiDouble {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-double-"));
  /** The Pulumi project the engine runs in: a copy of nothing but a Pulumi.yaml. */
  readonly workDir = path.join(this.dir, "project");
  /** What the process sees as its temporary directory while the test runs: must stay empty. */
  readonly tmpDir = path.join(this.dir, "tmp");
  private readonly statePath = path.join(this.dir, "state.json");
  private readonly logPath = path.join(this.dir, "calls.ndjson");
  private readonly savedTmpdir = process.env.TMPDIR;

  constructor(state: DoubleState) {
    fs.mkdirSync(this.workDir);
    fs.mkdirSync(this.tmpDir);
    fs.writeFileSync(path.join(this.workDir, "Pulumi.yaml"), "name: cloud-migration-journey\nruntime: nodejs\n");
    const stacks = Object.fromEntries(
      Object.entries(state.stacks).map(([name, s]) => [
        name,
        { config: {}, outputs: {}, secretOutputs: [], resources: [], history: [], ...s },
      ]),
    );
    fs.writeFileSync(this.statePath, JSON.stringify({ scripts: {}, ...state, stacks }, null, 2));
    process.env.TMPDIR = this.tmpDir;
  }

  /** An installation root whose `bin/pulumi` is the double reporting `version`. */
  installRoot(version = "3.248.0"): string {
    const root = path.join(this.dir, `pulumi-${version}`);
    fs.mkdirSync(path.join(root, "bin"), { recursive: true });
    const wrapper = path.join(root, "bin", "pulumi");
    fs.writeFileSync(
      wrapper,
      `#!/bin/sh\nPULUMI_DOUBLE_VERSION=${version} exec "${process.execPath}" "${DOUBLE}" "$@"\n`,
      { mode: 0o755 },
    );
    return root;
  }

  command(version?: string): Promise<PulumiCommand> {
    fs.chmodSync(DOUBLE, 0o755);
    return PulumiCommand.get({ root: this.installRoot(version) });
  }

  /** The environment the engine hands to the CLI. */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      PULUMI_DOUBLE_STATE: this.statePath,
      PULUMI_DOUBLE_LOG: this.logPath,
      PULUMI_DOUBLE_FIXTURES: FIXTURES,
      PULUMI_CONFIG_PASSPHRASE: "test passphrase",
      ...extra,
    };
  }

  /** Every CLI call so far, in the order they ended: argv, working directory, the environment it saw, when it ran. */
  calls(): Array<{
    argv: string[];
    cwd: string;
    env: Record<string, string | undefined>;
    code: number;
    startedAt: number;
    endedAt: number;
  }> {
    if (!fs.existsSync(this.logPath)) return [];
    return fs
      .readFileSync(this.logPath, "utf8")
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  }

  /** The argv of calls starting with these words, the gRPC port of `--event-log` made stable. */
  argvOf(...command: string[]): string[][] {
    return this.calls()
      .map((c) => c.argv.map((a) => a.replace(/^tcp:\/\/127\.0\.0\.1:\d+$/, "tcp://127.0.0.1:<port>")))
      .filter((argv) => command.every((word, i) => argv[i] === word));
  }

  state(): DoubleState & { stacks: Record<string, Required<DoubleStack>> } {
    return JSON.parse(fs.readFileSync(this.statePath, "utf8"));
  }

  update(change: (state: DoubleState) => void): void {
    const state = this.state();
    change(state);
    fs.writeFileSync(this.statePath, JSON.stringify(state, null, 2));
  }

  dispose(): void {
    if (this.savedTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = this.savedTmpdir;
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
