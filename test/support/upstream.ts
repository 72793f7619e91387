import * as fs from "fs";
import * as path from "path";

/** ../shared/upstream next to the checkout: the published Kuma and Konnect contracts tests check against. */
export const upstreamDir = path.resolve(__dirname, "..", "..", "..", "shared", "upstream");

export function upstreamPath(...segments: string[]): string {
  return path.join(upstreamDir, ...segments);
}

export function hasUpstream(): boolean {
  return fs.existsSync(upstreamDir);
}

/** `describe` that skips, with the reason in the title, where ../shared/upstream is absent. */
export function describeWithUpstream(title: string, body: (this: Mocha.Suite) => void): void {
  if (hasUpstream()) {
    describe(title, body);
  } else {
    describe.skip(`${title} (skipped: ${upstreamDir} is absent; CI provides it)`, body);
  }
}
