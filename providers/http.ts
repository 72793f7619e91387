/**
 * The JSON-over-HTTP transport under the Konnect and Kuma clients: native fetch with a timeout per
 * attempt, bounded retries with exponential backoff that honour Retry-After, and errors that name
 * the request but never carry a credential.
 */

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 250, maxDelayMs: 10_000 };

export interface JsonRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  /** Sent as `Authorization: Bearer <token>`; never part of an error or log line. */
  bearerToken?: string;
  body?: unknown;
  timeoutMs: number;
  retry?: RetryPolicy;
  /** What the request is for, e.g. `Konnect control plane "crawl-cp"`: the start of every error message. */
  subject: string;
  /** Extra fetch options (e.g. a TLS dispatcher); headers here must not hold credentials. */
  init?: Omit<RequestInit, "method" | "body" | "signal">;
  /** Waits between attempts; tests pass a recorder so they need not sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** `text` for endpoints that answer a bare string (e.g. Kuma's tokens); default `json`. */
  responseType?: "json" | "text";
}

export interface JsonResponse<T> {
  status: number;
  body: T | undefined;
  headers: Headers;
}

/** A request that failed for good: a final HTTP status, an exhausted retry budget, a timeout, or a body that is not JSON. */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly method: string,
    readonly url: string,
    readonly responseBody?: unknown,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

const RETRYABLE = (status: number) => status === 429 || status >= 500;

export async function requestJson<T = unknown>(req: JsonRequest): Promise<JsonResponse<T>> {
  const retry = req.retry ?? DEFAULT_RETRY;
  const sleep = req.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const where = `${req.method} ${redactUrl(req.url)}`;
  let lastProblem = "";
  for (let attempt = 1; attempt <= retry.attempts; attempt++) {
    let response: Response;
    try {
      response = await fetch(req.url, {
        ...req.init,
        method: req.method,
        headers: {
          accept: "application/json",
          ...(req.body === undefined ? {} : { "content-type": "application/json" }),
          ...(req.bearerToken ? { authorization: `Bearer ${req.bearerToken}` } : {}),
          ...(req.init?.headers as Record<string, string> | undefined),
        },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(req.timeoutMs),
      });
    } catch (err) {
      const timedOut = (err as Error).name === "TimeoutError" || (err as Error).name === "AbortError";
      lastProblem = timedOut ? `no answer within ${req.timeoutMs} ms` : `connection failed (${(err as Error).message})`;
      if (attempt < retry.attempts) {
        await sleep(backoff(retry, attempt));
        continue;
      }
      throw new HttpError(
        `${req.subject}: ${where}: ${lastProblem} after ${attempt} attempt(s)`,
        undefined,
        req.method,
        req.url,
      );
    }

    const text = await response.text();
    let body: unknown;
    if (text.length > 0 && req.responseType === "text") {
      body = text;
    } else if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        if (response.ok) {
          // The body stays out of the message: an unexpected body can carry a credential.
          throw new HttpError(
            `${req.subject}: ${where}: answered ${response.status} with a body that is not JSON`,
            response.status,
            req.method,
            req.url,
            text,
          );
        }
        body = text;
      }
    }

    if (RETRYABLE(response.status) && attempt < retry.attempts) {
      lastProblem = `HTTP ${response.status}`;
      await sleep(retryAfterMs(response.headers.get("retry-after")) ?? backoff(retry, attempt));
      continue;
    }
    if (RETRYABLE(response.status)) {
      throw new HttpError(
        `${req.subject}: ${where}: HTTP ${response.status} after ${attempt} attempt(s)${detail(body)}`,
        response.status,
        req.method,
        req.url,
        body,
      );
    }
    return { status: response.status, body: body as T, headers: response.headers };
  }
  throw new HttpError(`${req.subject}: ${where}: ${lastProblem}`, undefined, req.method, req.url);
}

/** Milliseconds to wait for a Retry-After header given in seconds or as an HTTP date. */
function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function backoff(retry: RetryPolicy, attempt: number): number {
  return Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
}

/** The server's own message, if it sent one, for an error line. */
export function detail(body: unknown): string {
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    const message = b.detail ?? b.message ?? b.title;
    if (typeof message === "string") return `: ${message}`;
  }
  return typeof body === "string" && body.length > 0 ? `: ${body.slice(0, 200)}` : "";
}

function redactUrl(url: string): string {
  const u = new URL(url);
  u.username = "";
  u.password = "";
  return u.toString();
}
