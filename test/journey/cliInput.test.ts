import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { CliDeps } from "../../cli/journey";
import { runJourney } from "../support/cli";
import { fakeProgram, fakeStackFiles } from "./support/fakeProgram";

const journey = runJourney;

/** Each bad command line and what it must say; every one exits 2 before anything runs. */
const BAD_INPUT: Array<[args: string[], message: RegExp]> = [
  [
    ["shift", "disputes", "--steps", "50,25"],
    /option '--steps <percentages>' argument '50,25' is invalid\. steps must rise, each above the one before; got 50,25 \(25 after 50\); e\.g\. 10,25,50,100/,
  ],
  [
    ["shift", "disputes", "--steps", "10,10"],
    /argument '10,10' is invalid\. steps must rise, each above the one before; got 10,10 \(10 after 10\)/,
  ],
  [
    ["shift", "disputes", "--steps", "10,abc"],
    /argument '10,abc' is invalid\. steps must be whole percentages separated by commas/,
  ],
  [
    ["shift", "disputes", "--steps", "10,150"],
    /argument '10,150' is invalid\. steps must be whole percentages from 0 to 100; got 150/,
  ],
  [
    ["shift", "disputes", "--steps", "10", "--bake", "25h"],
    /option '--bake <duration>' argument '25h' is invalid\. the bake time must be at most 24h; got 25h/,
  ],
  [
    ["shift", "disputes", "--steps", "10", "--bake", "soon"],
    /argument 'soon' is invalid\. "soon" is not a duration; use e\.g\. 30s, 5m, 1h or 1m30s/,
  ],
  [["rehearse", "--bake", "48h"], /argument '48h' is invalid\. the bake time must be at most 24h; got 48h/],
  [["rehearse", "--steps", "100,50"], /argument '100,50' is invalid\. steps must rise/],
  [
    ["plan", "--out", "/proc/x"],
    /journey: --out \/proc\/x: cannot write there \(ENOENT\); choose a folder you can write to/,
  ],
  [["plan", "--out", "/proc/x/y/z"], /journey: --out \/proc\/x\/y\/z: cannot write there \(ENOENT\)/],
  [
    ["plan", "--out", __filename],
    /--out .*cliInput\.test\.ts: .*cliInput\.test\.ts is not a folder; choose a folder you can write to/,
  ],
  [["up", "sprint"], /value 'sprint' is invalid for argument 'phase'\. Allowed choices are crawl, walk, run/],
  [["serve", "--port", "70000"], /argument '70000' is invalid\. must be a TCP port from 0 to 65535/],
];

describe("journey CLI: bad input is refused before anything runs (exit 2, naming the flag, the value and what is allowed)", function () {
  this.timeout(10_000);
  const nothingRuns: CliDeps = {
    journey: () => {
      throw new Error("no journey may be built for bad input");
    },
  };

  for (const [args, message] of BAD_INPUT) {
    it(`journey ${args.join(" ")}`, async () => {
      const started = Date.now();
      const { code, err } = await journey(args, nothingRuns);
      assert.equal(code, 2, err);
      assert.match(err, message);
      assert.ok(Date.now() - started < 5_000, "refused at once");
    });
  }
});

describe("journey CLI: --offline keeps the session's stacks in a local file", function () {
  this.timeout(20_000);
  let dir: string;
  let deps: CliDeps;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "journey-session-"));
    deps = {
      env: { JOURNEY_OFFLINE_STATE: path.join(dir, "state.json") },
      offlineEngine: { program: fakeProgram(), stackFiles: fakeStackFiles() },
    };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("walks the journey command by command; destroy leaves nothing behind", async () => {
    const file = path.join(dir, "state.json");
    assert.equal((await journey(["up", "crawl", "--offline"], deps)).code, 0);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, "the state is the user's alone");
    const walk = await journey(["up", "walk", "--offline"], deps);
    assert.equal(walk.code, 0, walk.out);
    assert.match(walk.out, /gate crawl -> walk: UNVERIFIED: crawl is deployed/);
    assert.match(walk.out, new RegExp(`state kept for this session in ${file.replace(/[.]/g, "\\.")}`));
    assert.equal((await journey(["up", "run", "--offline"], deps)).code, 0);
    assert.equal((await journey(["shift", "disputes", "--steps", "10,25", "--bake", "1m", "--offline"], deps)).code, 0);

    const back = await journey(["shift", "disputes", "--steps", "10", "--offline"], deps);
    assert.equal(back.code, 2);
    assert.match(
      back.out,
      /disputes is at 25%: a shift's steps must rise above that, but 10 starts at 10% \(a shift never moves traffic back; `journey rollback` does\); e\.g\. --steps 50,100/,
    );

    const status = await journey(["status", "--offline"], deps);
    assert.match(status.out, /crawl {2}deployed/);
    assert.match(status.out, /weights disputes 25%/);
    assert.match((await journey(["rollback", "--offline"], deps)).out, /disputes is back at 10% \(was 25%\)/);
    assert.equal((await journey(["destroy", "--offline"], deps)).code, 0);
    assert.equal(fs.existsSync(file), false, "a destroyed journey starts afresh");
    assert.match((await journey(["status", "--offline"], deps)).out, /next: `journey up crawl`/);
  });

  it("plan and rehearse never touch the session", async () => {
    assert.equal((await journey(["up", "crawl", "--offline"], deps)).code, 0);
    const before = fs.readFileSync(path.join(dir, "state.json"), "utf8");
    assert.equal((await journey(["rehearse"], { ...deps, phases: ["crawl", "walk", "run"] })).code, 0);
    assert.equal(fs.readFileSync(path.join(dir, "state.json"), "utf8"), before);
  });
});
