/**
 * `npm run bench`: times the offline plan per phase against the time node takes just to load the
 * SDK and provider packages the program imports, both as fresh processes, median of several runs.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { availablePhases } from "../offline/stackConfig";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ROOT = path.resolve(__dirname, "..");

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeProcess(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${run.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function measure(label: string, args: string[]): number {
  const times = Array.from({ length: RUNS }, () => timeProcess(args));
  const m = median(times);
  console.log(
    `${label.padEnd(34)} median ${m.toFixed(0).padStart(5)} ms   (runs: ${times.map((t) => t.toFixed(0)).join(", ")})`,
  );
  return m;
}

/** The files of the @pulumi packages that one whole offline plan loads. */
function pulumiModulesThePlanLoads(): string[] {
  const record = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-")), "modules.json");
  timeProcess(["--require", "./bench/recordPulumiModules.js", "bin/journey.js", "plan", "--json"], {
    ...process.env,
    RECORD_MODULES_TO: record,
  });
  const modules = JSON.parse(fs.readFileSync(record, "utf8")) as string[];
  fs.rmSync(path.dirname(record), { recursive: true, force: true });
  return modules;
}

// The CLI runs from dist/ (built by `npm ci`) with V8's compile cache; build it as npm ci would, so that
// the figures are those of a fresh install, not of the ts-node fallback for edited sources.
console.log("building dist/ (tsc -p tsconfig.build.json, as `npm ci` does)");
const build = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
  cwd: ROOT,
  encoding: "utf8",
});
if (build.status !== 0) throw new Error(`the build failed:\n${build.stdout}${build.stderr}`);
const modules = pulumiModulesThePlanLoads();
console.log(
  `the offline plan loads ${modules.length} files of the @pulumi packages; the baseline loads exactly those\n`,
);
const load = measure("load SDK + provider packages", [
  "-e",
  modules.map((m) => `require(${JSON.stringify(m)});`).join(""),
]);
for (const phase of availablePhases())
  measure(`offline plan up to ${phase}`, ["bin/journey.js", "plan", "--phase", phase, "--json"]);
const whole = measure("offline plan, all phases", ["bin/journey.js", "plan", "--json"]);
const ratio = whole / load;
console.log(
  `\nwhole offline plan / package load = ${ratio.toFixed(2)}x (target <= 1.5x): ${ratio <= 1.5 ? "met" : "NOT met"}`,
);

// The orchestrator against the offline engine, both in one process (bench/journey.bench.ts).
const journeyBench = spawnSync(process.execPath, ["--require", "ts-node/register", "bench/journey.bench.ts"], {
  cwd: ROOT,
  stdio: "inherit",
});
if (journeyBench.status !== 0) process.exit(journeyBench.status ?? 1);
