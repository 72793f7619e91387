import * as fs from "fs";
import * as path from "path";
import { parseYaml } from "../lib/yaml";
import type { RawStackConfig } from "../config/load";
import { phaseStackProblem } from "../config/crossKey";
import { PHASES, Phase, PROJECT, SECRET_KEYS, SecretKey } from "../config/schema";
import { defaultStackRef } from "../phases/contract";

/** The folder of Pulumi.yaml: found from this file, whether it runs from source or from dist/. */
export const PROJECT_DIR = findProjectDir(__dirname);

function findProjectDir(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no Pulumi.yaml above ${start}`);
  }
}

/** Offline stand-ins for secrets the offline plan cannot decrypt; they are handled as secrets throughout. */
export const OFFLINE_SECRET_PLACEHOLDERS: Record<SecretKey, string> = {
  // Shaped like a token so that config validation accepts it; built here so that no scanner takes it for a real one.
  konnectToken: `kpat_${"offlineplaceholder".padEnd(36, "0")}`,
  onPremSshPrivateKey: "offline placeholder for the on-prem SSH private key",
  meshLicense: '{"license":"offline placeholder"}',
  notifyUrl: "https://notify.invalid/offline-placeholder",
};

/**
 * Offline stand-ins for the images a stack file must pin but does not (the tutorial's are published
 * only as `latest`): a reserved `.invalid` registry, so that nothing could ever pull them.
 */
const OFFLINE_IMAGE_PLACEHOLDERS = {
  crawl: { object: "monolith", image: { repository: "registry.invalid/mirror-of/djfreese/monolith", tag: "offline" } },
  walk: {
    object: "microservice",
    image: { repository: "registry.invalid/mirror-of/djfreese/disputes", tag: "offline" },
  },
} as const;

export interface StackFile {
  phase: Phase;
  stack: string;
  file: string;
  config: RawStackConfig;
  /** Secrets the file encrypts (`secure:`) or lacks, stood in for by placeholders in an offline run. */
  placeholderSecrets: SecretKey[];
  /** Images the file leaves to the user to mirror (`monolith.image`), stood in for offline. */
  placeholderImages?: string[];
}

/** Phases whose stack file is in the project: what `plan` and the dashboard cover by default. */
export function availablePhases(dir = PROJECT_DIR): Phase[] {
  return PHASES.filter((p) => fs.existsSync(path.join(dir, `Pulumi.${p}.yaml`)));
}

/** Reads `Pulumi.<stack>.yaml` as the engine would hand it to the program, for an offline evaluation. */
export function readStackFile(stack: string, dir = PROJECT_DIR): StackFile {
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file))
    throw new Error(`${file} does not exist: each phase is a stack with its own Pulumi.<stack>.yaml`);
  let doc: { config?: Record<string, unknown> };
  try {
    doc = parseYaml(fs.readFileSync(file, "utf8")) ?? {};
  } catch (err) {
    throw new Error(`${file}: is not valid YAML: ${(err as Error).message}`, { cause: err });
  }
  return stackConfigFromObject(stack, doc.config ?? {}, file);
}

/** `secrets` are set as secret config values (tests pass canaries here); `secure:` entries become placeholders. */
export function stackConfigFromObject(
  stack: string,
  config: Record<string, unknown>,
  file = `Pulumi.${stack}.yaml`,
  secrets: Partial<Record<SecretKey, string>> = {},
): StackFile {
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [name, value] of Object.entries(secrets)) {
    values[`${PROJECT}:${name}`] = value;
    secretKeys.push(`${PROJECT}:${name}`);
  }
  const placeholderSecrets: SecretKey[] = [];
  for (const [key, value] of Object.entries(config)) {
    const fullKey = key.includes(":") ? key : `${PROJECT}:${key}`;
    if (value && typeof value === "object" && "secure" in (value as object)) {
      const name = fullKey.slice(PROJECT.length + 1) as SecretKey;
      values[fullKey] = OFFLINE_SECRET_PLACEHOLDERS[name] ?? "offline placeholder";
      secretKeys.push(fullKey);
      placeholderSecrets.push(name);
      continue;
    }
    values[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
  }
  const phase = values[`${PROJECT}:phase`] as Phase;
  if (!PHASES.includes(phase))
    throw new Error(`${file}: ${PROJECT}:phase must be one of ${PHASES.join(", ")}; got ${JSON.stringify(phase)}`);
  const contradiction = phaseStackProblem(stack, phase, file);
  if (contradiction) throw new Error(`${file}: ${contradiction}`);
  for (const [name, rule] of Object.entries(SECRET_KEYS) as Array<[SecretKey, (typeof SECRET_KEYS)[SecretKey]]>) {
    const fullKey = `${PROJECT}:${name}`;
    if (rule.requiredIn.includes(phase) && values[fullKey] === undefined) {
      values[fullKey] = OFFLINE_SECRET_PLACEHOLDERS[name];
      secretKeys.push(fullKey);
      placeholderSecrets.push(name);
    }
  }
  const placeholderImages: string[] = [];
  const stand = (OFFLINE_IMAGE_PLACEHOLDERS as Partial<Record<Phase, { object: string; image: object }>>)[phase];
  if (stand) {
    const fullKey = `${PROJECT}:${stand.object}`;
    const current = values[fullKey] ? (JSON.parse(values[fullKey]) as Record<string, unknown>) : {};
    if (current && typeof current === "object" && current.image === undefined) {
      values[fullKey] = JSON.stringify({ ...current, image: stand.image });
      placeholderImages.push(`${stand.object}.image`);
    }
  }
  return { phase, stack, file, config: { values, secretKeys }, placeholderSecrets, placeholderImages };
}

/** The fully qualified names walk and run use to reach earlier stacks (config `stackRefs`, or the file-backend default). */
export function stackRefName(config: RawStackConfig, target: Phase): string {
  const refs = config.values[`${PROJECT}:stackRefs`];
  const parsed = refs ? (JSON.parse(refs) as Partial<Record<Phase, string>>) : {};
  return parsed[target] ?? defaultStackRef(PROJECT, target);
}
