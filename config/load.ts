import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { konnectTokenProblem } from "./konnect";
import {
  AWS_REGIONS,
  configSchema,
  crossKeyProblems,
  DEFAULT_ONPREM_CIDR,
  JourneyConfig,
  Phase,
  phaseStackProblem,
  PROJECT,
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
 * Validates the whole stack config and reports every problem at once, each naming the key, the
 * value and what is allowed. Secret values are checked for presence and secrecy, never echoed.
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

  const parsed = configSchema.safeParse(ours, { reportInput: true });
  if (!parsed.success) problems.push(...parsed.error.issues.map(describeIssue));
  for (const [path, input, message] of crossKeyProblems(ours, awsRegion)) {
    problems.push(
      input === undefined
        ? `${PROJECT}:${formatPath(path)}: ${message}`
        : `${PROJECT}:${formatPath(path)}: ${JSON.stringify(input)} ${message}`,
    );
  }

  const phase = (parsed.success ? parsed.data.phase : ours.phase) as Phase | undefined;
  for (const name of secretNames) {
    const rule = SECRET_KEYS[name];
    if (phase && rule.requiredIn.includes(phase) && !secretValues[name]) {
      problems.push(
        `${PROJECT}:${name}: is required in the ${phase} phase and missing; run \`pulumi config set --secret ${name} <value>\` (${rule.hint})`,
      );
    }
  }
  if (parsed.success && parsed.data.onPrem.mode === "existing" && !secretValues.onPremSshPrivateKey) {
    problems.push(
      `${PROJECT}:onPremSshPrivateKey: is required with onPrem.mode existing and missing; run \`pulumi config set --secret onPremSshPrivateKey < ~/.ssh/id_ed25519\``,
    );
  }
  if (phase === "walk" && !secretValues.meshLicense && (ours.mesh as { trial?: unknown } | undefined)?.trial !== true) {
    problems.push(
      `${PROJECT}:meshLicense: is required in the walk phase and missing; run \`pulumi config set --secret meshLicense < license.json\`, ` +
        "or set mesh.trial: true to run on Kong Mesh's bundled trial licence (5 data plane proxies, 30 days; once it expires the control plane does not start)",
    );
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
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const config: JourneyConfig = { ...parsed.data, awsRegion: awsRegion! };
  if (config.phase === "crawl" && config.onPrem.mode === "simulated" && !config.onPrem.vpcCidr)
    config.onPrem = { ...config.onPrem, vpcCidr: DEFAULT_ONPREM_CIDR };
  return { config, secretValues };
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

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = `${PROJECT}:${formatPath(issue.path)}`;
  if (issue.code === "unrecognized_keys") {
    const where = issue.path.length > 0 ? key : PROJECT;
    return issue.keys
      .map((k) => `${where}${issue.path.length > 0 ? "." : ":"}${k}: is not a known key${suggestion(k, issue)}`)
      .join("\n  - ");
  }
  const input = (issue as { input?: unknown }).input;
  const shown = input === undefined ? "is missing and" : `${JSON.stringify(input)?.slice(0, 120)}`;
  let message = issue.message;
  if (issue.code === "invalid_type" && input === undefined) message = `is required (${issue.expected})`;
  return input === undefined ? `${key}: ${message}` : `${key}: ${shown} ${message}`;
}

function suggestion(unknownKey: string, issue: z.core.$ZodIssue): string {
  const known = knownKeysAt(issue.path);
  const close = known.find((k) => k.toLowerCase().startsWith(unknownKey.toLowerCase().slice(0, 4)));
  return known.length > 0 ? `; allowed: ${known.join(", ")}${close ? ` (did you mean ${close}?)` : ""}` : "";
}

function knownKeysAt(path: PropertyKey[]): string[] {
  let schema: z.ZodTypeAny = configSchema as unknown as z.ZodTypeAny;
  for (const segment of path) {
    const shape = unwrapObject(schema)?.shape as Record<string, z.ZodTypeAny> | undefined;
    if (!shape || typeof segment !== "string" || !shape[segment]) return [];
    schema = shape[segment];
  }
  const top = path.length === 0 ? [...Object.keys(SECRET_KEYS)] : [];
  return [...Object.keys(unwrapObject(schema)?.shape ?? {}), ...top];
}

function unwrapObject(schema: z.ZodTypeAny): z.ZodObject | undefined {
  let s: any = schema;
  for (let i = 0; i < 8 && s; i++) {
    if (s instanceof z.ZodObject) return s;
    s = s.def?.innerType ?? s.def?.in ?? s.def?.schema;
  }
  return undefined;
}

function formatPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}
