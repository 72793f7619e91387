import { z } from "zod";
import { EARLY_ACCESS_VALUE, KONG_REQUEST_ID_HEADER } from "../render/kuma/httpRoutes";
import { duration, label } from "./fields";

/** A migration (run's `migrations`): one API path moved to a microservice by weight, its early access and gates. */

/** Callers who reach a migration's microservice whatever its weight (render/kuma meshHttpRoute). */
const earlyAccess = z
  .object({
    header: z
      .string()
      .max(256, "must be at most 256 characters")
      .regex(/^[a-z0-9!#$%&'*+\-.^_`|~]+$/, "must be a lower-case HTTP header name like x-journey-early-access")
      .refine(
        (h) => h !== KONG_REQUEST_ID_HEADER,
        `must not be ${KONG_REQUEST_ID_HEADER}: its random values split the weighted traffic`,
      ),
    values: z
      .array(z.string().regex(EARLY_ACCESS_VALUE, "must be 1 to 128 letters, digits or ._~+/=:@- (matched exactly)"))
      .min(1, "must list at least one header value, e.g. [qa]")
      .refine((v) => new Set(v).size === v.length, "must not list a value twice"),
    enabled: z.boolean().default(true),
  })
  .strict();

/** What a shift step must show on live traffic (automation/journey/gates.ts); needs `metrics.prometheusUrl`. */
const percent = (what: string) =>
  z
    .number({ message: `must be a number: ${what}` })
    .min(0, "must be from 0 to 100")
    .max(100, "must be from 0 to 100");
const metricGates = z
  .object({
    minSuccessRate: percent(
      "the lowest share of the microservice's requests answered without a 5xx, in percent, e.g. 99.5",
    ).optional(),
    maxP99: duration.optional(),
    maxErrorRateAboveMonolith: percent(
      "how many percentage points the microservice's error rate may exceed the monolith's, e.g. 1",
    ).optional(),
    minRequests: z
      .number()
      .int("must be a whole number")
      .min(1, "must be at least 1: below it a step holds")
      .default(20),
    holdTimeout: duration.default("10m"),
    interval: duration
      .refine((d) => !/^\d+ms$/.test(d) || Number(d.slice(0, -2)) >= 1000, "must be at least 1s")
      .default("5s"),
  })
  .strict()
  .refine(
    (g) => g.minSuccessRate !== undefined || g.maxP99 !== undefined || g.maxErrorRateAboveMonolith !== undefined,
    "must set at least one of minSuccessRate, maxP99, maxErrorRateAboveMonolith",
  );

export const migration = z
  .object({
    name: label("the migration"),
    pathPrefix: z.string().startsWith("/", "must start with '/'"),
    rewritePrefix: z.string().startsWith("/", "must start with '/'"),
    to: label("the target service in walk's outputs").default("microservice"),
    weight: z.number().int("must be a whole number").min(0, "must be from 0 to 100").max(100, "must be from 0 to 100"),
    earlyAccess: earlyAccess.optional(),
    gates: metricGates.optional(),
  })
  .strict();
