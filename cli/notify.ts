import type { Journey } from "../automation/journey/journey";
import { WebhookNotifier } from "../automation/journey/notify";
import { webhookUrlProblem } from "../config/webhook";
import type { Io } from "./reports";

/** The webhook a command notifies: `--notify`, else JOURNEY_NOTIFY_URL; a bad one is refused before anything runs. */
export function notifierFromFlags(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  io: Io,
): WebhookNotifier | undefined {
  const url = flag ?? (env.JOURNEY_NOTIFY_URL || undefined);
  return url === undefined ? undefined : new WebhookNotifier(url, { onFailure: warn(io) });
}

/** Else run's secret `notifyUrl`; one that cannot be used is a warning, never a failure. */
export async function notifierFromConfig(journey: Journey, io: Io): Promise<WebhookNotifier | undefined> {
  const url = await journey.notifyUrl();
  if (url === undefined) return undefined;
  const problem = webhookUrlProblem(url);
  if (problem) {
    warn(io)(`run's notifyUrl [secret, not shown] ${problem}; no notifications are sent`);
    return undefined;
  }
  return new WebhookNotifier(url, { onFailure: warn(io) });
}

const warn = (io: Io) => (message: string) => io.err(`journey: warning: ${message}\n`);
