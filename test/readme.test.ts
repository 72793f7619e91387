import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { buildCli } from "../cli/journey";
import { PROJECT_DIR } from "../offline/stackConfig";

/** The README's commands, as a newcomer pastes them: `journey` is not on PATH, so they go through npx. */
const README = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
const shellLines = [...README.matchAll(/```sh\n([\s\S]*?)```/g)]
  .flatMap((m) => m[1].split("\n"))
  .map((l) => l.replace(/\s+#.*$/, "").trim());
const inlineCommands = [...README.matchAll(/`((?:npx journey|npm run)[^`]*)`/g)].map((m) => m[1]);

describe("README: every command works verbatim after npm ci", () => {
  const cli = buildCli({ out: () => undefined, err: () => undefined }, () => undefined);

  it("no shell line calls a bare `journey` (nothing puts it on PATH)", () => {
    assert.deepEqual(
      shellLines.filter((l) => /^journey\b/.test(l)),
      [],
    );
  });

  it("each `npx journey …` names a command of the CLI and only its options", () => {
    const commands = [...shellLines, ...inlineCommands].filter((l) => l.startsWith("npx journey "));
    assert.ok(commands.length >= 10, commands.join("\n"));
    for (const line of commands) {
      const [name, ...words] = line.replace(/^npx journey /, "").split(/\s+/);
      if (name === "--version" || name === "…") continue;
      const command = cli.commands.find((c) => c.name() === name);
      assert.ok(command, `${line}: no command ${name}`);
      const flags = command!.options.map((o) => o.long).concat("--help");
      for (const flag of words.filter((w) => w.startsWith("--")))
        assert.ok(flags.includes(flag), `${line}: ${name} has no option ${flag}`);
    }
  });

  it("npm scripts given options are run with -s, so that their output is the command's alone", () => {
    for (const line of [...shellLines, ...inlineCommands].filter((l) => /^npm run .* -- /.test(l)))
      assert.match(line, /^npm run -s /, line);
  });
});
