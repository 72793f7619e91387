#!/usr/bin/env node
// Runs the TypeScript CLI directly (transpile-only); type-checking is `npm run typecheck`.
const path = require("path");
require("ts-node").register({ transpileOnly: true, swc: true, project: path.join(__dirname, "..", "tsconfig.json") });
// Exit only once stdout and stderr are flushed: a pipe (`journey plan --json | jq`) is written asynchronously.
const exitWhenFlushed = (code) => process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
require("../cli/journey").main(process.argv).then(exitWhenFlushed, (err) => {
  process.stderr.write(`journey: ${err && err.message ? err.message : err}\n`);
  exitWhenFlushed(1);
});
