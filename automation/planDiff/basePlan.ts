/** The base side of a plan diff: its own offline plan, evaluated in a temporary git worktree. */
import { execFile, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { PROJECT_DIR } from "../../offline/stackConfig";
import type { PlanDocument } from "./document";

const run = promisify(execFile);

export interface BasePlanOptions {
  /** A commit-ish: a branch, a tag, a SHA, `origin/main`, `HEAD~1`. */
  ref: string;
  /** The project (a git work tree, or a folder inside one); defaults to this repository. */
  projectDir?: string;
  log?: (line: string) => void;
  /** How long the base's plan may take (default 5 minutes). */
  timeoutMs?: number;
}

export interface BasePlan {
  plan: PlanDocument;
  /** The commit the ref resolved to. */
  commit: string;
}

export class BasePlanError extends Error {
  constructor(
    message: string,
    /** The end of the base plan's stderr. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = "BasePlanError";
  }
}

/** A git ref as this command accepts it: no option-like or whitespace-laden text ever reaches git's argv. */
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const REF = /^(?!-)[^\s\x00-\x1f\x7f~^:?*[\\]+([~^]\d*)*$/;

/** Why `ref` is not accepted as a base, or undefined when it is. */
export function refProblem(ref: string): string | undefined {
  return ref.length > 200 || !REF.test(ref)
    ? `"${ref}" is not a git ref this command accepts (a branch, tag, SHA or e.g. origin/main, HEAD~1)`
    : undefined;
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run("git", ["-C", cwd, ...args], {
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" },
  });
  return stdout.trim();
}

/**
 * The base's own offline plan: the ref checked out into a temporary git worktree, this project's
 * node_modules linked into it, and its `bin/journey.js plan --json` run there (its program, its
 * stack files). The worktree is removed afterwards, whatever happened.
 */
export async function basePlan(options: BasePlanOptions): Promise<BasePlan> {
  const log = options.log ?? (() => undefined);
  const projectDir = path.resolve(options.projectDir ?? PROJECT_DIR);
  const problem = refProblem(options.ref);
  if (problem) throw new BasePlanError(problem);
  let top: string;
  let prefix: string;
  try {
    top = await git(projectDir, ["rev-parse", "--show-toplevel"]);
    prefix = await git(projectDir, ["rev-parse", "--show-prefix"]);
  } catch (err) {
    throw new BasePlanError(`${projectDir} is not in a git work tree (git: ${firstLine(err)})`);
  }
  let commit: string;
  try {
    commit = await git(top, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${options.ref}^{commit}`]);
  } catch {
    throw new BasePlanError(
      `git knows no commit ${options.ref} here; fetch it first (in CI: actions/checkout with fetch-depth: 0)`,
    );
  }

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "journey-base-"));
  const tree = path.join(scratch, "tree");
  const baseProject = path.join(tree, prefix);
  const link = path.join(baseProject, "node_modules");
  let linked = false;
  let added = false;
  try {
    log(`checking out ${options.ref} (${commit.slice(0, 12)}) into a temporary worktree...\n`);
    await git(top, ["worktree", "add", "--detach", "--quiet", tree, commit]);
    added = true;
    const cli = path.join(baseProject, "bin", "journey.js");
    if (!fs.existsSync(cli))
      throw new BasePlanError(
        `${options.ref} has no ${path.join(prefix, "bin/journey.js")}: its offline plan cannot be evaluated`,
      );
    if (!fs.existsSync(link)) {
      fs.symlinkSync(path.join(projectDir, "node_modules"), link, "dir");
      linked = true;
    }
    log(`evaluating the offline plan of ${options.ref}...\n`);
    const plan = await runBasePlan(
      process.execPath,
      [cli, "plan", "--json"],
      baseProject,
      path.join(scratch, "plan.json"),
      options.timeoutMs ?? 5 * 60_000,
    );
    return { plan, commit };
  } finally {
    if (linked) fs.rmSync(link, { force: true });
    if (added) await git(top, ["worktree", "remove", "--force", tree]).catch(() => undefined);
    fs.rmSync(scratch, { recursive: true, force: true });
    if (added) await git(top, ["worktree", "prune"]).catch(() => undefined);
  }
}

/** Runs the base's CLI with its stdout in a file (a pipe can lose the end of a large document at exit). */
function runBasePlan(
  node: string,
  args: string[],
  cwd: string,
  outFile: string,
  timeoutMs: number,
): Promise<PlanDocument> {
  const out = fs.openSync(outFile, "w");
  return new Promise<PlanDocument>((resolve, reject) => {
    let stderr = "";
    const child = spawn(node, args, {
      cwd,
      stdio: ["ignore", out, "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
      timeout: timeoutMs,
      killSignal: "SIGKILL",
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    child.on("error", (err) => reject(new BasePlanError(`could not run the base's plan: ${err.message}`)));
    child.on("close", (code, signal) => {
      fs.closeSync(out);
      if (code !== 0) {
        reject(
          new BasePlanError(
            `the base's offline plan failed (${signal ? `killed by ${signal}` : `exit ${code}`})`,
            stderr.trim(),
          ),
        );
        return;
      }
      try {
        const doc = JSON.parse(fs.readFileSync(outFile, "utf8"));
        if (doc?.mode !== "offline" || !Array.isArray(doc.phases)) throw new Error("not an offline plan document");
        resolve(doc as PlanDocument);
      } catch (err) {
        reject(new BasePlanError(`the base's plan printed no plan document: ${(err as Error).message}`, stderr.trim()));
      }
    });
  });
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  return (e.stderr || e.message || String(err)).trim().split("\n")[0];
}
