import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MARKER, ResourceChange } from "../../automation/planDiff";
import { PROJECT_DIR } from "../../offline/stackConfig";

/**
 * `journey plan --diff-base` end to end, moved here from test/planDiff.test.ts (the rules and the
 * in-process CLI stay there): it copies the checkout into a throwaway repository and runs the CLI
 * twice, each run a process that checks the base out into a git worktree and plans it in a second
 * process, about 8 s of CPU, too much for `npm test`'s budget. It needs no peer.
 */
describe("plan diff (journey plan --diff-base): the base's own plan in a temporary git worktree", function () {
  this.timeout(120_000);

  it("`journey plan --diff-base HEAD` in a copy of the project: markdown and JSON, worktree removed", function () {
    // A throwaway repository holding a copy of this checkout, so that this repository's git state is never touched.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "journey-diff-repo-"));
    // The CLI's temporary folders go to a folder of this test's own: another run's never counts here.
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "journey-diff-tmp-"));
    // .peers: the real peers this tier builds (hundreds of MB), no part of the project.
    const skip = new Set(["node_modules", ".git", ".peers", "test-artifacts", "plan-out", "out"]);
    try {
      fs.cpSync(PROJECT_DIR, dir, { recursive: true, filter: (src) => !skip.has(path.basename(src)) });
      const git = (...args: string[]) =>
        execFileSync(
          "git",
          [
            "-C",
            dir,
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "commit.gpgsign=false",
            ...args,
          ],
          { encoding: "utf8" },
        );
      git("init", "-q");
      git("add", "-A");
      git("commit", "-qm", "base");
      // The pull request: one weight changed.
      const runFile = path.join(dir, "Pulumi.run.yaml");
      fs.writeFileSync(runFile, fs.readFileSync(runFile, "utf8").replace(/weight: 0/, "weight: 25"));
      fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"), "dir");
      const scratchBefore = fs.readdirSync(scratch).filter((f) => f.startsWith("journey-base-")).length;

      const journey = (...args: string[]) =>
        spawnSync(process.execPath, [path.join(dir, "bin", "journey.js"), "plan", ...args], {
          cwd: dir,
          env: { ...process.env, TMPDIR: scratch },
          encoding: "utf8",
          timeout: 120_000,
        });
      const markdown = journey("--diff-base", "HEAD");
      assert.equal(markdown.status, 0, markdown.stderr);
      assert.match(markdown.stderr, /checking out HEAD \([0-9a-f]{12}\) into a temporary worktree/);
      assert.ok(markdown.stdout.startsWith(MARKER), markdown.stdout.slice(0, 200));
      assert.match(
        markdown.stdout,
        /\| crawl \| 0 \| 0 \| 0 \| 0 \| \d+ \|\n\| walk \| 0 \| 0 \| 0 \| 0 \| \d+ \|\n\| run \| 0 \| 0 \| 0 \| 1 \| 4 \|/,
      );
      assert.match(markdown.stdout, /kmj-cutover-disputes-route\*\*: update in place/);

      const json = journey("--diff-base", "HEAD", "--json");
      assert.equal(json.status, 0, json.stderr);
      const doc = JSON.parse(json.stdout);
      assert.equal(doc.base.ref, "HEAD");
      assert.equal(doc.base.commit, git("rev-parse", "HEAD").trim());
      assert.deepEqual(
        doc.phases
          .find((p: { phase: string }) => p.phase === "run")
          .changed.map((c: ResourceChange) => [c.name, c.kind]),
        [["kmj-cutover-disputes-route", "update"]],
      );

      assert.equal(git("worktree", "list").trim().split("\n").length, 1, "the temporary worktree is gone");
      assert.equal(
        fs.readdirSync(scratch).filter((f) => f.startsWith("journey-base-")).length,
        scratchBefore,
        "and its folder",
      );
      // The change under review and the test's own node_modules link, nothing else.
      assert.deepEqual(
        git("status", "--porcelain").trimEnd().split("\n"),
        [" M Pulumi.run.yaml", "?? node_modules"],
        "the checkout is as it was",
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
});
