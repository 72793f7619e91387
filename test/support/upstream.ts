import * as fs from "fs";
import * as path from "path";
import { describeIf } from "./skips";

/** ../shared/upstream next to the checkout: the published Kuma and Konnect contracts tests check against. */
export const upstreamDir = path.resolve(__dirname, "..", "..", "..", "shared", "upstream");

export function upstreamPath(...segments: string[]): string {
  return path.join(upstreamDir, ...segments);
}

export function hasUpstream(): boolean {
  return fs.existsSync(upstreamDir);
}

/** A suite that checks against the published contracts in ../shared/upstream. */
export function describeWithUpstream(title: string, body: (this: Mocha.Suite) => void): void {
  describeIf(hasUpstream(), `${upstreamDir} is absent; CI provides it`, title, body);
}
