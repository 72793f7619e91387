import type { Phase } from "../../config/schema";
import type { SmokeCheck } from "../../phases/contract";
import { mentionsUnknown } from "../../offline/mocks";
import { unwrapSecrets } from "../../offline/evaluator";
import type { Clock } from "./clock";
import type { CheckStatus, Emit } from "./events";

/** One attempt of one check. */
export interface CheckAttempt {
  status: CheckStatus;
  detail: string;
}

/** Runs a smoke check once. Substitute it to run checks elsewhere, or to inject failures in tests. */
export interface SmokeCheckRunner {
  run(check: SmokeCheck, signal: AbortSignal): Promise<CheckAttempt>;
}

export interface CheckResult {
  check: SmokeCheck;
  status: CheckStatus;
  attempts: number;
  detail: string;
}

/** `unverified`: nothing failed, but some checks could not run. */
export type Verdict = "passed" | "failed" | "unverified";

export interface SmokeReport {
  phase: Phase;
  results: CheckResult[];
  verdict: Verdict;
}

export interface SmokePolicy {
  /** Failing checks are retried until this long after the first attempt. */
  timeoutMs: number;
  intervalMs: number;
}

export const DEFAULT_SMOKE_POLICY: SmokePolicy = { timeoutMs: 5 * 60_000, intervalMs: 10_000 };

const notRun = (detail: string): CheckAttempt => ({ status: "not-run", detail });

/** Offline nothing is deployed: every check is reported as not run, never as passed. */
export const offlineSmokeRunner: SmokeCheckRunner = {
  run: async () => notRun("offline engine: nothing is deployed, the check was not run"),
};

export interface HttpSmokeRunnerOptions {
  attemptTimeoutMs?: number;
  /** Runs `from: "cluster"` checks (e.g. with kubectl against walk's kubeconfig); without it they are not run. */
  cluster?: SmokeCheckRunner;
}

/** Runs `from: "client"` checks over HTTP from this machine. */
export class HttpSmokeRunner implements SmokeCheckRunner {
  constructor(private readonly options: HttpSmokeRunnerOptions = {}) {}

  async run(check: SmokeCheck, signal: AbortSignal): Promise<CheckAttempt> {
    if (check.from === "cluster") {
      return (
        this.options.cluster?.run(check, signal) ??
        notRun("runs inside the cluster (kubectl against walk's kubeconfig); no cluster runner is configured")
      );
    }
    if (mentionsUnknown(check.url)) return notRun("its URL is only known after deployment");
    let response: Response;
    let body: string;
    try {
      response = await fetch(check.url, {
        method: check.method,
        redirect: "manual",
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.attemptTimeoutMs ?? 10_000)]),
      });
      body = await response.text();
    } catch (err) {
      signal.throwIfAborted();
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      return {
        status: "failed",
        detail: `${check.method} ${check.url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
      };
    }
    return judge(check, response.status, body);
  }
}

function judge(check: SmokeCheck, status: number, body: string): CheckAttempt {
  const fail = (why: string): CheckAttempt => ({ status: "failed", detail: `${check.method} ${check.url}: ${why}` });
  if (status !== check.expectStatus)
    return fail(`expected HTTP ${check.expectStatus}, got ${status} (${excerpt(body)})`);
  if (check.expectBodyContains !== undefined && !body.includes(check.expectBodyContains))
    return fail(`body does not contain "${check.expectBodyContains}" (${excerpt(body)})`);
  if (check.expectJson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return fail(`body is not JSON (${excerpt(body)})`);
    }
    const shape = Array.isArray(parsed)
      ? "array"
      : parsed !== null && typeof parsed === "object"
        ? "object"
        : typeof parsed;
    if (shape !== check.expectJson) return fail(`expected a JSON ${check.expectJson}, got ${shape}`);
  }
  return { status: "passed", detail: `HTTP ${status}` };
}

function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length > 80 ? `${flat.slice(0, 80)}...` : flat || "empty body";
}

export interface RunSmokeChecksArgs {
  phase: Phase;
  checks: SmokeCheck[];
  runner: SmokeCheckRunner;
  policy: SmokePolicy;
  clock: Clock;
  emit: Emit;
  signal: AbortSignal;
}

/** Runs every check, retrying failing ones until the policy's deadline; not-run checks are final. */
export async function runSmokeChecks(args: RunSmokeChecksArgs): Promise<SmokeReport> {
  const { phase, runner, policy, clock, emit, signal } = args;
  const deadline = clock.now() + policy.timeoutMs;
  const results = new Map<SmokeCheck, CheckResult>();
  let pending = args.checks;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const attempts = await Promise.all(pending.map(async (check) => [check, await runner.run(check, signal)] as const));
    const lastAttempt = clock.now() + policy.intervalMs > deadline;
    pending = [];
    for (const [check, { status, detail }] of attempts) {
      const retry = status === "failed" && !lastAttempt;
      emit({
        type: "smoke-check",
        phase,
        check: check.name,
        method: check.method,
        url: check.url,
        from: check.from,
        status: retry ? "retrying" : status,
        attempt,
        detail,
      });
      if (retry) pending.push(check);
      else results.set(check, { check, status, attempts: attempt, detail });
    }
    if (pending.length > 0) await clock.sleep(policy.intervalMs, signal);
  }
  const ordered = args.checks.map((c) => results.get(c)!);
  return { phase, results: ordered, verdict: verdictOf(ordered) };
}

function verdictOf(results: CheckResult[]): Verdict {
  if (results.some((r) => r.status === "failed")) return "failed";
  return results.length > 0 && results.every((r) => r.status === "passed") ? "passed" : "unverified";
}

/** The smoke checks a phase exports (contract.ts), from its stack outputs. */
export function smokeChecksOf(outputs: Record<string, unknown>): SmokeCheck[] {
  const checks = unwrapSecrets(outputs.smokeChecks);
  return Array.isArray(checks) ? (checks as SmokeCheck[]) : [];
}

/** `4 passed, 1 NOT RUN` */
export function describeReport(report: SmokeReport): string {
  if (report.results.length === 0) return "no smoke checks";
  const count = (status: CheckStatus) => report.results.filter((r) => r.status === status).length;
  const parts = [`${count("passed")}/${report.results.length} passed`];
  if (count("failed") > 0) parts.push(`${count("failed")} FAILED`);
  if (count("not-run") > 0) parts.push(`${count("not-run")} NOT RUN`);
  return parts.join(", ");
}

export const failedChecks = (report: SmokeReport): string[] =>
  report.results.filter((r) => r.status === "failed").map((r) => r.check.name);
