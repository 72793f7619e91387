import { loadStackConfig } from "../config/load";
import { crawl } from "./crawl";
import { run } from "./run";
import { walk } from "./walk";

/** Declares the resources of the phase this stack is configured for and returns its outputs. */
export async function declarePhase(): Promise<Record<string, unknown>> {
  const { config, secrets } = loadStackConfig();
  switch (config.phase) {
    case "crawl":
      return crawl(config, secrets);
    case "walk":
      return walk(config, secrets);
    case "run":
      return run(config, secrets);
  }
}
