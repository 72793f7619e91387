import { CliDeps, main } from "../../cli/journey";

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/**
 * `journey <args>` in this process, its stdout and stderr collected. By default with an empty
 * environment and a terminal that is not one (no bars); `deps` overrides either.
 */
export async function runJourney(args: string[], deps: CliDeps = {}): Promise<CliRun> {
  let out = "";
  let err = "";
  const io = { out: (s: string) => void (out += s), err: (s: string) => void (err += s) };
  const code = await main(["node", "journey", ...args], io, { env: {}, terminal: { write: () => true }, ...deps });
  return { code, out, err };
}
