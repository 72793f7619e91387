import * as fs from "fs";
import * as path from "path";
import { InvalidArgumentError, Option } from "commander";
import { parseDuration } from "../automation/journey/clock";
import { formatDuration } from "../automation/journey/wording";
import { UsageError } from "../automation/journey/errors";
import { parseSteps, validateBake } from "../automation/journey/migrations";

/** Option parsers of the `journey` command: a bad value is exit 2 with the flag, the value and what is allowed. */

/** An option parser from a parser that throws: its message becomes the flag's (exit 2). */
function optionParser<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}

export const durationOption = optionParser(parseDuration);
export const bakeOption = optionParser((value) => validateBake(parseDuration(value)));
export const stepsOption = optionParser(parseSteps);

export function portOption(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535)
    throw new InvalidArgumentError("must be a TCP port from 0 to 65535");
  return Number(value);
}

/** A duration option whose default the help shows as written (`5m`), not in milliseconds. */
export function durationFlag(
  flags: string,
  description: string,
  parse: (value: string) => number,
  fallback?: string,
): Option {
  const option = new Option(flags, description).argParser(parse);
  return fallback === undefined
    ? option
    : option.default(parseDuration(fallback), formatDuration(parseDuration(fallback)));
}

/**
 * `plan --out`: the folder is created (one level at a time: Node's recursive mkdir never returns
 * under /proc) and written to once before the plan runs, so a bad folder fails at once.
 */
export function ensureWritableFolder(dir: string): void {
  const target = path.resolve(dir);
  const missing: string[] = [];
  let existing = target;
  while (!fs.existsSync(existing)) {
    missing.unshift(existing);
    existing = path.dirname(existing);
  }
  const refuse = (why: string) => {
    throw new UsageError(`--out ${dir}: ${why}; choose a folder you can write to`);
  };
  if (!fs.statSync(existing).isDirectory()) refuse(`${existing} is not a folder`);
  try {
    for (const folder of missing) fs.mkdirSync(folder);
    const probe = path.join(target, `.journey-write-check-${process.pid}`);
    fs.writeFileSync(probe, "");
    fs.rmSync(probe);
  } catch (err) {
    refuse(`cannot write there (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
