import { createHash, timingSafeEqual } from "crypto";
import * as fs from "fs";
import { parseYaml } from "../lib/yaml";
import { z } from "zod";

/**
 * Who may call the portal API. Bearer tokens come from a secret file and/or the environment;
 * each has a role: `read-only` reads (phases, plan, jobs, their events), `operator` also starts
 * and cancels jobs. Tokens are kept only as SHA-256 digests and compared in constant time.
 */

export const ROLES = ["read-only", "operator"] as const;
export type Role = (typeof ROLES)[number];

export interface Caller {
  /** The token's name, recorded on the jobs it starts; never the token. */
  name: string;
  role: Role;
}

/** Short tokens can be guessed; 24 characters of a random generator (`openssl rand -hex 24`) are plenty. */
export const MIN_TOKEN_LENGTH = 24;

/** Environment variables read by `tokensFromEnv`. */
export const TOKEN_ENV = {
  file: "JOURNEY_API_TOKENS_FILE",
  operator: "JOURNEY_OPERATOR_TOKENS",
  readOnly: "JOURNEY_READONLY_TOKENS",
} as const;

const TOKEN = z
  .string()
  .min(MIN_TOKEN_LENGTH, `must be at least ${MIN_TOKEN_LENGTH} characters (e.g. \`openssl rand -hex 24\`)`)
  .max(512, "must be at most 512 characters")
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

/** The secret file: `tokens: [{name, role, token}]`, YAML or JSON. */
export const tokensFileSchema = z
  .object({
    tokens: z
      .array(
        z
          .object({
            name: z
              .string()
              .regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/, "must be 1-64 letters, digits, '_', '.', '@' or '-'"),
            role: z.enum(ROLES, { message: `must be one of ${ROLES.join(", ")}` }),
            token: TOKEN,
          })
          .strict(),
      )
      .min(1, "lists no token"),
  })
  .strict();

export interface TokenEntry extends Caller {
  token: string;
}

export class TokenConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TokenConfigError";
  }
}

/** Reads the tokens file. Warns (through `warn`) when others than its owner may read it. */
export function readTokensFile(file: string, warn: (message: string) => void = () => undefined): TokenEntry[] {
  let text: string;
  try {
    const stat = fs.statSync(file);
    if ((stat.mode & 0o077) !== 0)
      warn(
        `${file} can be read by users other than its owner (mode ${(stat.mode & 0o777).toString(8)}); \`chmod 600 ${file}\``,
      );
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new TokenConfigError(
      `cannot read the tokens file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new TokenConfigError(`${file} is not YAML or JSON: ${(err as Error).message.split("\n")[0]}`);
  }
  const parsed = tokensFileSchema.safeParse(doc);
  if (!parsed.success) {
    // Never echo the values: they are secrets.
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(document)"}: ${i.message}`);
    throw new TokenConfigError(`${file}: ${problems.join("; ")}`);
  }
  return parsed.data.tokens;
}

/** Tokens from `JOURNEY_OPERATOR_TOKENS` / `JOURNEY_READONLY_TOKENS` (comma-separated). */
export function tokensFromEnv(env: NodeJS.ProcessEnv): TokenEntry[] {
  const entries: TokenEntry[] = [];
  for (const [variable, role] of [
    [TOKEN_ENV.operator, "operator"],
    [TOKEN_ENV.readOnly, "read-only"],
  ] as const) {
    const tokens = (env[variable] ?? "")
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean);
    tokens.forEach((token, i) => {
      const checked = TOKEN.safeParse(token);
      if (!checked.success)
        throw new TokenConfigError(`${variable}: token ${i + 1} ${checked.error.issues[0].message}`);
      entries.push({ name: `${role}-env-${i + 1}`, role, token });
    });
  }
  return entries;
}

/** Every token the server accepts: the file's (option, or `JOURNEY_API_TOKENS_FILE`) and the environment's. */
export function loadTokens(options: {
  file?: string;
  env: NodeJS.ProcessEnv;
  warn?: (message: string) => void;
}): TokenEntry[] {
  const file = options.file ?? (options.env[TOKEN_ENV.file] || undefined);
  const entries = [...(file ? readTokensFile(file, options.warn) : []), ...tokensFromEnv(options.env)];
  if (entries.length === 0) {
    throw new TokenConfigError(
      `no API token is configured: pass --tokens-file <file> (YAML: tokens: [{name, role: operator|read-only, token}]) or set ${TOKEN_ENV.operator} / ${TOKEN_ENV.readOnly}`,
    );
  }
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.token))
      throw new TokenConfigError(
        `the same token is configured twice (second time as ${entry.name}); give each caller its own`,
      );
    seen.add(entry.token);
  }
  return entries;
}

const digest = (token: string) => createHash("sha256").update(token, "utf8").digest();

export class TokenStore {
  private readonly entries: Array<Caller & { digest: Buffer }>;

  constructor(tokens: TokenEntry[]) {
    this.entries = tokens.map(({ name, role, token }) => ({ name, role, digest: digest(token) }));
  }

  /** The caller a token belongs to; every entry is compared, in constant time each. */
  identify(token: string): Caller | undefined {
    const presented = digest(token);
    let found: Caller | undefined;
    for (const entry of this.entries)
      if (timingSafeEqual(entry.digest, presented) && !found) found = { name: entry.name, role: entry.role };
    return found;
  }
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(header ?? "");
  return match?.[1];
}

export const allows = (caller: Caller, needed: Role): boolean => needed === "read-only" || caller.role === "operator";
