import * as pulumi from "@pulumi/pulumi";
import type { RegisterResourceRequest, RegisterResourceResponse } from "@pulumi/pulumi/proto/resource_pb";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import type { RawStackConfig } from "../config/load";
import { PROJECT, Phase } from "../config/schema";
import { JourneyMocks, MockContext } from "./mocks";

/**
 * The offline evaluator: evaluates the real program in-process under the SDK's mock monitor, records
 * every resource registration (type, name, parent, inputs with secrets still marked) and the stack
 * outputs. Nothing leaves the process: no CLI, no credentials, no network.
 */

export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  parent?: string;
  custom: boolean;
  /** Inputs as the engine received them: secret values still wrapped in the SDK's secret envelope. */
  inputs: Record<string, unknown>;
  /** Outputs the program asked the engine to keep secret (`additionalSecretOutputs`). */
  secretOutputs: string[];
  /** URNs this resource waits for on create (and outlives on delete). */
  dependencies: string[];
  /** Resource options that change how an update replaces it, when set. */
  replacement?: { deleteBeforeReplace?: boolean; ignoreChanges?: string[] };
  /**
   * The URNs the `aliases` option names, when set: earlier URNs of this resource, which a deployment
   * moves to `urn` instead of deleting and creating it (aliasUrns).
   */
  aliases?: string[];
}

export interface PhaseEvaluation {
  phase: Phase;
  stack: string;
  resources: RecordedResource[];
  /** Stack outputs with secret values wrapped as `{ [SECRET]: value }`. */
  outputs: Record<string, unknown>;
}

export const SECRET = "__secret__";
export interface SecretValue {
  [SECRET]: unknown;
}
export function isSecretValue(v: unknown): v is SecretValue {
  return typeof v === "object" && v !== null && SECRET in v;
}

class RecordingMonitor extends MockMonitor {
  readonly recorded: RecordedResource[] = [];
  /** The stack resource's URN: the parent of every resource declared without one. */
  private root = "";

