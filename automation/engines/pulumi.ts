import * as fs from "fs";
import * as path from "path";
import { parseYaml } from "../../lib/yaml";
import {
  CommandError,
  ConcurrentUpdateError,
  LocalWorkspace,
  OutputMap,
  PulumiCommand,
  Stack,
  StackNotFoundError,
} from "@pulumi/pulumi/automation";
import { Phase, PROJECT, SECRET_KEYS, SecretKey } from "../../config/schema";
import { EngineError, JourneyError, StackLockedError } from "../journey/errors";
import { SECRET } from "../../offline/evaluator";
import { PROJECT_DIR } from "../../offline/stackConfig";
import type {
  DeployedResource,
  DestroyOptions,
  Engine,
  OperationOptions,
  PhaseResult,
  StackState,
  UpdateRecord,
  UpResult,
} from "./engine";
import { stackNameOf } from "./engine";
import { EngineEventTranslator } from "./pulumiEvents";
import { fileBackendLockHolders } from "./fileLocks";
import { setSecretConfig } from "./secretConfig";
import { KeyedSerial } from "./serial";

/**
 * The Pulumi engine: this project's directory as a local program (`LocalWorkspace` over its
 * Pulumi.yaml and Pulumi.<phase>.yaml), one stack per phase, state in a file backend under the
 * user's home unless PULUMI_BACKEND_URL says otherwise (s3://…, Pulumi Cloud).
 *
 * Environment it reads:
 * - PULUMI_BACKEND_URL: state backend (default `file://~`, i.e. ~/.pulumi, as `pulumi login --local`);
 * - PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE: the passphrase secrets provider;
 * - JOURNEY_SECRETS_PROVIDER: another secrets provider for new stacks, e.g. `awskms://alias/journey`;
 * - JOURNEY_PULUMI_ROOT: a pinned CLI installation (`<root>/bin/pulumi`) instead of `pulumi` on PATH;
 * - JOURNEY_PROJECT_DIR: the project folder (Pulumi.yaml and the stack files) instead of this one;
 * - KONNECT_TOKEN, KONG_MESH_LICENSE, ONPREM_SSH_PRIVATE_KEY: set as secret config of the phases that read them;
 * - everything the CLI and the providers read themselves (PULUMI_ACCESS_TOKEN, AWS_*).
 */

export const DEFAULT_BACKEND_URL = "file://~";
/** Self-managed ("DIY") backends encrypt secrets with a passphrase unless told otherwise. */
const DIY_BACKEND = /^(file|s3|gs|azblob):\/\//;

/** Secrets CI hands over in the environment, set as secret stack config where the program reads them. */
export const SECRETS_FROM_ENV: ReadonlyArray<{ env: string; key: SecretKey; phases: readonly Phase[] }> = [
  { env: "KONNECT_TOKEN", key: "konnectToken", phases: SECRET_KEYS.konnectToken.requiredIn },
  { env: "KONG_MESH_LICENSE", key: "meshLicense", phases: ["walk"] },
  { env: "ONPREM_SSH_PRIVATE_KEY", key: "onPremSshPrivateKey", phases: ["crawl"] },
];

export interface PulumiEngineOptions {
  /** The Pulumi project; defaults to this repository. */
  workDir?: string;
  /** The environment to read settings from and hand to the CLI; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** A CLI to use instead of the one on PATH (or under JOURNEY_PULUMI_ROOT). */
  pulumiCommand?: PulumiCommand;
  /**
   * Whether an aborted operation sends SIGINT to the CLI (default true). A terminal's Ctrl-C
   * already reaches the CLI, which is in the same process group, and a second SIGINT would make it
   * stop at once instead of cleanly: the journey CLI turns this off on a terminal.
   */
  interruptOnAbort?: boolean;
}

/** Stack create/select write the workspace's current stack: one at a time per project directory. */
const selections = new KeyedSerial();

