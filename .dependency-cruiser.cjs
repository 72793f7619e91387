/**
 * The layers, checked by `npm test` (test/layering.test.ts). Top to bottom:
 *
 *   bin → cli → server, policy → automation → offline        the tooling
 *   index.ts → phases → components → providers → config → render → lib   the program
 *
 * A module imports its own layer or those below it. The program never imports the tooling: the
 * tooling evaluates the program, never the reverse. lib holds pure helpers (CIDR math, YAML) that
 * import nothing of ours.
 */
const PROGRAM = "^(index\\.ts$|phases/|components/|providers/|config/|render/|lib/)";
const TOOLING = "^(bin|cli|server|policy|automation|offline)/";

/** A rule forbidding `from` to import any of `above`. */
const below = (name, from, above) => ({
  name,
  severity: "error",
  from: { path: from },
  to: { path: `^(${above.join("|")})` },
});

module.exports = {
  forbidden: [
    below("program-imports-no-tooling", PROGRAM, [TOOLING.slice(1)]),
    below("lib-imports-nothing-of-ours", "^lib/", [
      "index\\.ts$",
      "phases/",
      "components/",
      "providers/",
      "config/",
      "render/",
      TOOLING.slice(1),
    ]),
    below("render-imports-only-lib", "^render/", ["index\\.ts$", "phases/", "components/", "providers/", "config/"]),
    below("config-imports-no-client", "^config/", ["index\\.ts$", "phases/", "components/", "providers/"]),
    below("providers-sit-below-components", "^providers/", ["index\\.ts$", "phases/", "components/"]),
    below("components-sit-below-phases", "^components/", ["index\\.ts$", "phases/"]),
    below("offline-sits-below-automation", "^offline/", ["automation/", "cli/", "server/", "policy/", "bin/"]),
    below("automation-sits-below-its-users", "^automation/", ["cli/", "server/", "policy/", "bin/"]),
    below("server-and-policy-sit-below-cli", "^(server|policy)/", ["cli/", "bin/"]),
    { name: "no-cycles", severity: "error", from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist|test|bench|peers)/" },
    tsPreCompilationDeps: true,
  },
};
