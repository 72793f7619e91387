/**
 * Pulumi dynamic resources over the Kuma REST API: any universal resource (Mesh, policies, ...)
 * and the zone / dataplane tokens.
 *
 * Pulumi serialises the provider objects below with `runtime.serializeFunction` and runs them in
 * the `pulumi-nodejs` provider process, without ts-node. What their methods reach must therefore
 * be plain functions and values from this repository or modules under node_modules; never Pulumi
 * resources, Outputs or secrets (test/kuma/serializedProvider.test.ts runs them in a child process).
 */
import * as pulumi from "@pulumi/pulumi";
import type { DataplaneTokenRequest, UniversalResource, ZoneTokenRequest, ZoneTokenScope } from "../../render/kuma";
import type { RetryPolicy } from "../http";
import { KumaClient, KumaConnection, resourceKey, resourcePath } from "./client";

/** What the provider needs to reach a CP, besides the connection itself. Tests use it to avoid sleeping. */
export interface ProviderClientOptions {
  timeoutMs?: number;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

export interface KumaResourceState {
  connection: KumaConnection;
  resource: UniversalResource;
}

export interface KumaResourceOutputs extends KumaResourceState {
  warnings: string[];
}

type DiffResult = pulumi.dynamic.DiffResult;

/** Fields the CP adds to what it was given; not part of the desired state. */
const SERVER_FIELDS = ["creationTime", "modificationTime", "kri"];
/** Labels the CP computes (`kuma.io/origin`, `kuma.io/env`, `kuma.io/mesh`, `k8s.kuma.io/namespace`, ...). */
const CP_LABEL = /^(k8s\.)?kuma\.io\//;

/**
 * The observed resource, reduced to what the program declares: server-set fields dropped, and CP
 * labels dropped unless the desired resource sets them itself.
 */
export function comparableResource(observed: UniversalResource, desired?: UniversalResource): UniversalResource {
  const result: UniversalResource = { ...observed };
  for (const field of SERVER_FIELDS) delete result[field];
  const labels = Object.entries(observed.labels ?? {}).filter(
    ([label]) => !CP_LABEL.test(label) || desired?.labels?.[label] !== undefined,
  );
  if (labels.length > 0) result.labels = Object.fromEntries(labels);
  else delete result.labels;
  return result;
}

/**
 * Replace when the resource's identity (type, mesh, name) changes, since that is another object on
 * the CP; update in place (PUT) for any other change, including a new connection or token.
 */
export function diffKumaResource(olds: KumaResourceState, news: KumaResourceState): DiffResult {
  if (!isObject(news.resource) || !isObject(olds.resource)) return { changes: true };
  const identity = (r: UniversalResource) => [r.type, r.mesh ?? null, r.name];
  const replaces = sameJson(identity(olds.resource), identity(news.resource)) ? [] : ["resource"];
  const changes =
    replaces.length > 0 ||
    !sameJson(comparableResource(olds.resource, news.resource), comparableResource(news.resource, news.resource)) ||
    !sameJson(olds.connection, news.connection);
  return { changes, replaces, deleteBeforeReplace: false };
}

export function makeKumaResourceProvider(
  options: ProviderClientOptions = {},
): pulumi.dynamic.ResourceProvider<KumaResourceState, KumaResourceOutputs> {
  const withClient = async <T>(connection: KumaConnection, use: (client: KumaClient) => Promise<T>): Promise<T> => {
    const client = new KumaClient({ ...options, ...connection });
    try {
      return await use(client);
    } finally {
      await client.close();
    }
  };
  return {
    async diff(_id, olds, news) {
      return diffKumaResource(olds, news);
    },
    async create(inputs) {
      const { warnings } = await withClient(inputs.connection, (client) => client.put(inputs.resource));
      return {
        id: resourcePath(inputs.resource),
        outs: { connection: inputs.connection, resource: inputs.resource, warnings },
      };
    },
    async read(id, props) {
      if (!props)
        throw new Error(`Kuma resource ${id}: cannot be read without its connection (import is not supported)`);
      const observed = await withClient(props.connection, (client) => client.get(resourceKey(props.resource)));
      // Deleted outside Pulumi: an empty result drops it from the state, and the next `up` recreates it.
      if (observed === undefined) return {};
      return { id, props: { ...props, resource: comparableResource(observed, props.resource) } };
    },
    async update(_id, _olds, news) {
      const { warnings } = await withClient(news.connection, (client) => client.put(news.resource));
      return { outs: { connection: news.connection, resource: news.resource, warnings } };
    },
    async delete(_id, props) {
      await withClient(props.connection, (client) => client.delete(resourceKey(props.resource)));
    },
  };
}

// ---- tokens ---------------------------------------------------------------------------------

interface TokenInputs {
  connection: KumaConnection;
  /** Opaque; changing it issues a new token (see KumaZoneToken). */
  rotation?: string;
}

export type ZoneTokenState = TokenInputs & ZoneTokenRequest;
export type DataplaneTokenState = TokenInputs & DataplaneTokenRequest;
export type TokenOutputs<State> = State & { token: string };

/** Any change to what the token asserts (or to `rotation`) issues a new one; a new connection does not. */
export function diffToken<State extends TokenInputs>(
  olds: State,
  news: State,
  claims: readonly (keyof State)[],
): DiffResult {
  const replaces = [...claims, "rotation"].filter(
    (field) => !sameJson(olds[field as keyof State] ?? null, news[field as keyof State] ?? null),
  ) as string[];
  return {
    changes: replaces.length > 0 || !sameJson(olds.connection, news.connection),
    replaces,
    deleteBeforeReplace: false,
  };
}

function makeTokenProvider<State extends TokenInputs>(
  kind: string,
  claims: readonly (keyof State)[],
  issue: (client: KumaClient, inputs: State) => Promise<string>,
  options: ProviderClientOptions,
): pulumi.dynamic.ResourceProvider<State, TokenOutputs<State>> {
  return {
    async diff(_id, olds, news) {
      return diffToken(olds, news, claims);
    },
    async create(inputs) {
      const client = new KumaClient({ ...options, ...inputs.connection });
      try {
        const token = await issue(client, inputs);
        return { id: `${kind}/${crypto.randomUUID()}`, outs: { ...inputs, token } };
      } finally {
        await client.close();
      }
    },
    // A JWT cannot be read back from the CP; the state is the record of it.
    async read(id, props) {
      return { id, props };
    },
    async update(_id, olds, news) {
      return { outs: { ...news, token: olds.token } };
    },
    // Nothing to delete: the CP keeps no token objects. Revoke a leaked token with the CP's
    // revocation secrets or a signing-key rotation.
    async delete() {},
  };
}

export function makeZoneTokenProvider(options: ProviderClientOptions = {}) {
  return makeTokenProvider<ZoneTokenState>(
    "zone-token",
    ["zone", "scope", "validFor"],
    (client, i) => client.generateZoneToken({ zone: i.zone, scope: i.scope, validFor: i.validFor }),
    options,
  );
}

export function makeDataplaneTokenProvider(options: ProviderClientOptions = {}) {
  return makeTokenProvider<DataplaneTokenState>(
    "dataplane-token",
    ["mesh", "name", "tags", "validFor"],
    (client, i) => client.generateDataplaneToken({ name: i.name, mesh: i.mesh, tags: i.tags, validFor: i.validFor }),
    options,
  );
}

const kumaResourceProvider = makeKumaResourceProvider();
export const zoneTokenProvider = makeZoneTokenProvider();
export const dataplaneTokenProvider = makeDataplaneTokenProvider();

// ---- resource classes -----------------------------------------------------------------------

export interface KumaConnectionArgs {
  url: pulumi.Input<string>;
  /** Admin or user token of the CP. Stored as a secret whatever is passed. */
  token: pulumi.Input<string>;
  caCertPem?: pulumi.Input<string>;
}

const KUMA_MODULE = "kuma";

/** The connection (it holds the token) is secret in inputs and outputs, whether or not the caller made it one. */
function secretConnection(connection: pulumi.Input<KumaConnectionArgs>) {
  return pulumi.secret(pulumi.output(connection));
}

function withSecretOutputs(
  opts: pulumi.CustomResourceOptions | undefined,
  outputs: string[],
): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...outputs] };
}

