import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../../offline/stackConfig";
import { repoPlan, TOKENS } from "./support";
import { itIf } from "../support/skips";

/**
 * The CLI as `npm ci` installs it: compiled into dist/ by the `prepare` script, which runs the
 * build (tsc, then the dashboard's files copied beside the compiled server). Loaded in-process
 * from dist/, not from the sources.
 */
const DIST = path.join(PROJECT_DIR, "dist");
const built = fs.existsSync(path.join(DIST, "cli", "journey.js"));
const distIt = itIf(built, "dist/ is not built; `npm run build`");

describe("the CLI as installed (dist/, built by npm ci)", function () {
  this.timeout(30_000);

  distIt("serves the dashboard's page, bundled script and styles from dist/, as the build wrote them", async () => {
    const { createServer, offlineSource } = require(path.join(DIST, "server"));
    for (const file of ["index.html", "app.js", "app.css"]) {
      assert.ok(
        fs.existsSync(path.join(DIST, "server", "public", file)),
        `dist/server/public/${file} is missing: run \`npm run build\`, which writes it`,
      );
    }
    const built = fs.readFileSync(path.join(DIST, "server", "public", "app.js"), "utf8");
    const server = await createServer({ source: offlineSource(), tokens: TOKENS, plan: await repoPlan() });
    try {
      const url = await server.listen({ port: 0, host: "127.0.0.1" });
      for (const [route, type] of [
        ["/", /^text\/html/],
        ["/app.js", /^text\/javascript/],
        ["/app.css", /^text\/css/],
      ] as const) {
        const response = await fetch(`${url}${route}`);
        assert.equal(response.status, 200, route);
        assert.match(response.headers.get("content-type")!, type);
        // The script is the one the build wrote: the installed package needs no bundler at run time.
        if (route === "/app.js") assert.equal(await response.text(), built);
      }
    } finally {
      await server.shutdown({ graceMs: 0 });
    }
  });

  distIt("answers --version and --help from dist/", async () => {
    const { main } = require(path.join(DIST, "cli", "journey"));
    let out = "";
    const io = { out: (s: string) => void (out += s), err: () => undefined };
    assert.equal(await main(["node", "journey", "--version"], io), 0);
    assert.equal(out, `${JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).version}\n`);
    out = "";
    assert.equal(await main(["node", "journey", "serve", "--help"], io), 0);
    assert.match(out, /^Usage: journey serve/);
  });

  it("the build script copies the dashboard into dist/ and bundles its script (what `npm ci` runs through `prepare`)", () => {
    const scripts = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).scripts;
    assert.match(
      scripts.build,
      /^tsc -p tsconfig\.build\.json && .*cpSync\('server\/public', 'dist\/server\/public'.*writePageScript\('dist\/server\/public'\)/,
    );
    assert.equal(scripts.prepare, "npm run build");
  });
});
