#!/usr/bin/env node
// Runs the CLI from dist/ (compiled by `npm ci` / `npm run build`) while that is newer than every
// source file; otherwise straight from the TypeScript sources through ts-node (transpile only).
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
// V8's compiled code of every module, kept between runs: a third off the CLI's start-up. Optional:
// without a writable cache folder the CLI simply compiles as usual.
try {
  require("v8-compile-cache-lib").install({ cacheDir: path.join(root, "node_modules", ".cache", "journey-v8") });
} catch {
  // no cache folder: compile as usual
}
const compiled = path.join(root, "dist", "cli", "journey.js");

// The dashboard's files are copied into dist/ by the build: an edit of one makes dist/ stale too.
const isPublic = (file) => file.startsWith(path.join(root, "server", "public") + path.sep);

function newestSource(dir, newest = 0) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist" || entry.name.startsWith(".")) continue;
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = newestSource(file, newest);
    else if (entry.name.endsWith(".ts") || isPublic(file)) newest = Math.max(newest, fs.statSync(file).mtimeMs);
  }
  return newest;
}

function cliModule() {
  const sourceDirs = [
    "cli",
    "server",
    "policy",
    "automation",
    "offline",
    "phases",
    "components",
    "providers",
    "config",
    "render",
    "lib",
  ];
  if (fs.existsSync(compiled)) {
    const builtAt = fs.statSync(compiled).mtimeMs;
    const newest = sourceDirs.reduce(
      (n, d) => (fs.existsSync(path.join(root, d)) ? newestSource(path.join(root, d), n) : n),
      0,
    );
    if (newest <= builtAt) return require(compiled);
  }
  require("ts-node").register({ transpileOnly: true, swc: true, project: path.join(root, "tsconfig.json") });
  return require("../cli/journey");
}

// Exit only once stdout and stderr are flushed: a pipe (`journey plan --json | jq`) is written asynchronously.
const exitWhenFlushed = (code) => process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
cliModule()
  .main(process.argv)
  .then(exitWhenFlushed, (err) => {
    process.stderr.write(`journey: ${err && err.message ? err.message : err}\n`);
    exitWhenFlushed(1);
  });