  async registerResource(
    req: RegisterResourceRequest,
    callback: (err: Error | null, resp: RegisterResourceResponse) => void,
  ): Promise<void> {
    await super.registerResource(req, (err: Error | null, resp: RegisterResourceResponse) => {
      if (!err) {
        if (req.getType() === ROOT_STACK_TYPE && !req.getParent()) this.root = resp.getUrn();
        const aliases = aliasUrns(req, this.root);
        this.recorded.push({
          urn: resp.getUrn(),
          type: req.getType(),
          name: req.getName(),
          parent: req.getParent() || undefined,
          custom: req.getCustom(),
          inputs: recordedInputs(req),
          secretOutputs: req.getAdditionalsecretoutputsList(),
          dependencies: req.getDependenciesList(),
          ...replacementOptions(req),
          ...(aliases.length > 0 ? { aliases } : {}),
        });
      }
      callback(err, resp);
    });
  }
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * The URNs a resource's aliases stand for, computed as the engine computes them from alias specs
 * (pulumi/pulumi pkg/resource/deploy/step_generator.go, collapseAliasToUrn, v3.248.0): the spec's
 * name and type, else the resource's; its parent URN, else the resource's parent; no parent (the
 * `{ parent: pulumi.rootStackResource }` form) and the root stack as parent are the same place.
 *
 * The URNs are written the way the mock monitor writes URNs, so that they compare with recorded
 * ones: a resource at the stack's top level reads `pulumi:pulumi:Stack$<type>` (the engine leaves the
 * stack's type out) and a child `<parent's own type>$<type>` (the engine writes the parent's whole
 * qualified type). Not followed: an alias whose explicit parent has itself been moved by an alias
 * (the engine then uses that parent's old URN); inherited aliases of a moved parent's children are
 * the plan diff's (automation/planDiff/diff.ts).
 */
export function aliasUrns(req: RegisterResourceRequest, rootUrn: string): string[] {
  const urns = new Set<string>(req.getAliasurnsList().map(mockUrnOf));
  for (const alias of req.getAliasesList()) {
    if (alias.hasUrn()) {
      urns.add(mockUrnOf(alias.getUrn()));
      continue;
    }
    const spec = alias.getSpec();
    if (!spec) continue;
    const name = spec.getName() || req.getName();
    const type = spec.getType() || req.getType();
    const parent = spec.getNoparent() ? "" : spec.getParenturn() || req.getParent();
    if (!parent || qualifiedType(parent) === ROOT_STACK_TYPE) {
      const [stack, project] = rootUrn ? urnParts(rootUrn) : ["", ""];
      urns.add(
        `urn:pulumi:${spec.getStack() || stack}::${spec.getProject() || project}::${ROOT_STACK_TYPE}$${type}::${name}`,
      );
    } else {
      urns.add(childUrn(parent, type, name));
    }
  }
  return [...urns];
}

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>` in parts (the name may contain `::`). */
export function urnParts(urn: string): [stack: string, project: string, qualifiedType: string, name: string] {
  const [stack, project, type, ...name] = urn.slice("urn:pulumi:".length).split("::");
  return [stack, project, type ?? "", name.join("::")];
}

const qualifiedType = (urn: string) => urnParts(urn)[2];

/** The URN the mock monitor gives a resource under `parent` (its stack and project, its own type only). */
export function childUrn(parent: string, type: string, name: string): string {
  const [stack, project, parentType] = urnParts(parent);
  return `urn:pulumi:${stack}::${project}::${parentType.split("$").pop()}$${type}::${name}`;
}

/** An engine URN (a string alias) as the mock monitor writes it. */
function mockUrnOf(urn: string): string {
  const [stack, project, type, name] = urnParts(urn);
  const types = type.split("$");
  const written = types.length === 1 ? `${ROOT_STACK_TYPE}$${type}` : types.slice(-2).join("$");
  return `urn:pulumi:${stack}::${project}::${written}::${name}`;
}

function recordedInputs(req: RegisterResourceRequest): Record<string, unknown> {
  const object = req.getObject();
  return object ? (markSecrets(pulumi.runtime.deserializeProperties(object)) as Record<string, unknown>) : {};
}

function replacementOptions(req: RegisterResourceRequest): Pick<RecordedResource, "replacement"> {
  const deleteBeforeReplace = req.getDeletebeforereplace() === true;
  const ignoreChanges: string[] = req.getIgnorechangesList();
  if (!deleteBeforeReplace && ignoreChanges.length === 0) return {};
  return {
    replacement: {
      ...(deleteBeforeReplace ? { deleteBeforeReplace } : {}),
      ...(ignoreChanges.length ? { ignoreChanges } : {}),
    },
  };
}

/** Turns the SDK's secret envelopes into this module's `{ [SECRET]: value }` markers. */
function markSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(markSecrets);
  if (value && typeof value === "object") {
    const v = value as Record<string, unknown>;
    if (v[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return { [SECRET]: markSecrets(v.value) };
    if (pulumi.Resource.isInstance(value)) return (value as { urn?: unknown }).urn ? "[resource]" : value;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, markSecrets(x)]));
  }
  return value;
}

export interface RecordOptions {
  stack?: string;
  config?: RawStackConfig;
  region?: string;
  /** Earlier phases' outputs by fully qualified stack name, fed to StackReference. */
  stackOutputs?: MockContext["stackOutputs"];
  /** Serialise dynamic providers as a real run does (tests of the providers); off for plans. */
  serializeDynamicProviders?: boolean;
}

export interface EvaluateArgs extends RecordOptions {
  phase: Phase;
  stack: string;
  config: RawStackConfig;
  region: string;
  stackOutputs: MockContext["stackOutputs"];
  /** The program: declares the phase's resources and returns its outputs. */
  program: () => Record<string, unknown> | Promise<Record<string, unknown>>;
}

/** Runs one phase of the program against the recording mock monitor; phases run one after another. */
export async function evaluatePhase(args: EvaluateArgs): Promise<PhaseEvaluation> {
  const { resources, outputs } = await recordProgram(args.program, args);
  return { phase: args.phase, stack: args.stack, resources, outputs };
}

/**
 * Runs any program (a phase, or a few resources in a test) under the project's one mock world and
 * returns what it registered and the outputs it returned.
 */
