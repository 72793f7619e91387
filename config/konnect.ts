/** What a Konnect stack config may say: the regions Konnect serves and the shape of an access token. */

export const KONNECT_REGIONS = ["us", "eu", "au", "me", "in", "sg"] as const;
export type KonnectRegion = (typeof KONNECT_REGIONS)[number];

export function isKonnectRegion(value: unknown): value is KonnectRegion {
  return typeof value === "string" && (KONNECT_REGIONS as readonly string[]).includes(value);
}

/** Why `token` cannot be a Konnect access token, or undefined when its shape is right. Never quotes the token. */
export function konnectTokenProblem(token: string | undefined): string | undefined {
  if (token === undefined || token.trim() === "") return "no Konnect token is set";
  if (!/^(kpat|spat)_[A-Za-z0-9]{20,}$/.test(token.trim())) {
    return "the Konnect token is not a personal (kpat_…) or system-account (spat_…) access token";
  }
  return undefined;
}