export class PulumiEngine implements Engine {
  readonly kind = "pulumi";
  private readonly workDir: string;
  private readonly env: NodeJS.ProcessEnv;
  private workspace?: Promise<LocalWorkspace>;
  private cliVersion?: string;
  private readonly stacks = new Map<Phase, Stack>();

  constructor(private readonly options: PulumiEngineOptions = {}) {
    this.env = options.env ?? process.env;
    this.workDir = path.resolve(options.workDir ?? (this.env.JOURNEY_PROJECT_DIR || PROJECT_DIR));
  }

  get backendUrl(): string {
    return this.env.PULUMI_BACKEND_URL || DEFAULT_BACKEND_URL;
  }

  get stateKey(): string {
    return `pulumi:${this.backendUrl}:${this.workDir}`;
  }

  describe(): string {
    return `Pulumi engine (backend ${this.backendUrl}${this.cliVersion ? `, CLI v${this.cliVersion}` : ""})`;
  }

  async inspect(phase: Phase): Promise<StackState> {
    const ws = await this.ready();
    const summary = (await this.call(phase, "stack ls", () => ws.listStacks())).find(
      (s) => s.name.split("/").pop() === stackNameOf(phase),
    );
    if (!summary)
      return {
        phase,
        stack: stackNameOf(phase),
        exists: false,
        resourceCount: 0,
        outputs: {},
        updateInProgress: false,
      };
    this.checkSecretsProvider(phase);
    const outputs = await this.call(phase, "stack output", () => ws.stackOutputs(stackNameOf(phase)));
    return {
      phase,
      stack: stackNameOf(phase),
      exists: true,
      resourceCount: summary.resourceCount ?? 0,
      outputs: markSecrets(outputs),
      ...this.lockState(phase, summary.updateInProgress ?? false),
    };
  }

  async preview(phase: Phase, options: OperationOptions): Promise<PhaseResult> {
    const stack = await this.stack(phase, "createOrSelect");
    const events = new EngineEventTranslator(phase, "preview", options.emit);
    const result = await this.call(phase, "preview", () =>
      stack.preview({ onEvent: events.onEvent, signal: this.interrupt(options), color: "never" }),
    );
    return { changes: events.changes ?? result.changeSummary };
  }

  async up(phase: Phase, options: OperationOptions): Promise<UpResult> {
    const stack = await this.stack(phase, "createOrSelect");
    const events = new EngineEventTranslator(phase, "up", options.emit);
    const result = await this.call(phase, "up", () =>
      stack.up({ onEvent: events.onEvent, signal: this.interrupt(options), color: "never", message: options.message }),
    );
    return { changes: events.changes ?? result.summary.resourceChanges ?? {}, outputs: markSecrets(result.outputs) };
  }

  async destroy(phase: Phase, options: DestroyOptions): Promise<PhaseResult> {
    const stack = await this.stack(phase, "select");
    if (!stack) return { changes: {} };
    const events = new EngineEventTranslator(phase, "destroy", options.emit);
    const targeted = options.targets ? { target: options.targets, targetDependents: true } : {};
    const result = await this.call(phase, "destroy", () =>
      stack.destroy({
        onEvent: events.onEvent,
        signal: this.interrupt(options),
        color: "never",
        message: options.message,
        ...targeted,
      }),
    );
    return { changes: events.changes ?? result.summary.resourceChanges ?? {} };
  }

  async cancel(phase: Phase): Promise<void> {
    const stack = await this.stack(phase, "select");
    if (!stack)
      throw new EngineError(`there is no stack ${stackNameOf(phase)} on ${this.backendUrl}: nothing to cancel`);
    await this.call(phase, "cancel", () => stack.cancel());
  }

