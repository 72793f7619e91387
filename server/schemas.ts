import { z } from "zod";
import { PHASES, Phase } from "../config/schema";
import { stackNameOf } from "../automation/engines/engine";
import { parseDuration } from "../automation/journey/clock";
import { MAX_BAKE_MS } from "../automation/journey/migrations";
import type { GateOverrides } from "../automation/journey/bake";

/**
 * Every input of the API, validated before anything runs: request bodies, path parameters, query
 * strings and the `Last-Event-ID` header. A failure is a 400 with one entry per field.
 */

export interface FieldError {
  /** Where in the input, e.g. `steps.1`; `(body)` for the whole body. */
  field: string;
  message: string;
}

export class ValidationError extends Error {
  constructor(
    readonly fields: FieldError[],
    message = `invalid request: ${fields.map((f) => `${f.field}: ${f.message}`).join("; ")}`,
  ) {
    super(message);
    this.name = "ValidationError";
  }
}

const RFC1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Pulumi's stack-name characters. */
const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

const phaseField = z.enum(PHASES, { message: `must be one of ${PHASES.join(", ")}` });
const stackField = z
  .string()
  .regex(STACK_NAME, { message: "must be a stack name (letters, digits, '_', '.', '-'; at most 100)", abort: true })
  .refine((name) => PHASES.some((p) => stackNameOf(p) === name), {
    message: `is not a stack of this journey; its stacks: ${PHASES.map(stackNameOf).join(", ")}`,
  });

/** A phase's operation names it by `phase`, by `stack`, or by both when they agree. */
const phaseTarget = <K extends string>(kind: K) =>
  z
    .object({ kind: z.literal(kind), phase: phaseField.optional(), stack: stackField.optional() })
    .strict()
    .superRefine((body, ctx) => {
      if (body.phase === undefined && body.stack === undefined)
        ctx.addIssue({
          code: "custom",
          path: ["phase"],
          message: `is required (or \`stack\`): one of ${PHASES.join(", ")}`,
        });
      if (body.phase !== undefined && body.stack !== undefined && stackNameOf(body.phase) !== body.stack) {
        ctx.addIssue({
          code: "custom",
          path: ["stack"],
          message: `is not the stack of phase ${body.phase} (${stackNameOf(body.phase)})`,
        });
      }
    })
    .transform((body) => ({ kind, phase: (body.phase ?? PHASES.find((p) => stackNameOf(p) === body.stack)) as Phase }));

const weight = z
  .number({ message: "must be a number" })
  .int("must be a whole percentage")
  .min(0, "must be from 0 to 100")
  .max(100, "must be from 0 to 100");

const bake = z
  .string()
  .max(32, "is too long")
  .transform((text, ctx) => {
    try {
      const ms = parseDuration(text);
      if (ms > MAX_BAKE_MS) ctx.addIssue({ code: "custom", message: "must be at most 24h" });
      return ms;
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
      return z.NEVER;
    }
  });

const gateDuration = z
  .string()
  .max(32, "is too long")
  .transform((text, ctx) => {
    try {
      return parseDuration(text);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
      return z.NEVER;
    }
  });
const percent = z
  .number({ message: "must be a number" })
  .min(0, "must be from 0 to 100")
  .max(100, "must be from 0 to 100");

