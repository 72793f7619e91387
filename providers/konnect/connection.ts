/**
 * How a Konnect provider reaches the API where Pulumi runs it: the token and timeout read from stack
 * config in `configure` (the token never an input), and the client made from them per call.
 */
import type { dynamic } from "@pulumi/pulumi";
import { RetryPolicy } from "../http";
import { KonnectClient } from "./client";
import { konnectTokenProblem } from "../../config/konnect";
import type { KonnectLocation } from "./inputs";

export const KONNECT_TOKEN_CONFIG_KEY = "cloud-migration-journey:konnectToken";
/** The structured `konnect` settings; the provider reads `timeoutMs` from them. */
export const KONNECT_SETTINGS_CONFIG_KEY = "cloud-migration-journey:konnect";
/** Fallback for local runs when the stack config has no token. */
export const KONNECT_TOKEN_ENV = "KONNECT_TOKEN";
export const DEFAULT_KONNECT_TIMEOUT_MS = 30_000;

export interface KonnectProviderOptions {
  retry?: RetryPolicy;
  /** Waits between retries; tests pass a recorder. */
  sleep?: (ms: number) => Promise<void>;
}

export interface KonnectConnection {
  token: string;
  timeoutMs: number;
  /** Where the token came from, for the 401 message. */
  tokenSource: string;
}

/** Token and timeout from stack config (the token falling back to $KONNECT_TOKEN); throws naming the key when unusable. */
export function readKonnectConnection(
  config: dynamic.Config,
  env: Record<string, string | undefined>,
): KonnectConnection {
  const fromConfig = config.get(KONNECT_TOKEN_CONFIG_KEY);
  const token = fromConfig ?? env[KONNECT_TOKEN_ENV];
  const tokenSource = fromConfig !== undefined ? `stack config ${KONNECT_TOKEN_CONFIG_KEY}` : `$${KONNECT_TOKEN_ENV}`;
  if (token === undefined || token === "") {
    throw new Error(
      `no Konnect token: set the secret stack config key ${KONNECT_TOKEN_CONFIG_KEY} ` +
        `(pulumi config set --secret konnectToken <kpat_… or spat_…>), or export ${KONNECT_TOKEN_ENV} for a local run`,
    );
  }
  const problem = konnectTokenProblem(token);
  if (problem) throw new Error(`${problem} (from ${tokenSource})`);

  const timeoutMs = timeoutFromSettings(config.get(KONNECT_SETTINGS_CONFIG_KEY));
  return { token: token.trim(), timeoutMs, tokenSource };
}

function timeoutFromSettings(settingsJson: string | undefined): number {
  let timeoutMs: unknown;
  try {
    timeoutMs = settingsJson === undefined ? undefined : JSON.parse(settingsJson)?.timeoutMs;
  } catch {
    throw new Error(`${KONNECT_SETTINGS_CONFIG_KEY} must be an object (it is not JSON)`);
  }
  if (timeoutMs === undefined) return DEFAULT_KONNECT_TIMEOUT_MS;
  if (typeof timeoutMs !== "number" || !Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new Error(
      `${KONNECT_SETTINGS_CONFIG_KEY}.timeoutMs must be a positive whole number of milliseconds, not ${JSON.stringify(timeoutMs)}`,
    );
  }
  return timeoutMs;
}

/**
 * The connection `configure` read, shared by a provider's methods. A configuration problem is kept
 * and reported by the first call that needs the API, so `diff` (and so a preview) works without a token.
 */
export class KonnectSession {
  // Pulumi's closure serialiser skips any object marked doNotCapture: even a provider configured in
  // the program's own process (as in tests) never carries the token into serialised state.
  private configured?: { connection?: KonnectConnection; problem?: string; doNotCapture: true };

  constructor(private readonly options: KonnectProviderOptions) {}

  configure(config: dynamic.Config, env: Record<string, string | undefined>): void {
    try {
      this.configured = { connection: readKonnectConnection(config, env), doNotCapture: true };
    } catch (err) {
      this.configured = { problem: (err as Error).message, doNotCapture: true };
    }
  }

  client(location: KonnectLocation): KonnectClient {
    const connection = this.configured?.connection;
    if (!connection) {
      throw new Error(
        this.configured?.problem ??
          `the Konnect provider was not configured; set the stack config key ${KONNECT_TOKEN_CONFIG_KEY}`,
      );
    }
    return new KonnectClient({ ...connection, region: location.region, baseUrl: location.baseUrl, ...this.options });
  }
}
