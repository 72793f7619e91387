import type { JourneyConfig, Phase } from "../config/schema";
import { PROJECT } from "../config/schema";

/** Tags every taggable AWS resource of a phase carries. */
export function phaseTags(config: JourneyConfig, phase: Phase): Record<string, string> {
  return { Project: PROJECT, Phase: phase, Owner: config.owner, ManagedBy: "pulumi" };
}
