import { JourneyError } from "../automation/journey/errors";
import type { Journey } from "../automation/journey/journey";
import type { CliContext, CommonOptions, JourneyMode } from "./context";
import { EXIT, EXIT_CODE } from "./exitCodes";
import { notifierFromConfig, notifierFromFlags } from "./notify";
import { BarsRenderer, NdjsonRenderer, PlainRenderer, Renderer } from "./renderers";

/** How a command runs a journey operation: renders its events, notifies, maps its outcome to the exit code. */

export type Execute = <T>(
  opts: CommonOptions & { quiet?: boolean },
  operation: (journey: Journey, signal: AbortSignal) => Promise<T>,
  report?: (result: T) => string,
  mode?: Partial<JourneyMode>,
) => Promise<void>;

/** A command that runs a journey operation, with the options every such command takes. */
export const journeyCommand = (ctx: CliContext, name: string, description: string) =>
  ctx.program
    .command(name)
    .description(description)
    .option(
      "--offline",
      "run on the offline engine: nothing is deployed, smoke checks are NOT RUN; stacks kept for the session in .journey/offline-state.json",
    )
    .option("--json", "print the events as NDJSON on stdout (one JSON object per line), the result last")
    .option(
      "--notify <url>",
      "post each step, gate decision and rollback as JSON to this webhook (https, or http on loopback); also JOURNEY_NOTIFY_URL or run's secret notifyUrl",
    );

export function executor(ctx: CliContext): Execute {
  const { io, env, deps } = ctx;
  return async (opts, operation, report, mode = { session: true }) => {
    const flagged = notifierFromFlags(opts.notify, env, io);
    const journey = ctx.makeJourney({
      offline: !!opts.offline,
      interactive: ctx.interactive,
      smokeTimeoutMs: opts.checksTimeout,
      ...mode,
    });
    const notifier = flagged ?? (opts.notifyFromConfig ? await notifierFromConfig(journey, io) : undefined);
    const unnotify = notifier ? journey.subscribe(notifier.listener) : () => undefined;
    const quiet: Renderer = { onEvent: () => undefined, close: () => undefined };
    const renderer: Renderer = opts.json
      ? new NdjsonRenderer(io.out)
      : opts.quiet
        ? quiet
        : ctx.interactive
          ? new BarsRenderer(ctx.terminal)
          : new PlainRenderer(io.out);
    const unsubscribe = journey.subscribe((event) => renderer.onEvent(event));
    const cancellation = cancelOn(deps.signal, io.err);
    try {
      const result = await operation(journey, cancellation.signal);
      renderer.close();
      if (opts.json) io.out(`${JSON.stringify({ type: "result", result })}\n`);
      else if (report) io.out(report(result));
      ctx.setExit(EXIT.ok);
    } catch (err) {
      renderer.close();
      if (!(err instanceof JourneyError)) throw err;
      if (opts.json) io.err(`journey: ${err.message}\n`);
      ctx.setExit(EXIT_CODE[err.outcome]);
    } finally {
      unsubscribe();
      unnotify();
      await notifier?.flush();
      cancellation.dispose();
      await journey.dispose();
    }
  };
}

/**
 * The command's cancel signal: the caller's, or Ctrl-C/SIGTERM. A second Ctrl-C exits at once,
 * which can leave the stack locked.
 */
function cancelOn(
  external: AbortSignal | undefined,
  err: (s: string) => void,
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (external) {
    const abort = () => controller.abort();
    external.addEventListener("abort", abort);
    return { signal: controller.signal, dispose: () => external.removeEventListener("abort", abort) };
  }
  const onSignal = () => {
    if (controller.signal.aborted) {
      err("\nstopping at once: the stack may stay locked; `journey cancel <phase>` clears it\n");
      process.exit(EXIT.failed);
    }
    err("\ncancelling: the running step finishes cleanly and its state is saved (Ctrl-C again to stop at once)\n");
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
