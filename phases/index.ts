import { loadStackConfig } from "../config/load";
import { crawl } from "./crawl";

/** Declares the resources of the phase this stack is configured for and returns its outputs. */
export function declarePhase(): Record<string, unknown> {
  const { config, secrets } = loadStackConfig();
  switch (config.phase) {
    case "crawl":
      return crawl(config, secrets);
    default:
      throw new Error(`phase ${config.phase} is not implemented yet`);
  }
}