export interface KumaResourceArgs {
  connection: pulumi.Input<KumaConnectionArgs>;
  /** A universal resource from render/kuma (mesh(), meshHttpRoute(), ...). */
  resource: pulumi.Input<UniversalResource>;
}

/** `pulumi-nodejs:dynamic/kuma:Resource`: one resource on a universal CP, PUT on create and update. */
export class KumaResource extends pulumi.dynamic.Resource {
  declare readonly resource: pulumi.Output<UniversalResource>;
  declare readonly warnings: pulumi.Output<string[]>;

  constructor(name: string, args: KumaResourceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      kumaResourceProvider,
      name,
      { connection: secretConnection(args.connection), resource: args.resource, warnings: undefined },
      withSecretOutputs(opts, ["connection"]),
      KUMA_MODULE,
      "Resource",
    );
    // The CP's warnings (deprecated fields and kinds) as the update's own warnings, where people look.
    this.warnings.apply((warnings) => {
      if (Array.isArray(warnings))
        warnings.forEach((warning) => pulumi.log.warn(`Kuma control plane: ${warning}`, this));
    });
  }
}

export interface KumaZoneTokenArgs {
  connection: pulumi.Input<KumaConnectionArgs>;
  zone: pulumi.Input<string>;
  scope: pulumi.Input<pulumi.Input<ZoneTokenScope>[]>;
  /** Go duration, e.g. `720h`. */
  validFor: pulumi.Input<string>;
  /**
   * Opaque value; a new value issues a new token and replaces this resource (dependants that read
   * `token`, such as the proxy's token file, are updated with it). Rotate before `validFor` runs
   * out, e.g. by setting it to the month or a config value bumped by the rotation runbook.
   */
  rotation?: pulumi.Input<string>;
}

