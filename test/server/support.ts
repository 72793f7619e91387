import type { Phase } from "../../config/schema";
import type { OfflineStep } from "../../automation/engines/offline";
import { offlinePlan } from "../../offline/plan";
import { planDocument, PlanDocument } from "../../automation/planDiff";
import { createServer, JourneyServer, offlineSource, ServerOptions, TokenEntry } from "../../server";
import type { JourneySource } from "../../server";
import { fakeProgram, fakeStackFiles, ScriptedRunner } from "../journey/support/fakeProgram";

export const OPERATOR = "operator-token-0123456789abcdef";
export const READER = "reader-token-0123456789abcdef00";
export const TOKENS: TokenEntry[] = [
  { name: "alice", role: "operator", token: OPERATOR },
  { name: "bob", role: "read-only", token: READER },
];

let realPlan: Promise<PlanDocument> | undefined;
/** The real program's offline plan, evaluated once for every server test. */
export function repoPlan(): Promise<PlanDocument> {
  realPlan ??= offlinePlan().then(planDocument);
  return realPlan;
}

/** A step hook that blocks the offline engine at steps the test chooses until it releases them. */
export class Gate {
  private waiting: Array<() => void> = [];
  private open = false;
  arrivals = 0;
  private arrived: Array<() => void> = [];

  constructor(private readonly blocks: (step: OfflineStep) => boolean = () => true) {}

  readonly hook = async (step: OfflineStep): Promise<void> => {
    if (this.open || !this.blocks(step)) return;
    this.arrivals++;
    this.arrived.splice(0).forEach((resolve) => resolve());
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  };

  /** Resolves once a step waits at the gate. */
  reached(): Promise<void> {
    return this.arrivals > 0 ? Promise.resolve() : new Promise((resolve) => this.arrived.push(resolve));
  }

  release(): void {
    this.open = true;
    this.waiting.splice(0).forEach((resolve) => resolve());
  }
}

export interface TestServer {
  url: string;
  server: JourneyServer;
  source: JourneySource;
  /** fetch with the operator's token (`as: "reader"` for the read-only one, `as: "none"` for no token). */
  call(
    method: string,
    path: string,
    options?: { body?: unknown; as?: "operator" | "reader" | "none"; headers?: Record<string, string>; raw?: string },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  /** Polls a job until it is finished. */
  finished(id: string): Promise<any>;
  close(): Promise<void>;
}

/** A server over the offline engine and the fake program (fast), drawing the real plan. */
export async function startServer(
  options: {
    gate?: Gate;
    runner?: ScriptedRunner;
    program?: () => Record<string, unknown>;
    real?: boolean;
  } & Partial<ServerOptions> = {},
): Promise<TestServer> {
  const source =
    options.source ??
    (options.real
      ? offlineSource({ beforeStep: options.gate?.hook })
      : offlineSource({
          program: options.program ?? fakeProgram(),
          stackFiles: fakeStackFiles(),
          smoke: options.runner ?? new ScriptedRunner(),
          beforeStep: options.gate?.hook,
          loadBalancerProbe: async () => true,
        }));
  const server = await createServer({
    source,
    tokens: TOKENS,
    plan: options.plan ?? (await repoPlan()),
    heartbeatMs: options.heartbeatMs,
    maxQueuedPerStack: options.maxQueuedPerStack,
  });
  const url = await server.listen({ port: 0, host: "127.0.0.1" });
  const call: TestServer["call"] = async (method, path, opts = {}) => {
    const token = opts.as === "none" ? undefined : opts.as === "reader" ? READER : OPERATOR;
    const headers: Record<string, string> = {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(opts.headers ?? {}),
    };
    let body: string | undefined = opts.raw;
    if (opts.body !== undefined) {
      headers["content-type"] ??= "application/json";
      body = JSON.stringify(opts.body);
    }
    const response = await fetch(`${url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: the page, or an event stream
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
  return {
    url,
    server,
    source,
    call,
    async finished(id) {
      for (let i = 0; i < 500; i++) {
        const { body } = await call("GET", `/api/jobs/${id}`);
        if (body.state === "finished") return body;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`job ${id} did not finish`);
    },
    close: () => server.shutdown({ graceMs: 0 }),
  };
}

/** Reads a whole server-sent event stream (until the server ends it). */
export async function readEvents(
  url: string,
  headers: Record<string, string> = {},
): Promise<Array<{ id?: number; event?: string; data: any }>> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${OPERATOR}`, ...headers } });
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  return parseEventStream(await response.text());
}

export function parseEventStream(text: string): Array<{ id?: number; event?: string; data: any }> {
  return text
    .split("\n\n")
    .map((block) => {
      const message: { id?: number; event?: string; data?: string } = {};
      for (const line of block.split("\n")) {
        if (line.startsWith("id: ")) message.id = Number(line.slice(4));
        else if (line.startsWith("event: ")) message.event = line.slice(7);
        else if (line.startsWith("data: ")) message.data = line.slice(6);
      }
      return message;
    })
    .filter((m): m is { id?: number; event?: string; data: string } => m.data !== undefined)
    .map((m) => ({ ...m, data: JSON.parse(m.data) }));
}

export const phasesOf = (body: any): Record<Phase, any> =>
  Object.fromEntries(body.phases.map((p: any) => [p.phase, p])) as Record<Phase, any>;
