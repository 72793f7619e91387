/** Shapes of secret material that must never reach user-data, command lines or plain outputs. */
export const SECRET_PATTERNS: Array<[string, RegExp]> = [
  ["a PEM private key", /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/],
  ["a Konnect access token", /\b(kpat|spat)_[A-Za-z0-9]{20,}/],
];

export function findSecretMaterial(text: string): string | undefined {
  return SECRET_PATTERNS.find(([, pattern]) => pattern.test(text))?.[0];
}

export function assertNoSecretMaterial(where: string, text: string): void {
  const found = findSecretMaterial(text);
  if (found) throw new Error(`${where} would carry ${found} in plaintext; deliver it as a secret file instead`);
}
