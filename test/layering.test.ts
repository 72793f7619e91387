import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as ts from "typescript";
import { PROJECT_DIR } from "../offline/stackConfig";

type Cruise = typeof import("dependency-cruiser").cruise;
// dependency-cruiser is an ES module; this keeps TypeScript's CommonJS output from turning import() into require().
const importEsm = new Function("specifier", "return import(specifier)") as (
  specifier: string,
) => Promise<{ cruise: Cruise }>;

const LAYERS = require(path.join(PROJECT_DIR, ".dependency-cruiser.cjs"));
// What the build compiles (tsconfig.build.json's include), and bin/, which loads it: a folder the build gains is checked too.
const SOURCES = [...buildIncludes(), "bin"];

function buildIncludes(): string[] {
  const file = path.join(PROJECT_DIR, "tsconfig.build.json");
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, "\n"));
  return config.include;
}

async function violations(baseDir: string, sources: string[]): Promise<string[]> {
  const { cruise } = await importEsm("dependency-cruiser");
  const result = await cruise(sources, { ruleSet: LAYERS, ...LAYERS.options, baseDir, validate: true });
  if (typeof result.output === "string") throw new Error(result.output);
  return result.output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

describe("layers (.dependency-cruiser.cjs)", function () {
  this.timeout(60_000);

  it("no module imports a layer above its own", async () => {
    assert.deepEqual(await violations(PROJECT_DIR, SOURCES), []);
  });

  it("refuses a renderer that imports the tooling", async () => {
    const fixture = path.join(PROJECT_DIR, "test/fixtures/layering");
    assert.deepEqual(await violations(fixture, ["render", "automation"]), [
      "program-imports-no-tooling: render/leak.ts → automation/journey.ts",
    ]);
  });
});