export async function recordProgram(
  program: () => Record<string, unknown> | void | Promise<Record<string, unknown> | void>,
  options: RecordOptions = {},
): Promise<{ resources: RecordedResource[]; outputs: Record<string, unknown> }> {
  const stack = options.stack ?? "test";
  const mocks = new JourneyMocks({ region: options.region ?? "us-west-2", stackOutputs: options.stackOutputs ?? {} });
  await pulumi.runtime.setMocks(mocks, PROJECT, stack, false);
  const monitor = new RecordingMonitor(mocks);
  pulumi.runtime.setMockOptions(monitor, PROJECT, stack, false);
  pulumi.runtime.setAllConfig(options.config?.values ?? {}, options.config?.secretKeys ?? []);

  let declared: Record<string, unknown> = {};
  const restore = options.serializeDynamicProviders ? () => undefined : skipDynamicProviderSerialization();
  // The SDK captures a stack trace per resource for its source position, which the offline plan
  // never shows; mapping those traces through source maps was a third of the evaluation time.
  const stackTraceLimit = Error.stackTraceLimit;
  if (!process.env.JOURNEY_DEBUG) Error.stackTraceLimit = 0;
  // As under the real language host, an error thrown inside an apply (or a required stack output
  // that is missing) fails the program: it surfaces as an unhandled rejection, and whatever waited
  // on that value would otherwise wait for ever.
  let collect: (reason: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (collect = (reason) => reject(programFailure(stack, reason))));
  failed.catch(() => undefined);
  process.on("unhandledRejection", collect);
  try {
    const evaluation = (async () => {
      await pulumi.runtime.runInPulumiStack(async () => {
        declared = (await program()) ?? {};
        return {};
      });
      const outputs = (await resolveOutputs(declared)) as Record<string, unknown>;
      await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
      await new Promise((resolve) => setImmediate(resolve));
      return { resources: monitor.recorded, outputs };
    })();
    return await Promise.race([evaluation, failed]);
  } finally {
    process.off("unhandledRejection", collect);
    Error.stackTraceLimit = stackTraceLimit;
    restore();
  }
}

/** The error of a failed program, without the SDK's "error serializing property" wrapping. */
function programFailure(stack: string, reason: unknown): Error {
  const message = String((reason as Error)?.message ?? reason).replace(/^(error serializing property "[^"]*": )+/, "");
  const failure = new Error(`the ${stack} program failed: ${message}`);
  failure.name =
    (reason as Error)?.name === "RunError" || /^cloud-migration-journey:/.test(message) ? "RunError" : "ProgramError";
  return failure;
}

/**
 * A real run serialises each dynamic provider's code into its resources' `__provider` input
 * (hundreds of milliseconds per provider). Offline nothing runs that code and the plan leaves the
 * input out, so the engine skips the work, and keeps the stand-in out of the SDK's per-provider
 * cache so that a real serialisation later in the process is unaffected. The providers' own tests
 * prove they serialise.
 */
function skipDynamicProviderSerialization(): () => void {
  const closure = require("@pulumi/pulumi/runtime/closure/serializeClosure") as { serializeFunction: unknown };
  const options = (
    require("@pulumi/pulumi/runtime/state") as {
      getStore(): { settings: { options: { cacheDynamicProviders?: boolean } } };
    }
  ).getStore().settings.options;
  const original = closure.serializeFunction;
  const caching = options.cacheDynamicProviders;
  closure.serializeFunction = async () => ({
    text: "offline: dynamic provider code is not serialised",
    exportName: "handler",
    containsSecrets: false,
  });
  options.cacheDynamicProviders = false;
  return () => {
    closure.serializeFunction = original;
    options.cacheDynamicProviders = caching;
  };
}

async function resolveOutputs(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    const output = value as pulumi.Output<unknown>;
    const [secret, resolved] = await Promise.all([
      pulumi.isSecret(output),
      (output as unknown as { promise(): Promise<unknown> }).promise(),
    ]);
    const inner = await resolveOutputs(resolved);
    return secret ? { [SECRET]: inner } : inner;
  }
  if (value instanceof Promise) return resolveOutputs(await value);
  if (Array.isArray(value)) return Promise.all(value.map(resolveOutputs));
  if (value && typeof value === "object" && !pulumi.Resource.isInstance(value)) {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await resolveOutputs(v)] as const),
    );
    return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
  }
  return value;
}

/** Outputs as StackReference serves them to the next phase: plain values plus the names of secret ones. */
export function asStackReferenceOutputs(outputs: Record<string, unknown>): {
  outputs: Record<string, unknown>;
  secretOutputNames: string[];
} {
  const secretOutputNames: string[] = [];
  const plain = Object.fromEntries(
    Object.entries(outputs).map(([k, v]) => {
      if (containsSecret(v)) secretOutputNames.push(k);
      return [k, unwrapSecrets(v)];
    }),
  );
  return { outputs: plain, secretOutputNames };
}

function containsSecret(v: unknown): boolean {
  if (isSecretValue(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (v && typeof v === "object") return Object.values(v).some(containsSecret);
  return false;
}

// Outputs are JSON of a shape only the caller knows; it reads them as such.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function unwrapSecrets(v: unknown): any {
  if (isSecretValue(v)) return unwrapSecrets(v[SECRET]);
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
  return v;
}
