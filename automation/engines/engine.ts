import type { StackFile } from "../../offline/stackConfig";
import type { UpdateKind, UpdateResult } from "@pulumi/pulumi/automation";
import type { Phase } from "../../config/schema";
import type { ChangeCounts, Emit, EngineKind } from "../journey/events";

/**
 * What the journey needs from whatever runs the stacks: the Pulumi engine (a local program over
 * the Automation API) or the offline engine (the program evaluated in-process). One stack per
 * phase, named after it. The journey's orchestration is written against this interface only.
 */
export interface Engine {
  readonly kind: EngineKind;
  /** Where the stacks live: engines with the same key share stacks, so operations on them are exclusive. */
  readonly stateKey: string;
  /** One line for people: which engine, which backend. */
  describe(): string;
  /** The stack files the engine evaluates, where they are not the project's own (offline rehearsals, tests). */
  readonly stackFiles?: Partial<Record<Phase, StackFile>>;

  /** Where a phase's stack stands, read from the stack itself. Never creates it. */
  inspect(phase: Phase): Promise<StackState>;
  preview(phase: Phase, options: OperationOptions): Promise<PhaseResult>;
  /** Creates the stack when it does not exist yet. */
  up(phase: Phase, options: OperationOptions): Promise<UpResult>;
  destroy(phase: Phase, options: DestroyOptions): Promise<PhaseResult>;
  /** Cancels the update running on the stack, or clears the lock a crashed one left. */
  cancel(phase: Phase): Promise<void>;

  /** The stack's resources with their last known outputs. */
  resources(phase: Phase): Promise<DeployedResource[]>;
  /** The stack's updates, newest first. */
  history(phase: Phase, limit?: number): Promise<UpdateRecord[]>;

  /** A config value of this project (`migrations` for `cloud-migration-journey:migrations`), parsed; undefined when unset. */
  readConfig(phase: Phase, key: string): Promise<unknown>;
  /** Sets a plain value at a config path of this project, e.g. `migrations[0].weight`. */
  setConfig(phase: Phase, path: string, value: string | number | boolean): Promise<void>;

  /** Releases what the engine holds (workspaces, in-memory state). */
  dispose(): Promise<void>;
}

export interface StackState {
  phase: Phase;
  stack: string;
  exists: boolean;
  resourceCount: number;
  /** Stack outputs; secret values wrapped as `{ [SECRET]: value }` (offline/evaluator.ts). */
  outputs: Record<string, unknown>;
  /** The backend reports an update running on the stack (or a lock left behind). */
  updateInProgress: boolean;
  /** Who holds the lock, where the backend says (file backends: user@host (pid) since when). */
  lockHolder?: string;
}

export interface UpdateRecord {
  kind: UpdateKind;
  result: UpdateResult;
  message?: string;
  startTime?: string;
}

export interface DeployedResource {
  urn: string;
  type: string;
  /** Outputs as the backend holds them (inputs offline, where the mocks echo them). */
  outputs: Record<string, unknown>;
}

export interface OperationOptions {
  emit: Emit;
  signal?: AbortSignal;
  /** Recorded in the stack's update history. */
  message?: string;
}

export interface DestroyOptions extends OperationOptions {
  /** Destroy only these resources and what depends on them. */
  targets?: string[];
}

export interface PhaseResult {
  changes: ChangeCounts;
}

export interface UpResult extends PhaseResult {
  outputs: Record<string, unknown>;
}

/** The journey's phases are one stack each, named after the phase. */
export const stackNameOf = (phase: Phase): string => phase;

export const isStackRoot = (type: string): boolean => type === "pulumi:pulumi:Stack";

export function nameOfUrn(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}
