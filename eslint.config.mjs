// The linter `npm test` runs: ESLint's and typescript-eslint's recommended rules, without type
// information (the type-check runs beside it) so that it stays fast.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", ".peers/", "test-artifacts/", "test/fixtures/"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  {
    rules: {
      // Deliberate lazy loads: the CLI's progress bars and Kuma's TLS agent load only when used;
      // the SDK's runtime internals are reached where the SDK exports no public path.
      "@typescript-eslint/no-require-imports": [
        "error",
        { allow: ["^cli-progress$", "^undici$", "^@pulumi/pulumi/runtime/"] },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  // Plain Node scripts (bin/, peers/, bench/, the mocha reporter) are CommonJS.
  {
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  { files: ["server/public/**"], languageOptions: { sourceType: "script", globals: globals.browser } },
  // Tests reach into loosely typed payloads (JSON bodies, YAML documents) and load modules afresh on purpose.
  {
    files: ["test/**", "bench/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-require-imports": "off" },
  },
);
