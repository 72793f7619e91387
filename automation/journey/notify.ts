import { webhookOrigin, webhookUrlProblem } from "../../config/webhook";
import { UsageError } from "./errors";
import type { JourneyEvent } from "./events";

/** Events a webhook hears: each step, each gate decision, each rollback, and how the operation ended. */
export const NOTIFIED_EVENTS: ReadonlySet<JourneyEvent["type"]> = new Set<JourneyEvent["type"]>([
  "operation-started",
  "weight",
  "early-access",
  "gate",
  "metric-gate",
  "summary",
]);

/** The JSON body of each post. `text` is one line for chat webhooks; `event` is the journey event itself. */
export interface Notification {
  source: "cloud-migration-journey";
  text: string;
  event: JourneyEvent;
}

export interface NotifierOptions {
  /** Per post; a slow receiver never holds the journey up for longer. */
  timeoutMs?: number;
  /** Told of each failed post; the journey carries on. The URL appears by origin only. */
  onFailure?: (message: string) => void;
  post?: (url: string, body: string, signal: AbortSignal) => Promise<{ status: number }>;
}

/**
 * Posts journey events to a webhook, in order, one at a time. Listening never throws and never
 * waits: failures go to `onFailure`; `flush()` waits for what is still queued.
 */
export class WebhookNotifier {
  private queue: Promise<void> = Promise.resolve();
  private readonly timeoutMs: number;
  private readonly post: NonNullable<NotifierOptions["post"]>;
  readonly origin: string;
  failures = 0;
  sent = 0;

  constructor(
    private readonly url: string,
    private readonly options: NotifierOptions = {},
  ) {
    const problem = webhookUrlProblem(url);
    if (problem) throw new UsageError(`--notify ${webhookOrigin(url)}...: ${problem}`);
    this.origin = webhookOrigin(url);
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.post = options.post ?? fetchPost;
  }

  readonly listener = (event: JourneyEvent): void => {
    if (!NOTIFIED_EVENTS.has(event.type)) return;
    const body = JSON.stringify({
      source: "cloud-migration-journey",
      text: describeNotification(event),
      event,
    } satisfies Notification);
    this.queue = this.queue.then(() => this.send(event.type, body));
  };

  /** Waits for the queued posts (each bounded by `timeoutMs`). */
  flush(): Promise<void> {
    return this.queue;
  }

  private async send(type: string, body: string): Promise<void> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const { status } = await this.post(this.url, body, controller.signal);
      if (status < 200 || status >= 300) throw new Error(`HTTP ${status}`);
      this.sent++;
    } catch (err) {
      this.failures++;
      const why = controller.signal.aborted ? `no answer within ${this.timeoutMs} ms` : reason(err);
      this.options.onFailure?.(`could not notify ${this.origin} of ${type}: ${why}; the journey carries on`);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The failure in words, without the URL (fetch's errors may quote it, with its token). */
function reason(err: unknown): string {
  const e = err as Error & { cause?: { code?: string } };
  if (e?.cause?.code) return e.cause.code;
  return /^HTTP \d+$/.test(e?.message ?? "") ? e.message : (e?.name ?? "error");
}

async function fetchPost(url: string, body: string, signal: AbortSignal): Promise<{ status: number }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    signal,
    redirect: "error",
  });
  await response.arrayBuffer().catch(() => undefined);
  return { status: response.status };
}

/** One line per event, for people reading a chat channel. */
export function describeNotification(event: JourneyEvent): string {
  switch (event.type) {
    case "operation-started":
      return `started: ${event.command}`;
    case "weight":
      return `${event.migration}: weight ${event.from}% -> ${event.to}% (${event.reason})`;
    case "early-access":
      return `${event.migration}: early access ${event.enabled ? "on" : "off"} for ${event.header} (${event.reason})`;
    case "metric-gate":
      return `${event.migration} at ${event.weight}%: metric gates ${event.verdict}: ${event.message}`;
    case "gate":
      return `gate ${event.requires} -> ${event.phase}: ${event.verdict}: ${event.reason}`;
    case "summary":
      return `${event.operation} ${event.outcome}: ${event.message}`;
    default:
      return event.type;
  }
}
