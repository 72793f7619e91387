import type { Phase } from "./project";

/** Secrets the program reads from stack config, and the phases that need each. */
export const SECRET_KEYS = {
  konnectToken: {
    requiredIn: ["crawl", "walk"] as Phase[],
    hint: "a Konnect personal (kpat_) or system-account (spat_) access token",
  },
  onPremSshPrivateKey: {
    requiredIn: [] as Phase[],
    hint: "the OpenSSH private key for existing on-prem hosts (onPrem.mode: existing)",
  },
  meshLicense: {
    requiredIn: [] as Phase[],
    hint: "the Kong Mesh licence JSON (required in walk unless mesh.trial: true)",
  },
  /** Read by `journey` (not the program) from run's stack: where it posts notifications. */
  notifyUrl: {
    requiredIn: [] as Phase[],
    hint: "the webhook journey posts its steps, gate decisions and rollbacks to (https)",
  },
} as const;
export type SecretKey = keyof typeof SECRET_KEYS;