  async resources(phase: Phase): Promise<DeployedResource[]> {
    const stack = await this.stack(phase, "select");
    if (!stack) return [];
    const { deployment } = await this.call(phase, "stack export", () => stack.exportStack());
    const resources: Array<{ urn: string; type: string; outputs?: Record<string, unknown> }> =
      deployment?.resources ?? [];
    return resources.map((r) => ({ urn: r.urn, type: r.type, outputs: r.outputs ?? {} }));
  }

  async history(phase: Phase, limit?: number): Promise<UpdateRecord[]> {
    const stack = await this.stack(phase, "select");
    if (!stack) return [];
    const updates = await this.call(phase, "stack history", () => stack.history(limit, limit ? 1 : undefined, false));
    return updates.map((u) => ({
      kind: u.kind,
      result: u.result,
      message: u.message || undefined,
      startTime: u.startTime ? new Date(u.startTime).toISOString() : undefined,
    }));
  }

  async readConfig(phase: Phase, key: string): Promise<unknown> {
    const ws = await this.ready();
    let raw: string;
    try {
      raw = (await ws.getConfig(stackNameOf(phase), `${PROJECT}:${key}`)).value;
    } catch (err) {
      if (err instanceof CommandError && /not found|no stack named/.test(stderrOf(err))) return undefined;
      throw translate(err, phase, "config get");
    }
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }

  async setConfig(phase: Phase, configPath: string, value: string | number | boolean): Promise<void> {
    const ws = await this.ready();
    // With --path the CLI stores "25" as the number 25 and "true" as a boolean, as the schema wants them.
    await this.call(phase, "config set", () =>
      ws.setConfig(stackNameOf(phase), `${PROJECT}:${configPath}`, { value: String(value), secret: false }, true),
    );
  }

  async dispose(): Promise<void> {
    this.stacks.clear();
  }

  private ready(): Promise<LocalWorkspace> {
    this.workspace ??= (async () => {
      const pulumiCommand = this.options.pulumiCommand ?? (await this.findCli());
      this.cliVersion = pulumiCommand.version?.toString();
      return LocalWorkspace.create({
        workDir: this.workDir,
        pulumiCommand,
        secretsProvider: this.env.JOURNEY_SECRETS_PROVIDER || undefined,
        envVars: {
          ...definedOnly(this.options.env ?? {}),
          PULUMI_BACKEND_URL: this.backendUrl,
          PULUMI_SKIP_UPDATE_CHECK: "true",
        },
      });
    })();
    return this.workspace;
  }

  private async findCli(): Promise<PulumiCommand> {
    const root = this.env.JOURNEY_PULUMI_ROOT || undefined;
    try {
      return await PulumiCommand.get({ root });
    } catch (err) {
      throw new EngineError(
        `no usable Pulumi CLI ${root ? `under ${root}/bin` : "on PATH"} (${err instanceof CommandError ? stderrOf(err).split("\n")[0] : (err as Error).message}). Install it (https://www.pulumi.com/docs/iac/download-install/) or set JOURNEY_PULUMI_ROOT; \`--offline\` needs none.`,
      );
    }
  }

  /** The phase's stack, selected (and with `createOrSelect` created) once per engine; undefined if it does not exist. */
  private async stack(phase: Phase, mode: "createOrSelect"): Promise<Stack>;
  private async stack(phase: Phase, mode: "select"): Promise<Stack | undefined>;
  private async stack(phase: Phase, mode: "select" | "createOrSelect"): Promise<Stack | undefined> {
    const cached = this.stacks.get(phase);
    if (cached) return cached;
    this.checkSecretsProvider(phase);
    const ws = await this.ready();
    let stack: Stack;
    try {
      stack = await selections.run(this.workDir, () => Stack[mode](stackNameOf(phase), ws));
    } catch (err) {
      if (mode === "select" && err instanceof StackNotFoundError) return undefined;
      throw translate(err, phase, mode === "select" ? "stack select" : "stack select/init");
    }
    if (mode === "createOrSelect") await this.setSecretsFromEnv(stack, phase);
    this.stacks.set(phase, stack);
    return stack;
  }

