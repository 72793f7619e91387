/** The offline plan as `journey plan --json` prints it: the two sides a plan diff compares. */
import type { Phase } from "../../config/schema";
import type { OfflinePlan } from "../../offline/plan";
import { planJson } from "../planReport";

export interface PlanResource {
  urn: string;
  type: string;
  name: string;
  parent: string | null;
  inputs: Record<string, unknown>;
  /** Earlier URNs of this resource named by its `aliases` option (RecordedResource.aliases); absent when none. */
  aliases?: string[];
}

export interface PlanPhase {
  phase: Phase;
  stack: string;
  resources: PlanResource[];
  outputs: Record<string, unknown>;
}

/** `journey plan --json`: planJson() of an offline plan. */
export interface PlanDocument {
  mode: "offline";
  phases: PlanPhase[];
}

export const planDocument = (plan: OfflinePlan): PlanDocument => planJson(plan) as PlanDocument;
