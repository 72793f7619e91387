import type { CliContext } from "../context";
import { durationFlag, durationOption, portOption } from "../options";

interface ServeFlags {
  port: number;
  host: string;
  offline?: boolean;
  tokensFile?: string;
  grace: number;
}

/** `journey serve`: the portal API and the dashboard (server/), loaded only when asked for. */
export function addServeCommand(ctx: CliContext): void {
  ctx.program
    .command("serve")
    .description(
      "HTTP API for portals and a web dashboard: phases and their status, jobs (preview, up, shift, rollback) with live events (SSE), bearer-token auth",
    )
    .option("--port <port>", "TCP port (0: any free port)", portOption, 8080)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option(
      "--offline",
      "serve the offline engine: state lives as long as the server, nothing is deployed (demos, tests)",
    )
    .option(
      "--tokens-file <file>",
      "YAML/JSON secret file: tokens: [{name, role: operator|read-only, token}] (or JOURNEY_API_TOKENS_FILE; JOURNEY_OPERATOR_TOKENS / JOURNEY_READONLY_TOKENS add comma-separated tokens)",
    )
    .addOption(
      durationFlag(
        "--grace <duration>",
        "on SIGTERM/Ctrl-C, how long running jobs may finish before they are cancelled cleanly",
        durationOption,
        "5m",
      ),
    )
    .action(async (opts: ServeFlags) => {
      const { serve } = await import("../../server");
      ctx.setExit(
        await serve(
          {
            port: opts.port,
            host: opts.host,
            offline: !!opts.offline,
            tokensFile: opts.tokensFile,
            graceMs: opts.grace,
            env: ctx.env,
          },
          ctx.io,
          ctx.deps.signal,
        ),
      );
    });
}
