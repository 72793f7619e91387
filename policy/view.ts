/**
 * The neutral view every rule of the pack reads: one resource as plain JSON, whichever engine
 * produced it. Two adapters build it:
 *
 * - `crossguard.ts` (`pulumi preview|up --policy-pack policy`): props are what the Pulumi engine hands
 *   the analyzer (inputs for resource policies, outputs for stack policies), secrets already unwrapped by
 *   `@pulumi/policy`, values unknown during preview turned into `UNKNOWN`. `isSecret()` answers `undefined`:
 *   the pack cannot tell a secret from a plain value there.
 * - `offline.ts` (`journey plan --policy`): props are the inputs the offline engine recorded, with its
 *   `{ "__secret__": v }` envelopes removed; `isSecret(path)` reads those envelopes. Deploy-time values are
 *   the mocks' `[unknown.<resource>.<property>]` placeholders.
 */

export type Path = ReadonlyArray<string | number>;

export interface ResourceView {
  readonly type: string;
  readonly name: string;
  readonly urn?: string;
  /** Plain JSON: no secret envelopes, no Outputs, no proxies. */
  readonly props: Readonly<Record<string, unknown>>;
  /**
   * Whether the value at `path` (or the whole resource without a path) is marked secret by the engine:
   * `true` or `false` where the environment records secrecy, `undefined` where it cannot tell (CrossGuard).
   */
  isSecret(path?: Path): boolean | undefined;
}

export interface StackView {
  readonly resources: readonly ResourceView[];
}

/** Values known only after deployment: `[unknown]` (CrossGuard preview) or `[unknown.<r>.<p>]` (offline). */
export { isUnknown, mentionsUnknown, UNKNOWN_TEXT as UNKNOWN } from "../offline/mocks";

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The value at `path`, or undefined where the path leaves the data. */
export function at(value: unknown, path: Path): unknown {
  let node = value;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** Every string in a JSON value, with its path. */
export function* strings(value: unknown, path: Path = []): Generator<{ path: Path; value: string }> {
  if (typeof value === "string") {
    yield { path, value };
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* strings(value[i], [...path, i]);
  } else if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) yield* strings(child, [...path, key]);
  }
}

/** `spec.template.spec.containers[0].env[1].value` */
export function formatPath(path: Path): string {
  return (
    path.map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? key : `.${key}`)).join("") || "(the value)"
  );
}

/** `aws:ec2/instance:Instance` -> `aws:ec2:Instance`, the form the plan's tree prints. */
export function shortType(type: string): string {
  const dynamic = "pulumi-nodejs:dynamic/";
  if (type.startsWith(dynamic)) return type.slice(dynamic.length);
  const [pkg, mod, name] = type.split(":");
  return name ? `${pkg}:${mod.split("/")[0]}:${name}` : type;
}

/**
 * A pulumi-eks component (`eks:index:*`) whose registration carries no inputs. The offline plan records the
 * program's own registration (inputs included); a real preview sees the component as pulumi-eks's provider
 * registers it, without inputs where that provider runs a Node.js SDK older than 3.202. Rules then judge its
 * children (`aws:eks/cluster:Cluster`, `aws:eks/nodeGroup:NodeGroup`, launch templates), which the engine also analyzes.
 */
export function isOpaqueComponent(r: ResourceView): boolean {
  return r.type.startsWith("eks:index:") && Object.keys(r.props).length === 0;
}

/** The types of a resource's ancestors, read from its URN (`…::journey:cloud:Zone$eks:index:Cluster$aws:…::name`). */
export function ancestorTypes(urn: string | undefined): string[] {
  const parts = urn?.split("::") ?? [];
  if (parts.length < 4) return [];
  return parts[parts.length - 2].split("$").slice(0, -1);
}

/** A view over plain props, for adapters and tests: secrecy from a predicate (or unknown to the environment). */
export function viewOf(
  resource: { type: string; name: string; urn?: string; props: Record<string, unknown> },
  isSecret: (path: Path) => boolean | undefined = () => undefined,
): ResourceView {
  return {
    type: resource.type,
    name: resource.name,
    urn: resource.urn,
    props: resource.props,
    isSecret: (path = []) => isSecret(path),
  };
}