/** Metric gates of a shift, over the migration's config (`journey shift --min-success-rate` and the others). */
const shiftGates = z
  .object({
    prometheusUrl: z
      .url({ protocol: /^https?$/, message: "must be an http(s) URL of the Prometheus HTTP API" })
      .optional(),
    minSuccessRate: percent.optional(),
    maxP99: gateDuration.optional(),
    maxErrorRateAboveMonolith: percent.optional(),
    minRequests: z
      .number({ message: "must be a number" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .optional(),
    holdTimeout: gateDuration.optional(),
    interval: gateDuration.refine((ms) => ms >= 1000, "must be at least 1s").optional(),
  })
  .strict()
  .transform((g) => {
    const entries = Object.entries({
      prometheusUrl: g.prometheusUrl,
      minSuccessRate: g.minSuccessRate,
      maxP99Ms: g.maxP99,
      maxErrorRateAboveMonolith: g.maxErrorRateAboveMonolith,
      minRequests: g.minRequests,
      holdTimeoutMs: g.holdTimeout,
      intervalMs: g.interval,
    });
    return Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as GateOverrides;
  });

const shiftBody = z
  .object({
    kind: z.literal("shift"),
    migration: z
      .string()
      .max(63, "must be at most 63 characters")
      .regex(RFC1123_LABEL, "must be a migration name (an RFC 1123 label, as in run's config)"),
    steps: z
      .array(weight)
      .max(20, "at most 20 steps")
      .refine((steps) => steps.every((s, i) => i === 0 || s > steps[i - 1]), {
        message: "must rise, each weight above the one before, e.g. [10, 25, 50, 100]",
      }),
    /** Duration each step takes traffic before its smoke checks, e.g. `5m` (offline: reported, not waited). */
    bake: bake.optional(),
    /** Turn the migration's early access on first (`journey shift --early-access`). */
    earlyAccess: z.boolean({ message: "must be true or false" }).optional(),
    gates: shiftGates.optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.steps.length === 0 && !body.earlyAccess)
      ctx.addIssue({ code: "custom", path: ["steps"], message: "needs at least one weight, e.g. [10, 25, 50, 100]" });
  })
  .transform((body) => ({
    kind: "shift" as const,
    migration: body.migration,
    steps: body.steps,
    bakeMs: body.bake ?? 5 * 60_000,
    ...(body.earlyAccess ? { earlyAccess: true } : {}),
    ...(body.gates && Object.keys(body.gates).length > 0 ? { gates: body.gates } : {}),
  }));

const rollbackBody = z
  .object({ kind: z.literal("rollback"), confirmDestroy: z.boolean({ message: "must be true or false" }).optional() })
  .strict()
  .transform((body) => ({ kind: "rollback" as const, confirmDestroy: body.confirmDestroy ?? false }));

export const JOB_KINDS = ["preview", "up", "shift", "rollback"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export type JobRequest =
  | { kind: "preview" | "up"; phase: Phase }
  | { kind: "shift"; migration: string; steps: number[]; bakeMs: number; earlyAccess?: boolean; gates?: GateOverrides }
  | { kind: "rollback"; confirmDestroy: boolean };

/** Each job kind's body (also the OpenAPI document's request schemas, server/openapi.ts). */
export const JOB_BODIES = {
  preview: phaseTarget("preview"),
  up: phaseTarget("up"),
  shift: shiftBody,
  rollback: rollbackBody,
};

/** `POST /api/jobs`. */
export function parseJobRequest(body: unknown): JobRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new ValidationError([{ field: "(body)", message: "must be a JSON object" }]);
  const kind = (body as { kind?: unknown }).kind;
  if (typeof kind !== "string" || !(JOB_KINDS as readonly string[]).includes(kind)) {
    throw new ValidationError([{ field: "kind", message: `must be one of ${JOB_KINDS.join(", ")}` }]);
  }
  return parse(JOB_BODIES[kind as JobKind], body) as JobRequest;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const jobParams = z.object({ id: z.string().regex(UUID, "must be a job id (a UUID)") }).strict();

export const phasesQuery = z
  .object({ checks: z.enum(["true", "false"], { message: "must be true or false" }).optional() })
  .strict()
  .transform((q) => ({ checks: q.checks === "true" }));

/** `Last-Event-ID`: the id of the last event the client has; the stream resumes after it. */
export const lastEventId = z
  .string()
  .regex(/^\d{1,9}$/, "must be the id of an event (a whole number)")
  .transform(Number);

export const eventsQuery = z.object({ lastEventId: lastEventId.optional() }).strict();

/**
 * A JSON body: `__proto__` and `constructor.prototype` keys are refused by name, so that no
 * request can reach an object's prototype and the caller learns which key was refused.
 */
export function parseJsonBody(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ValidationError([{ field: "(body)", message: `is not valid JSON: ${(err as Error).message}` }]);
  }
  const refused = prototypeKeys(value, "");
  if (refused.length > 0)
    throw new ValidationError(
      refused.map((field) => ({ field, message: "is a prototype key, not a field of this request" })),
    );
  return value;
}

function prototypeKeys(value: unknown, at: string): string[] {
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const field = at ? `${at}.${key}` : key;
    if (key === "__proto__" || (key === "prototype" && at.split(".").pop() === "constructor")) return [field];
    return prototypeKeys(inner, field);
  });
}

export function parse<S extends z.ZodType>(schema: S, input: unknown, prefix = ""): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.flatMap((issue): FieldError[] => {
      const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
      // Keys the strict objects do not know: one entry each, in words of this API.
      if (issue.code === "unrecognized_keys")
        return issue.keys.map((key) => ({
          field: [path, key].filter(Boolean).join("."),
          message: "is not a field of this request",
        }));
      return [{ field: path || "(body)", message: issue.message }];
    }),
  );
}
