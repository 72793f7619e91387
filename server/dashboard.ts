import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../offline/stackConfig";

/**
 * The dashboard's script: written in TypeScript under server/page (typed from the server's job
 * and event types, wording shared with the CLI), bundled by esbuild into one classic script.
 * `npm run build` writes it beside the compiled server (dist/server/public/app.js); run from the
 * sources, the server bundles it in memory once per process. Nothing generated is committed.
 */

/** The page's static files, beside this module: server/public, or dist/server/public once built. */
export const PUBLIC_DIR = path.join(__dirname, "public");
/** The page's entry point in the sources. */
export const PAGE_ENTRY = path.join(PROJECT_DIR, "server", "page", "main.ts");
/** The bundled script's name, as index.html loads it. */
export const PAGE_SCRIPT = "app.js";

/** The page bundled into one script (an IIFE: no module loader, no global but what it exposes). */
export async function bundlePage(entry = PAGE_ENTRY): Promise<string> {
  // Loaded only to bundle: the built package serves the script the build wrote.
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    charset: "utf8",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}

let bundled: Promise<string> | undefined;

/** The script the page loads: the build's when there is one beside the server, else bundled from the sources (cached). */
export function pageScript(publicDir = PUBLIC_DIR): Promise<string> {
  const built = path.join(publicDir, PAGE_SCRIPT);
  if (fs.existsSync(built)) return fs.promises.readFile(built, "utf8");
  if (!bundled) {
    bundled = bundlePage();
    bundled.catch(() => (bundled = undefined));
  }
  return bundled;
}

/** What `npm run build` runs once the server is compiled: the bundled page into `publicDir`. */
export async function writePageScript(publicDir: string): Promise<string> {
  const file = path.join(publicDir, PAGE_SCRIPT);
  fs.mkdirSync(publicDir, { recursive: true });
  fs.writeFileSync(file, await bundlePage());
  return file;
}
