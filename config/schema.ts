import { z } from "zod";
import { crawlConfigSchema } from "./crawl";
import { PHASES, Phase, PROJECT } from "./project";
import { runConfigSchema } from "./run";
import type { SchemaContext } from "./shared";
import { walkConfigSchema } from "./walk";

/**
 * The stack config: one schema per phase, chosen by `phase`. The pieces live beside this file:
 * shared.ts (keys every phase has), crawl.ts, walk.ts, run.ts (each phase's schema), onPrem.ts,
 * migration.ts, image.ts, fields.ts (value shapes), secrets.ts, crossKey.ts (rules across keys);
 * load.ts validates a stack's config against them.
 */

export { PHASES, PROJECT };
export type { Phase };
export { AWS_REGIONS } from "./regions";
export { phaseStackProblem } from "./crossKey";
export { DEFAULT_ONPREM_CIDR } from "./onPrem";
export { RESERVED_NAMESPACES } from "./walk";
export { imageRef } from "./image";
export type { PinnedImage } from "./image";
export { SECRET_KEYS } from "./secrets";
export type { SecretKey } from "./secrets";
export type { SchemaContext } from "./shared";
export { crawlConfigSchema, runConfigSchema, walkConfigSchema };

/** Each phase's schema, by phase. */
export const PHASE_SCHEMAS = { crawl: crawlConfigSchema, walk: walkConfigSchema, run: runConfigSchema } as const;

/** The stack config: one schema per phase, chosen by `phase`. */
export const configSchema = (context: SchemaContext = {}) =>
  z.discriminatedUnion("phase", [crawlConfigSchema(context), walkConfigSchema(context), runConfigSchema(context)], {
    message: `must be one of ${PHASES.join(", ")}`,
  });

export type CrawlConfig = z.output<ReturnType<typeof crawlConfigSchema>> & { awsRegion: string };
export type WalkConfig = z.output<ReturnType<typeof walkConfigSchema>> & { awsRegion: string };
export type RunConfig = z.output<ReturnType<typeof runConfigSchema>> & { awsRegion: string };
/** The validated config of a stack, of whichever phase it is. */
export type JourneyConfig = CrawlConfig | WalkConfig | RunConfig;
export type CrawlOnPrem = CrawlConfig["onPrem"];
export type Migration = RunConfig["migrations"][number];