/** A token a CP issues: the connection and the token itself are secret; a new `rotation` issues a new one. */
abstract class KumaToken extends pulumi.dynamic.Resource {
  declare readonly token: pulumi.Output<string>;

  protected constructor(
    provider: pulumi.dynamic.ResourceProvider,
    type: string,
    name: string,
    args: { connection: pulumi.Input<KumaConnectionArgs>; rotation?: pulumi.Input<string> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      provider,
      name,
      { ...args, connection: secretConnection(args.connection), rotation: args.rotation ?? "", token: undefined },
      withSecretOutputs(opts, ["connection", "token"]),
      KUMA_MODULE,
      type,
    );
  }
}

/** `pulumi-nodejs:dynamic/kuma:ZoneToken`: issued by the global CP (`POST /tokens/zone`); `token` is secret. */
export class KumaZoneToken extends KumaToken {
  constructor(name: string, args: KumaZoneTokenArgs, opts?: pulumi.CustomResourceOptions) {
    super(zoneTokenProvider, "ZoneToken", name, args, opts);
  }
}

export interface KumaDataplaneTokenArgs {
  connection: pulumi.Input<KumaConnectionArgs>;
  mesh: pulumi.Input<string>;
  /** Binds the token to one Dataplane name. */
  name?: pulumi.Input<string>;
  /** e.g. `{ "kuma.io/service": ["monolith"] }`. */
  tags: pulumi.Input<Record<string, pulumi.Input<string[]>>>;
  validFor: pulumi.Input<string>;
  /** See KumaZoneTokenArgs.rotation. */
  rotation?: pulumi.Input<string>;
}

/** `pulumi-nodejs:dynamic/kuma:DataplaneToken` (`POST /tokens/dataplane`); `token` is secret. */
export class KumaDataplaneToken extends KumaToken {
  constructor(name: string, args: KumaDataplaneTokenArgs, opts?: pulumi.CustomResourceOptions) {
    super(dataplaneTokenProvider, "DataplaneToken", name, args, opts);
  }
}

function isObject(value: unknown): value is UniversalResource {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Equality of JSON values regardless of key order. */
function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isObject(value)) {
    const entries = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}
