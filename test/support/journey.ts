import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PROJECT, Phase, SecretKey } from "../../config/schema";
import { offlinePlan } from "../../offline/plan";
import { PhaseEvaluation, RecordedResource, SECRET, isSecretValue } from "../../offline/evaluator";
import { PROJECT_DIR, StackFile, stackConfigFromObject } from "../../offline/stackConfig";

/** Config of the repository's Pulumi.<phase>.yaml, without the `cloud-migration-journey:` prefix. */
export function repoStackConfig(phase: Phase): Record<string, unknown> {
  const doc = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${phase}.yaml`), "utf8"));
  return Object.fromEntries(
    Object.entries(doc.config as Record<string, unknown>).map(([k, v]) => [
      k.startsWith(`${PROJECT}:`) ? k.slice(PROJECT.length + 1) : k,
      v,
    ]),
  );
}

export const CANARY = {
  konnectToken: "kpat_CANARYkonnecttoken0123456789abcdef",
  onPremSshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nCANARYsshkey\n-----END OPENSSH PRIVATE KEY-----",
  meshLicense: '{"license":"CANARYmeshlicence"}',
  notifyUrl: "https://hooks.example.com/services/CANARYnotifytoken",
} satisfies Record<SecretKey, string>;

export interface PhaseOverrides {
  config?: Partial<Record<Phase, Record<string, unknown>>>;
  secrets?: Partial<Record<SecretKey, string>>;
}

/** Stack files of the journey up to `phase`: the repository's stack config plus overrides, canary secrets. */
export function journeyStackFiles(phase: Phase, overrides: PhaseOverrides = {}): Partial<Record<Phase, StackFile>> {
  const phases = (["crawl", "walk", "run"] as Phase[]).slice(0, ["crawl", "walk", "run"].indexOf(phase) + 1);
  const stackFiles: Partial<Record<Phase, StackFile>> = {};
  for (const p of phases) {
    const config = { ...repoStackConfig(p), ...(overrides.config?.[p] ?? {}) };
    const prefixed = Object.fromEntries(
      Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `${PROJECT}:${k}`, v]),
    );
    stackFiles[p] = stackConfigFromObject(p, prefixed, `Pulumi.${p}.yaml`, {
      konnectToken: CANARY.konnectToken,
      ...(overrides.secrets ?? {}),
    });
  }
  return stackFiles;
}

/** Evaluates the journey offline up to `phase` with the repository's stack config plus overrides. */
export async function evaluateJourney(
  phase: Phase,
  overrides: PhaseOverrides = {},
): Promise<Record<Phase, PhaseEvaluation>> {
  const stackFiles = journeyStackFiles(phase, overrides);
  const plan = await offlinePlan({ phases: Object.keys(stackFiles) as Phase[], stackFiles });
  return Object.fromEntries(plan.phases.map((p) => [p.phase, p])) as unknown as Record<Phase, PhaseEvaluation>;
}

export function ofType(resources: RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((r) => r.type === type);
}

export function named(resources: RecordedResource[], name: string): RecordedResource {
  const found = resources.find((r) => r.name === name);
  if (!found) throw new Error(`no resource named ${name}; have ${resources.map((r) => r.name).join(", ")}`);
  return found;
}

/** Whether a recorded input or output is marked secret. */
export const isSecret = isSecretValue;

/** The value inside a secret marker; anything else as it is. */
export function unwrapSecret(value: unknown): unknown {
  return isSecretValue(value) ? value[SECRET] : value;
}

/** Whether a debian tool is installed; tests that need it skip with a clear message otherwise. */
export function hasTool(tool: string): boolean {
  return (process.env.PATH ?? "").split(path.delimiter).some((dir) => fs.existsSync(path.join(dir, tool)));
}
