#!/usr/bin/env node
// Runs the TypeScript CLI directly (transpile-only); type-checking is `npm run typecheck`.
const path = require("path");
require("ts-node").register({ transpileOnly: true, swc: true, project: path.join(__dirname, "..", "tsconfig.json") });
require("../cli/journey").main(process.argv).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`journey: ${err && err.message ? err.message : err}\n`);
    process.exit(1);
  },
);
