/** Every stack config key of this program lives under this namespace, e.g. `cloud-migration-journey:phase`. */
export const PROJECT = "cloud-migration-journey";
export const PHASES = ["crawl", "walk", "run"] as const;
export type Phase = (typeof PHASES)[number];
