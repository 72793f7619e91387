/**
 * Where `journey` posts its notifications (`--notify`, JOURNEY_NOTIFY_URL, or run's secret
 * `notifyUrl`). Webhook URLs often carry a token in their path, so they are shown by origin only.
 */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** Why `url` is no webhook URL the journey posts to, or undefined when it is one. */
export function webhookUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not a URL; allowed: an https URL (or http on 127.0.0.1 or localhost), e.g. https://hooks.example.com/journey";
  }
  if (parsed.protocol === "https:") return undefined;
  if (parsed.protocol === "http:" && LOOPBACK.test(parsed.hostname)) return undefined;
  return `is a ${parsed.protocol.replace(/:$/, "")} URL to ${parsed.hostname || "no host"}; allowed: https (events and the URL's token would cross the network in clear), or http on 127.0.0.1 or localhost`;
}

/** A webhook URL as it may be printed: scheme, host and port, never user info, path or query. */
export function webhookOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "[an unparsable URL]";
  }
}
