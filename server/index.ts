import { formatDuration } from "../automation/journey/wording";
import { loadTokens, TokenConfigError } from "./auth";
import { createServer } from "./app";
import { JourneySource, offlineSource, pulumiSource } from "./sources";

export { createServer } from "./app";
export type { JourneyServer, ServerOptions } from "./app";
export { loadTokens, MIN_TOKEN_LENGTH, readTokensFile, TOKEN_ENV, TokenConfigError, tokensFromEnv } from "./auth";
export type { Caller, Role, TokenEntry } from "./auth";
export { JobManager } from "./jobs";
export type { JobView } from "./job";
export { offlineSource, pulumiSource } from "./sources";
export type { JourneySource } from "./sources";
export { topologyOf } from "./topology";

export interface ServeOptions {
  port: number;
  host: string;
  offline: boolean;
  tokensFile?: string;
  /** How long running jobs may go on after a shutdown signal before they are cancelled. */
  graceMs: number;
  env: NodeJS.ProcessEnv;
}

export interface ServeIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

/**
 * `journey serve`: runs until SIGINT/SIGTERM (or `stop`), then shuts down gracefully; a second
 * signal cancels running jobs at once (cleanly: each stops after its step in flight).
 * Resolves to the exit code.
 */
export async function serve(options: ServeOptions, io: ServeIo, stop?: AbortSignal): Promise<number> {
  let tokens;
  try {
    tokens = loadTokens({
      file: options.tokensFile,
      env: options.env,
      warn: (m) => io.err(`journey serve: warning: ${m}\n`),
    });
  } catch (err) {
    if (err instanceof TokenConfigError) {
      io.err(`journey serve: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const source: JourneySource = options.offline ? offlineSource() : pulumiSource({ env: options.env });
  const log = (line: string) => io.err(`${new Date().toISOString()} ${line}\n`);
  io.err(`journey serve: evaluating the offline plan for the dashboard...\n`);
  const server = await createServer({ source, tokens, log });
  const url = await server.listen({ port: options.port, host: options.host });
  io.out(`journey serve: listening on ${url} (${source.describe()}; ${tokens.length} token(s))\n`);
  const exposed = exposureWarning(options.host);
  if (exposed) io.err(`journey serve: warning: ${exposed}\n`);

  const first = new AbortController();
  const second = new AbortController();
  const onSignal = () => (first.signal.aborted ? second.abort() : first.abort());
  const external = () => first.abort();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  stop?.addEventListener("abort", external);
  try {
    if (stop?.aborted) first.abort();
    await new Promise<void>((resolve) => first.signal.addEventListener("abort", () => resolve(), { once: true }));
    const running = server.jobs.list().filter((j) => j.state === "running").length;
    io.err(
      `journey serve: shutting down: no new jobs${running > 0 ? `; ${running} running job(s) may finish within ${formatDuration(options.graceMs)}, then are cancelled cleanly (signal again to cancel now)` : ""}\n`,
    );
    await server.shutdown({ graceMs: options.graceMs, now: second.signal });
    io.err("journey serve: stopped\n");
    return 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    stop?.removeEventListener("abort", external);
  }
}

/** Plain HTTP is fine on loopback only; elsewhere the tokens travel in cleartext. */
export function exposureWarning(host: string): string | undefined {
  const loopback = host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
  if (loopback) return undefined;
  return `the server listens on ${host} without TLS: bearer tokens and job output cross the network in cleartext; put a TLS proxy in front of it, or listen on 127.0.0.1 (--host) behind one`;
}
