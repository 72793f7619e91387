import { SECRET_PATTERNS } from "../../render/secretMaterial";
import { formatPath, Path, ResourceView, strings } from "../view";
import type { KnownSecret, ResourceRule } from "./types";

/** The program's secret stack config keys (config/secrets.ts SECRET_KEYS); their values are looked for in plaintext. */
export const SECRET_CONFIG_KEYS = ["konnectToken", "onPremSshPrivateKey", "meshLicense", "notifyUrl"] as const;

/**
 * Shapes of secret material: the renderers' own (render/secretMaterial.ts: PEM private keys, Konnect
 * tokens) plus JSON web tokens, the form of every Kuma zone, dataplane and admin token.
 */
export const SECRET_SHAPES: ReadonlyArray<readonly [string, RegExp]> = [
  ...SECRET_PATTERNS,
  ["a JSON web token (e.g. a Kuma token)", /\beyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/],
];

/** Shorter known values would match by accident. */
const MIN_SECRET_LENGTH = 8;

/** What secret material `text` carries, by label; never the material itself. */
function secretMaterialIn(text: string, known: readonly KnownSecret[]): string | undefined {
  const shape = SECRET_SHAPES.find(([, pattern]) => pattern.test(text));
  if (shape) return shape[0];
  const value = known.find((s) => s.value.length >= MIN_SECRET_LENGTH && text.includes(s.value));
  return value?.label;
}

const USER_DATA_TYPES = ["aws:ec2/instance:Instance", "aws:ec2/launchTemplate:LaunchTemplate"];
const WORKLOAD_PREFIXES = ["kubernetes:apps/", "kubernetes:batch/", "kubernetes:core/v1:Pod"];

/**
 * Where a value sits: `never`, a place no secret may reach even marked secret (user-data is served to
 * every process on the host by the metadata service; command lines show in `ps` and logs; a world- or
 * group-readable host file; a container's literal env value and a ConfigMap are readable by anyone who
 * can read the object), or `channel`, a place secrets legitimately travel if the engine marks them secret
 * (SSH stdin and environment, 0600 host files, Kubernetes Secrets, provider credentials, stack outputs).
 */
function secretLocation(r: ResourceView, path: Path): "never" | "channel" {
  const [first] = path;
  if (USER_DATA_TYPES.includes(r.type) && (first === "userData" || first === "userDataBase64")) return "never";
  if (r.type.startsWith("command:") && (first === "create" || first === "update" || first === "delete")) return "never";
  if (r.type === "journey:host:File" && first === "content")
    return r.props.mode === "0600" || r.props.mode === "0400" ? "channel" : "never";
  if (
    WORKLOAD_PREFIXES.some((p) => r.type.startsWith(p)) &&
    path.length >= 2 &&
    path[path.length - 1] === "value" &&
    path[path.length - 3] === "env"
  )
    return "never";
  if (r.type === "kubernetes:core/v1:ConfigMap" && (first === "data" || first === "binaryData")) return "never";
  return "channel";
}

const decodeBase64 = (text: string) => {
  try {
    return Buffer.from(text, "base64").toString("utf8");
  } catch {
    return "";
  }
};

export const noPlaintextSecrets: ResourceRule = {
  scope: "resource",
  name: "no-plaintext-secrets",
  description:
    "No secret material (PEM private keys, Konnect kpat_/spat_ tokens, JWTs, values of secret config or secret outputs) in user-data, command lines, " +
    "world-readable host files, container env values or ConfigMaps at all, and nowhere else unless the engine marks it secret (resource inputs, stack outputs).",
  enforcement: "mandatory",
  remediation:
    "Deliver secrets as 0600 host files over SSH stdin, Kubernetes Secrets (secretKeyRef) or secret config; wrap values in pulumi.secret() or list them in additionalSecretOutputs.",
  configSchema: {
    properties: {
      secretConfigKeys: {
        type: "array",
        items: { type: "string" },
        description: "Stack config keys (without the project prefix) whose values must never appear in plaintext",
        default: [...SECRET_CONFIG_KEYS],
      },
    },
  },
  check(r, ctx) {
    const messages: string[] = [];
    for (const { path, value } of strings(r.props)) {
      const text = path[0] === "userDataBase64" ? decodeBase64(value) : value;
      const found = secretMaterialIn(text, ctx.secrets);
      if (!found) continue;
      const where = formatPath(path);
      if (secretLocation(r, path) === "never") {
        messages.push(`${where} carries ${found}: ${neverReason(r, path)}; deliver it over a secret channel instead`);
      } else if (r.isSecret(path) === false) {
        messages.push(
          `${where} carries ${found} but is not marked secret: the state and every preview would hold it in plaintext`,
        );
      }
    }
    return messages;
  },
};

function neverReason(r: ResourceView, path: Path): string {
  const [first] = path;
  if (first === "userData" || first === "userDataBase64")
    return "user-data is readable by every process on the instance (IMDS)";
  if (r.type.startsWith("command:")) return "command lines show in process lists and logs";
  if (r.type === "journey:host:File") return `the file is mode ${String(r.props.mode)}, readable beyond its owner`;
  if (r.type === "kubernetes:core/v1:ConfigMap") return "ConfigMaps are not secret";
  return "a literal env value is readable by anyone who can read the workload";
}
