import { Argument, Command } from "commander";
import { PHASES, Phase } from "../config/schema";
import type { Journey } from "../automation/journey/journey";
import type { OfflineEngineOptions } from "../automation/engines/offline";
import type { Io } from "./reports";
import type { TerminalStream } from "./renderers";

/** What every `journey` command is built from: the program, its output, and how it makes a journey. */

export interface JourneyMode {
  offline: boolean;
  /** Offline, keep the stacks in the session's file from one command to the next (plan and rehearse start afresh). */
  session?: boolean;
  /** A person at a terminal: Ctrl-C reaches the Pulumi CLI directly. */
  interactive: boolean;
  smokeTimeoutMs?: number;
}

export interface CliDeps {
  /** Builds the journey a command runs on (tests substitute engines and smoke runners here). */
  journey?: (mode: JourneyMode) => Journey;
  env?: NodeJS.ProcessEnv;
  /** Where progress bars draw; bars only when it is a terminal and not CI. Defaults to stderr. */
  terminal?: TerminalStream;
  /** Cancels the running command; defaults to Ctrl-C (SIGINT) and SIGTERM. */
  signal?: AbortSignal;
  /** The phases the project has stacks for; defaults to the Pulumi.<phase>.yaml files present. */
  phases?: Phase[];
  /** The offline engine's program and stack files (tests), where `journey` is not given. */
  offlineEngine?: OfflineEngineOptions;
}

/** The options every journey operation's command takes. */
export interface CommonOptions {
  offline?: boolean;
  json?: boolean;
  checksTimeout?: number;
  notify?: string;
  /** Read run's secret notifyUrl when neither --notify nor JOURNEY_NOTIFY_URL names a webhook. */
  notifyFromConfig?: boolean;
}

/** One CLI invocation, as its commands see it. */
export interface CliContext {
  program: Command;
  io: Io;
  setExit: (code: number) => void;
  deps: CliDeps;
  env: NodeJS.ProcessEnv;
  terminal: TerminalStream;
  /** A person at a terminal (not CI): progress bars, Ctrl-C straight to the Pulumi CLI. */
  interactive: boolean;
  makeJourney: (mode: JourneyMode) => Journey;
}

export const phaseArgument = (description: string) => new Argument("<phase>", description).choices([...PHASES]);

export function isCi(env: NodeJS.ProcessEnv): boolean {
  return !!env.CI && env.CI !== "false" && env.CI !== "0";
}
