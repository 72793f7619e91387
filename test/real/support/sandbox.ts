import { ChildProcess, spawn } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { pulumiRoot, REPO } from "./peers";

const live = new Set<PulumiSandbox>();
const children = new Set<ChildProcess>();
/** On any exit, even an interrupted one: no process left running, no folder left behind. */
process.on("exit", () => {
  children.forEach((child) => killTree(child));
  live.forEach((sandbox) => sandbox.dispose());
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

/** Spawned processes are group leaders, so that their own children (the Pulumi CLI, its plugins) go with them. */
export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.on("exit", () => children.delete(child));
  return child;
}

function killTree(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    // already gone
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A private world for the real Pulumi CLI: a temporary folder holding a file backend, PULUMI_HOME and
 * staged programs, a passphrase of its own, and no automatic plugin downloads. Two test runs on one
 * machine never share one; it is removed when disposed, or when the test process exits.
 */
export class PulumiSandbox {
  // The peer first: a sandbox that cannot run leaves no folder behind.
  readonly root = pulumiRoot();
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "journey-real-"));
  readonly backendUrl = `file://${path.join(this.dir, "state")}`;
  readonly env: Record<string, string>;

  constructor() {
    fs.mkdirSync(path.join(this.dir, "state"));
    this.env = {
      PULUMI_BACKEND_URL: this.backendUrl,
      PULUMI_HOME: path.join(this.dir, "home"),
      PULUMI_CONFIG_PASSPHRASE: randomBytes(12).toString("hex"),
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      JOURNEY_PULUMI_ROOT: this.root,
      PATH: `${path.join(this.root, "bin")}:${process.env.PATH}`,
    };
    live.add(this);
  }

  /** The environment the journey CLI or library gets: the caller's, plus this sandbox. */
  processEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { ...process.env, ...this.env, ...extra };
  }

  command(): Promise<PulumiCommand> {
    return PulumiCommand.get({ root: this.root });
  }

  /**
   * A program folder in the sandbox: `Pulumi*.yaml` files copied (stack files are written to), the
   * rest linked to the repository (Node follows the links, so imports resolve from where the source is).
   */
  stage(name: string, source: string, link: string[] = []): string {
    const dir = path.join(this.dir, name);
    fs.mkdirSync(dir);
    for (const entry of fs.readdirSync(source)) {
      const from = path.join(source, entry);
      if (/^Pulumi(\..+)?\.yaml$/.test(entry)) fs.copyFileSync(from, path.join(dir, entry));
      else if (fs.statSync(from).isFile()) fs.symlinkSync(from, path.join(dir, entry));
    }
    for (const entry of ["node_modules", ...link]) fs.symlinkSync(path.join(REPO, entry), path.join(dir, entry));
    return dir;
  }

  /** Runs the pinned CLI in `cwd`, `input` on its stdin. */
  cli(args: string[], cwd: string, options: { input?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
    return run(
      path.join(this.root, "bin", "pulumi"),
      [...args, "--non-interactive"],
      cwd,
      { ...this.processEnv(), ...options.env },
      options.input,
    );
  }

  /** Every file of the state backend, concatenated: what an auditor of the state would read. */
  stateText(): string {
    return readTree(path.join(this.dir, "state"));
  }

  dispose(): void {
    live.delete(this);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = track(spawn(command, args, { cwd, env, detached: true, stdio: ["pipe", "pipe", "pipe"] }));
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin!.end(input ?? "");
  });
}

function readTree(dir: string): string {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .map((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return readTree(full);
      return full.endsWith(".gz")
        ? require("zlib").gunzipSync(fs.readFileSync(full)).toString("utf8")
        : fs.readFileSync(full, "utf8");
    })
    .join("\n");
}