  private async setSecretsFromEnv(stack: Stack, phase: Phase): Promise<void> {
    for (const { env, key, phases } of SECRETS_FROM_ENV) {
      const value = this.env[env];
      if (!value || !phases.includes(phase)) continue;
      const fullKey = `${PROJECT}:${key}`;
      const current = await stack.getConfig(fullKey).catch(() => undefined);
      if (current?.secret && current.value === value) continue;
      await this.call(phase, "config set", () =>
        setSecretConfig(stack.workspace as LocalWorkspace, stack.name, fullKey, value),
      );
    }
  }

  /** Fails early, and says what to set, where the CLI would fail with "passphrase must be set". */
  private checkSecretsProvider(phase: Phase): void {
    if (!DIY_BACKEND.test(this.backendUrl)) return;
    if (this.env.PULUMI_CONFIG_PASSPHRASE !== undefined || this.env.PULUMI_CONFIG_PASSPHRASE_FILE) return;
    const provider = this.stackSecretsProvider(phase) ?? this.env.JOURNEY_SECRETS_PROVIDER;
    if (provider && !provider.startsWith("passphrase")) return;
    throw new EngineError(
      `stack ${stackNameOf(phase)} on ${this.backendUrl} encrypts its secrets with a passphrase: set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE), or, before the stack is created, JOURNEY_SECRETS_PROVIDER (e.g. awskms://alias/journey)`,
    );
  }

  private stackSecretsProvider(phase: Phase): string | undefined {
    const file = path.join(this.workDir, `Pulumi.${stackNameOf(phase)}.yaml`);
    if (!fs.existsSync(file)) return undefined;
    return (parseYaml(fs.readFileSync(file, "utf8")) ?? {}).secretsprovider;
  }

  /** Pulumi Cloud reports a running update; a file backend only keeps the lock files, which name their holder. */
  private lockState(phase: Phase, updateInProgress: boolean): Pick<StackState, "updateInProgress" | "lockHolder"> {
    const holders = fileBackendLockHolders(this.backendUrl, PROJECT, stackNameOf(phase));
    return {
      updateInProgress: updateInProgress || holders.length > 0,
      ...(holders.length > 0 ? { lockHolder: holders.join("; ") } : {}),
    };
  }

  private interrupt(options: OperationOptions): AbortSignal | undefined {
    return this.options.interruptOnAbort === false ? undefined : options.signal;
  }

  private async call<T>(phase: Phase, action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw translate(err, phase, action);
    }
  }
}

function translate(err: unknown, phase: Phase, action: string): unknown {
  if (err instanceof JourneyError || !(err instanceof CommandError)) return err;
  const stderr = stderrOf(err);
  if (err instanceof ConcurrentUpdateError) {
    const holders = stderr
      .split("\n")
      .filter((line) => /created by|Another update/.test(line))
      .map((line) => line.trim());
    return new StackLockedError(
      phase,
      `another update holds it${holders.length > 0 ? ` (${holders.join("; ")})` : ""}`,
    );
  }
  const errors = stderr
    .split("\n")
    .filter((line) => line.startsWith("error:"))
    .map((line) => line.slice("error:".length).trim());
  const summary = errors.length > 0 ? errors.join("; ") : stderr.trim().split("\n").pop() || err.message.split("\n")[0];
  return new EngineError(
    `pulumi ${action} on stack ${stackNameOf(phase)} failed: ${summary}`,
    undefined,
    stderr.split("\n").slice(-20).join("\n"),
  );
}

/** The CLI's stderr, which CommandError keeps only inside its message. */
function stderrOf(err: CommandError): string {
  return /\n stderr: ([\s\S]*?)\n err\?: /.exec(err.message)?.[1] ?? "";
}

function markSecrets(outputs: OutputMap): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(outputs).map(([key, { value, secret }]) => [key, secret ? { [SECRET]: value } : value]),
  );
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
