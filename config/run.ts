import { z } from "zod";
import { commonProblems, migrationProblems, reporter } from "./crossKey";
import { duration, stackName } from "./fields";
import { migration } from "./migration";
import { commonKeys, monolithKeys, SchemaContext } from "./shared";

const resilience = z
  .object({
    connectTimeout: duration.default("2s"),
    requestTimeout: duration.default("5s"),
    idleTimeout: duration.default("60s"),
    retries: z.number().int().min(0).max(10).default(2),
    perTryTimeout: duration.default("2s"),
    consecutive5xx: z.number().int().min(1).max(100).default(5),
    ejectionInterval: duration.default("10s"),
    baseEjectionTime: duration.default("30s"),
    maxEjectionPercent: z.number().int().min(0).max(100).default(50),
  })
  .strict()
  .prefault({});

/** Run: the cutover policies, one per migration. */
export const runConfigSchema = (context: SchemaContext = {}) =>
  z
    .object({
      phase: z.literal("run"),
      ...commonKeys,
      stackRefs: z
        .object({ crawl: stackName("the crawl stack").optional(), walk: stackName("the walk stack").optional() })
        .strict()
        .prefault({}),
      /** The monolith's base path: the public path of each migration is derived from it. */
      monolith: z.object(monolithKeys).strict().prefault({}),
      migrations: z.array(migration).default([]),
      /** Where metric gates read live traffic: the Prometheus HTTP API. */
      metrics: z
        .object({
          prometheusUrl: z.url({
            protocol: /^https?$/,
            message: "must be an http(s) URL of the Prometheus HTTP API, e.g. http://prometheus.internal:9090",
          }),
        })
        .strict()
        .optional(),
      resilience,
    })
    .strict()
    .superRefine(
      (config, ctx) => {
        const report = reporter(ctx);
        commonProblems(config, "run", context).forEach(report);
        migrationProblems(config.migrations).forEach(report);
      },
      { when: () => true },
    );
