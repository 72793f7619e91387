import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { konnectTokenProblem } from "./konnect";
import {
  AWS_REGIONS,
  JourneyConfig,
  Phase,
  PHASE_SCHEMAS,
  PHASES,
  phaseStackProblem,
  PROJECT,
  SchemaContext,
  SECRET_KEYS,
  SecretKey,
} from "./schema";
import { webhookUrlProblem } from "./webhook";

/** Stack config as the engine hands it over: full keys (`project:key`) to raw strings, and which keys are secret. */
export interface RawStackConfig {
  values: Record<string, string>;
  secretKeys: string[];
}

/** Secret config values, present only when set, always wrapped as Pulumi secrets. */
export type StackSecrets = Partial<Record<SecretKey, pulumi.Output<string>>>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`The stack config has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Validates the whole stack config against its phase's schema and reports every problem at once,
 * each naming the key, the value and what is allowed. Secret values are checked for presence and
 * secrecy, never echoed. Every rule runs here, before any resource is declared.
 */
export function validateConfig(
  raw: RawStackConfig,
  stack?: string,
): { config: JourneyConfig; secretValues: Partial<Record<SecretKey, string>> } {
  const problems: string[] = [];
  const ours: Record<string, unknown> = {};
  const secretValues: Partial<Record<SecretKey, string>> = {};
  const secretNames = Object.keys(SECRET_KEYS) as SecretKey[];

  for (const [fullKey, value] of Object.entries(raw.values)) {
    const [namespace, key] = splitKey(fullKey);
    if (namespace !== PROJECT) continue;
    if ((secretNames as string[]).includes(key)) {
      if (!raw.secretKeys.includes(fullKey)) {
        problems.push(
          `${fullKey}: is stored in plaintext but must be a secret; run \`pulumi config set --secret ${key} <value>\` (${SECRET_KEYS[key as SecretKey].hint})`,
        );
      }
      secretValues[key as SecretKey] = value;
      continue;
    }
    ours[key] = parseValue(value);
  }

  const awsRegion = raw.values["aws:region"];
  if (!awsRegion) {
    problems.push("aws:region: is not set; run `pulumi config set aws:region us-west-2` (or another AWS region)");
  } else if (!(AWS_REGIONS as readonly string[]).includes(awsRegion)) {
    problems.push(`aws:region: "${awsRegion}" is not an AWS region; allowed: ${AWS_REGIONS.join(", ")}`);
  }

  const context: SchemaContext = {
    awsRegion,
    secrets: new Set(secretNames.filter((name) => secretValues[name])),
  };
  const phase = ours.phase;
  let config: Omit<JourneyConfig, "awsRegion"> | undefined;
  if (isPhase(phase)) {
    const schema = PHASE_SCHEMAS[phase](context);
    const parsed = schema.safeParse(ours, { reportInput: true });
    if (parsed.success) config = parsed.data;
    else problems.push(...parsed.error.issues.map((issue) => describeIssue(issue, phase)));
  } else {
    problems.push(
      phase === undefined
        ? `${PROJECT}:phase: is missing and must be one of ${PHASES.join(", ")}`
        : `${PROJECT}:phase: ${JSON.stringify(phase)?.slice(0, 120)} must be one of ${PHASES.join(", ")}`,
    );
    // Whatever the phase was meant to be: the problems every phase's schema finds.
    const found = PHASES.map((p) => {
      const parsed = PHASE_SCHEMAS[p](context).safeParse({ ...ours, phase: p }, { reportInput: true });
      return parsed.success ? [] : parsed.error.issues.map((issue) => describeIssue(issue, p));
    });
    problems.push(...found[0].filter((problem) => found.every((other) => other.includes(problem))));
  }

  const stackProblem = phaseStackProblem(stack, phase);
  if (stackProblem) problems.push(stackProblem);
  if (secretValues.konnectToken !== undefined && konnectTokenProblem(secretValues.konnectToken)) {
    problems.push(
      `${PROJECT}:konnectToken: [secret, not shown] is not a Konnect access token; allowed: a personal access token (kpat_...) or a system-account token (spat_...)`,
    );
  }

  if (secretValues.notifyUrl !== undefined) {
    const problem = webhookUrlProblem(secretValues.notifyUrl);
    if (problem) problems.push(`${PROJECT}:notifyUrl: [secret, not shown] ${problem}`);
  }
  if (problems.length > 0 || !config || !awsRegion) throw new ConfigError(problems);
  return { config: { ...config, awsRegion } as JourneyConfig, secretValues };
}

