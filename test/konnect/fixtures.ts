import * as assert from "node:assert/strict";
import type { dynamic } from "@pulumi/pulumi";
import { RetryPolicy } from "../../providers/http";
import { KonnectClient, KonnectClientOptions } from "../../providers/konnect/client";
import { KONNECT_SETTINGS_CONFIG_KEY, KONNECT_TOKEN_CONFIG_KEY } from "../../providers/konnect/connection";
import {
  controlPlaneProvider,
  dataPlaneCertificateProvider,
  gatewayServiceProvider,
  routeProvider,
} from "../../providers/konnect/providers";
import { KonnectServer } from "../support/konnectServer";

/** A token of the right shape that must never show up in an error message. */
export const TOKEN = "kpat_TestTokenThatMustNeverLeak0123456789abcdef";

/** Retries without waiting: every wait goes to `sleeps`. */
export const FAST_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 };

export function fakeConfig(values: Record<string, string>): dynamic.Config {
  return {
    get: (key) => values[key],
    require: (key) => {
      if (values[key] === undefined) throw new Error(`Missing required configuration key: ${key}`);
      return values[key];
    },
  };
}

/** Stack config with the token and a short timeout, as `configure` receives it. */
export function stackConfig(token = TOKEN): dynamic.ConfigureRequest {
  return {
    config: fakeConfig({
      [KONNECT_TOKEN_CONFIG_KEY]: token,
      [KONNECT_SETTINGS_CONFIG_KEY]: JSON.stringify({ timeoutMs: 2000 }),
    }),
  };
}

/** The four providers the Konnect resources use, in the order a stack creates them. */
export const KONNECT_PROVIDERS = [
  controlPlaneProvider,
  dataPlaneCertificateProvider,
  gatewayServiceProvider,
  routeProvider,
] as const;

/** Configures each provider with `stackConfig()`, as the engine does before any call. */
export async function configureProviders(): Promise<void> {
  for (const provider of KONNECT_PROVIDERS) await provider.configure(stackConfig());
}

export function sleepRecorder(): { sleeps: number[]; sleep: (ms: number) => Promise<void> } {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms) => void sleeps.push(ms) };
}

export function clientFor(server: KonnectServer, overrides: Partial<KonnectClientOptions> = {}): KonnectClient {
  return new KonnectClient({
    region: "us",
    baseUrl: server.baseUrl,
    token: TOKEN,
    timeoutMs: 2000,
    retry: FAST_RETRY,
    ...overrides,
  });
}

/** Starts a fake Konnect before each test, stops it after, and fails the test on any contract violation. */
export function useKonnectServer(): () => KonnectServer {
  let server: KonnectServer | undefined;
  beforeEach(async () => {
    server = await KonnectServer.start({ token: TOKEN });
  });
  afterEach(async () => {
    const violations = server?.violations ?? [];
    await server?.close();
    assert.deepEqual(violations, [], "requests or answers that break the Konnect OpenAPI contract");
  });
  return () => server as KonnectServer;
}

/** The error a promise rejects with; fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  assert.fail("expected the call to fail");
}

/** Pulumi state cannot hold undefined; an output with an undefined value would fail to serialise. */
export function assertStorable(value: unknown): void {
  assert.deepEqual(JSON.parse(JSON.stringify(value)), value);
}