function isPhase(value: unknown): value is Phase {
  return typeof value === "string" && (PHASES as readonly string[]).includes(value);
}

/** Reads and validates the running stack's config; the config problems end the program without a stack trace. */
export function loadStackConfig(): { config: JourneyConfig; secrets: StackSecrets } {
  const runtimeConfig = pulumi.runtime.allConfig();
  const secretKeys = Object.keys(runtimeConfig).filter((k) => isConfigSecret(k));
  try {
    const { config, secretValues } = validateConfig({ values: runtimeConfig, secretKeys }, pulumi.getStack());
    const secrets: StackSecrets = {};
    for (const [name, value] of Object.entries(secretValues)) secrets[name as SecretKey] = pulumi.secret(value);
    return { config, secrets };
  } catch (err) {
    if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
    throw err;
  }
}

function isConfigSecret(fullKey: string): boolean {
  // Exported by the SDK's runtime config module, though not from its typings.
  const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(k: string): boolean };
  return runtimeConfig.isConfigSecret(fullKey);
}

function splitKey(fullKey: string): [string, string] {
  const i = fullKey.indexOf(":");
  return i < 0 ? [PROJECT, fullKey] : [fullKey.slice(0, i), fullKey.slice(i + 1)];
}

/** Objects, lists and booleans reach the program as JSON text; everything else stays a string. */
function parseValue(value: string): unknown {
  const t = value.trim();
  if (t.startsWith("{") || t.startsWith("[") || t === "true" || t === "false") {
    try {
      return JSON.parse(t);
    } catch {
      return value;
    }
  }
  return value;
}

function describeIssue(issue: z.core.$ZodIssue, phase: Phase): string {
  const key = `${PROJECT}:${formatPath(issue.path)}`;
  if (issue.code === "unrecognized_keys") {
    const where = issue.path.length > 0 ? key : PROJECT;
    return issue.keys
      .map((k) => `${where}${issue.path.length > 0 ? "." : ":"}${k}: ${unknownKey(k, issue.path, phase)}`)
      .join("\n  - ");
  }
  const missing = issue.code === "custom" && (issue.params as { missing?: boolean } | undefined)?.missing === true;
  const input = missing ? undefined : (issue as { input?: unknown }).input;
  let message = issue.message;
  // zod's own wording for an absent value; a schema's own message says more (e.g. how to pin an image).
  if (issue.code === "invalid_type" && input === undefined && message.startsWith("Invalid input"))
    message = `is required (${issue.expected})`;
  return input === undefined ? `${key}: ${message}` : `${key}: ${JSON.stringify(input)?.slice(0, 120)} ${message}`;
}

/** An unknown key: what is allowed there, and the phase it belongs to if it is another phase's. */
function unknownKey(unknownKey: string, path: PropertyKey[], phase: Phase): string {
  const known = knownKeysAt(path, phase);
  const owners = PHASES.filter((p) => p !== phase && knownKeysAt(path, p).includes(unknownKey));
  const allowed = known.length > 0 ? `; allowed: ${known.join(", ")}` : "";
  if (owners.length > 0) return `is ${owners.join(" and ")}'s, not a key of the ${phase} phase${allowed}`;
  const close = known.find((k) => k.toLowerCase().startsWith(unknownKey.toLowerCase().slice(0, 4)));
  return `is not a known key${allowed}${close ? ` (did you mean ${close}?)` : ""}`;
}

function knownKeysAt(path: PropertyKey[], phase: Phase): string[] {
  let schema: z.ZodTypeAny = PHASE_SCHEMAS[phase]() as unknown as z.ZodTypeAny;
  for (const segment of path) {
    const shape = unwrapObject(schema)?.shape as Record<string, z.ZodTypeAny> | undefined;
    if (!shape || typeof segment !== "string" || !shape[segment]) return [];
    schema = shape[segment];
  }
  const top = path.length === 0 ? [...Object.keys(SECRET_KEYS)] : [];
  return [...Object.keys(unwrapObject(schema)?.shape ?? {}), ...top];
}

/** The schema a wrapper (default, prefault, optional, refinement, pipe, ...) holds: where its definition keeps it. */
interface WrapperDef {
  def?: { innerType?: unknown; in?: unknown; schema?: unknown };
}

function unwrapObject(schema: z.ZodTypeAny): z.ZodObject | undefined {
  let s: unknown = schema;
  for (let i = 0; i < 8 && s; i++) {
    if (s instanceof z.ZodObject) return s;
    const def = (s as WrapperDef).def;
    s = def?.innerType ?? def?.in ?? def?.schema;
  }
  return undefined;
}

function formatPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}
