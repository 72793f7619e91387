/**
 * The dynamic providers behind the Konnect resources: create/read/update/delete over `KonnectClient`,
 * and the pure diff rules (which changes update in place, which replace).
 *
 * Pulumi serialises each provider object (with everything its methods reach) into the resource's
 * state and runs it in a separate process, so these methods use only this folder's modules, Node
 * built-ins and globals. The token is never an input: `configure` reads it from stack config there.
 */
import type { dynamic } from "@pulumi/pulumi";
import { isDeepStrictEqual } from "util";
import { RetryPolicy } from "../http";
import {
  ControlPlaneBodyInputs,
  DataPlaneCertificateBodyInputs,
  GatewayServiceBodyInputs,
  GatewayServiceRequestBody,
  RouteBodyInputs,
  RouteRequestBody,
  controlPlaneBody,
  controlPlaneUpdateBody,
  dataPlaneCertificateBody,
  gatewayServiceBody,
  routeBody,
  withoutUndefined,
} from "./bodies";
import { ControlPlane, CoreEntityCalls, GatewayRoute, GatewayService, KonnectClient, isKonnectFailure } from "./client";
import { KonnectRegion, konnectTokenProblem } from "../../config/konnect";

export const KONNECT_TOKEN_CONFIG_KEY = "cloud-migration-journey:konnectToken";
/** The structured `konnect` settings; the provider reads `timeoutMs` from them. */
export const KONNECT_SETTINGS_CONFIG_KEY = "cloud-migration-journey:konnect";
/** Fallback for local runs when the stack config has no token. */
export const KONNECT_TOKEN_ENV = "KONNECT_TOKEN";
export const DEFAULT_KONNECT_TIMEOUT_MS = 30_000;

/** Where an entity lives: the regional API, or `baseUrl` in its place. */
export interface KonnectLocation {
  region: KonnectRegion;
  baseUrl?: string;
}

export interface ControlPlaneInputs extends ControlPlaneBodyInputs, KonnectLocation {
  /** Adopt a control plane that already has this name instead of failing; an adopted one is never deleted. */
  adoptExisting?: boolean;
}
export interface ControlPlaneOutputs extends ControlPlaneInputs {
  controlPlaneId: string;
  controlPlaneEndpoint: string;
  telemetryEndpoint: string;
  adopted: boolean;
}

export interface DataPlaneCertificateInputs extends DataPlaneCertificateBodyInputs, KonnectLocation {
  controlPlaneId: string;
}
export interface DataPlaneCertificateOutputs extends DataPlaneCertificateInputs {
  certificateId: string;
}

export interface GatewayServiceInputs extends GatewayServiceBodyInputs, KonnectLocation {
  controlPlaneId: string;
}
export interface GatewayServiceOutputs extends GatewayServiceInputs {
  serviceId: string;
}

export interface RouteInputs extends RouteBodyInputs, KonnectLocation {
  controlPlaneId: string;
}
export interface RouteOutputs extends RouteInputs {
  routeId: string;
}

/** Which input changes update the entity in place and which replace it; any other input is not compared. */
interface DiffRule<T> {
  replace: readonly (keyof T & string)[];
  update: readonly (keyof T & string)[];
}

const CONTROL_PLANE_DIFF: DiffRule<ControlPlaneInputs> = {
  replace: ["name", "region", "baseUrl"],
  // adoptExisting only matters when the control plane is created.
  update: ["description", "labels"],
};
const DATA_PLANE_CERTIFICATE_DIFF: DiffRule<DataPlaneCertificateInputs> = {
  replace: ["controlPlaneId", "cert", "region", "baseUrl"],
  update: [],
};
const GATEWAY_SERVICE_DIFF: DiffRule<GatewayServiceInputs> = {
  replace: ["controlPlaneId", "name", "region", "baseUrl"],
  update: ["protocol", "host", "port", "path", "retries", "connectTimeout", "readTimeout", "writeTimeout", "tags"],
};
const ROUTE_DIFF: DiffRule<RouteInputs> = {
  replace: ["controlPlaneId", "name", "region", "baseUrl"],
  update: ["serviceId", "paths", "methods", "protocols", "stripPath", "preserveHost", "tags"],
};

export function diffControlPlane(
  olds: Partial<ControlPlaneInputs>,
  news: Partial<ControlPlaneInputs>,
): dynamic.DiffResult {
  return diffByRule(CONTROL_PLANE_DIFF, olds, news);
}
export function diffDataPlaneCertificate(
  olds: Partial<DataPlaneCertificateInputs>,
  news: Partial<DataPlaneCertificateInputs>,
): dynamic.DiffResult {
  return diffByRule(DATA_PLANE_CERTIFICATE_DIFF, olds, news);
}
export function diffGatewayService(
  olds: Partial<GatewayServiceInputs>,
  news: Partial<GatewayServiceInputs>,
): dynamic.DiffResult {
  return diffByRule(GATEWAY_SERVICE_DIFF, olds, news);
}
export function diffRoute(olds: Partial<RouteInputs>, news: Partial<RouteInputs>): dynamic.DiffResult {
  return diffByRule(ROUTE_DIFF, olds, news);
}

function diffByRule<T>(rule: DiffRule<T>, olds: Partial<T>, news: Partial<T>): dynamic.DiffResult {
  const changed = (key: keyof T & string) => !isDeepStrictEqual(olds[key], news[key]);
  const replaces = rule.replace.filter(changed);
  const updates = rule.update.filter(changed);
  return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
}

/**
 * How to read each input back from a request body and from the entity Konnect returns, so `read`
 * can tell which inputs drifted. Only inputs the body sets are compared.
 */
type DriftReaders<I, S> = Partial<Record<keyof I & string, (source: S) => unknown>>;

const CONTROL_PLANE_DRIFT: DriftReaders<
  ControlPlaneInputs,
  { name: string; description?: string; labels?: Record<string, string> }
> = {
  name: (cp) => cp.name,
  description: (cp) => cp.description,
  labels: (cp) => cp.labels,
};
const DATA_PLANE_CERTIFICATE_DRIFT: DriftReaders<DataPlaneCertificateInputs, { cert: string }> = {
  cert: (c) => normalisePem(c.cert),
};
const GATEWAY_SERVICE_DRIFT: DriftReaders<GatewayServiceInputs, ServiceFields> = {
  name: (s) => s.name,
  protocol: (s) => s.protocol,
  host: (s) => s.host,
  port: (s) => s.port,
  path: (s) => s.path,
  retries: (s) => s.retries,
  connectTimeout: (s) => s.connect_timeout,
  readTimeout: (s) => s.read_timeout,
  writeTimeout: (s) => s.write_timeout,
  tags: (s) => s.tags,
};
const ROUTE_DRIFT: DriftReaders<RouteInputs, RouteFields> = {
  name: (r) => r.name,
  serviceId: (r) => r.service?.id,
  paths: (r) => r.paths,
  methods: (r) => r.methods,
  protocols: (r) => r.protocols,
  stripPath: (r) => r.strip_path,
  preserveHost: (r) => r.preserve_host,
  tags: (r) => r.tags,
};

type ServiceFields = GatewayServiceRequestBody | GatewayService;
type RouteFields = RouteRequestBody | GatewayRoute;

/** The inputs whose live value differs from what the body would set, with their live values. */
function driftedInputs<I, S>(readers: DriftReaders<I, S>, expected: S, live: S): Partial<I> {
  const drifted: Record<string, unknown> = {};
  for (const [input, read] of Object.entries(readers) as [string, (source: S) => unknown][]) {
    const wanted = read(expected);
    const actual = read(live) ?? undefined;
    if (wanted !== undefined && !isDeepStrictEqual(wanted, actual)) drifted[input] = actual;
  }
  return drifted as Partial<I>;
}

export interface KonnectProviderOptions {
  retry?: RetryPolicy;
  /** Waits between retries; tests pass a recorder. */
  sleep?: (ms: number) => Promise<void>;
}

export interface KonnectConnection {
  token: string;
  timeoutMs: number;
  /** Where the token came from, for the 401 message. */
  tokenSource: string;
}

/** Token and timeout from stack config (the token falling back to $KONNECT_TOKEN); throws naming the key when unusable. */
export function readKonnectConnection(
  config: dynamic.Config,
  env: Record<string, string | undefined>,
): KonnectConnection {
  const fromConfig = config.get(KONNECT_TOKEN_CONFIG_KEY);
  const token = fromConfig ?? env[KONNECT_TOKEN_ENV];
  const tokenSource = fromConfig !== undefined ? `stack config ${KONNECT_TOKEN_CONFIG_KEY}` : `$${KONNECT_TOKEN_ENV}`;
  if (token === undefined || token === "") {
    throw new Error(
      `no Konnect token: set the secret stack config key ${KONNECT_TOKEN_CONFIG_KEY} ` +
        `(pulumi config set --secret konnectToken <kpat_… or spat_…>), or export ${KONNECT_TOKEN_ENV} for a local run`,
    );
  }
  const problem = konnectTokenProblem(token);
  if (problem) throw new Error(`${problem} (from ${tokenSource})`);

  const timeoutMs = timeoutFromSettings(config.get(KONNECT_SETTINGS_CONFIG_KEY));
  return { token: token.trim(), timeoutMs, tokenSource };
}

function timeoutFromSettings(settingsJson: string | undefined): number {
  let timeoutMs: unknown;
  try {
    timeoutMs = settingsJson === undefined ? undefined : JSON.parse(settingsJson)?.timeoutMs;
  } catch {
    throw new Error(`${KONNECT_SETTINGS_CONFIG_KEY} must be an object (it is not JSON)`);
  }
  if (timeoutMs === undefined) return DEFAULT_KONNECT_TIMEOUT_MS;
  if (typeof timeoutMs !== "number" || !Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new Error(
      `${KONNECT_SETTINGS_CONFIG_KEY}.timeoutMs must be a positive whole number of milliseconds, not ${JSON.stringify(timeoutMs)}`,
    );
  }
  return timeoutMs;
}

/**
 * The connection `configure` read, shared by a provider's methods. A configuration problem is kept
 * and reported by the first call that needs the API, so `diff` (and so a preview) works without a token.
 */
class KonnectSession {
  // Pulumi's closure serialiser skips any object marked doNotCapture: even a provider configured in
  // the program's own process (as in tests) never carries the token into serialised state.
  private configured?: { connection?: KonnectConnection; problem?: string; doNotCapture: true };

  constructor(private readonly options: KonnectProviderOptions) {}

  configure(config: dynamic.Config, env: Record<string, string | undefined>): void {
    try {
      this.configured = { connection: readKonnectConnection(config, env), doNotCapture: true };
    } catch (err) {
      this.configured = { problem: (err as Error).message, doNotCapture: true };
    }
  }

  client(location: KonnectLocation): KonnectClient {
    const connection = this.configured?.connection;
    if (!connection) {
      throw new Error(
        this.configured?.problem ??
          `the Konnect provider was not configured; set the stack config key ${KONNECT_TOKEN_CONFIG_KEY}`,
      );
    }
    return new KonnectClient({ ...connection, region: location.region, baseUrl: location.baseUrl, ...this.options });
  }
}

export class ControlPlaneProvider implements dynamic.ResourceProvider<ControlPlaneInputs, ControlPlaneOutputs> {
  private readonly session: KonnectSession;

  constructor(options: KonnectProviderOptions = {}) {
    this.session = new KonnectSession(options);
  }

  async configure(req: dynamic.ConfigureRequest): Promise<void> {
    this.session.configure(req.config, process.env);
  }

  async diff(_id: string, olds: ControlPlaneOutputs, news: ControlPlaneInputs): Promise<dynamic.DiffResult> {
    return diffControlPlane(olds, news);
  }

  async create(inputs: ControlPlaneInputs): Promise<dynamic.CreateResult<ControlPlaneOutputs>> {
    const client = this.session.client(inputs);
    const existing = inputs.adoptExisting ? await client.findControlPlaneByName(inputs.name) : undefined;
    if (existing) return controlPlaneCreated(inputs, await adoptControlPlane(client, existing, inputs), true);
    try {
      return controlPlaneCreated(inputs, await client.createControlPlane(controlPlaneBody(inputs)), false);
    } catch (err) {
      if (!isKonnectFailure(err, "conflict")) throw err;
      if (!inputs.adoptExisting) {
        throw err.withAdvice(
          "set adoptExisting: true to adopt it (Pulumi then never deletes it), or choose another name",
        );
      }
      // Someone created it between our lookup and our create.
      const raced = await client.findControlPlaneByName(inputs.name);
      if (!raced) throw err;
      return controlPlaneCreated(inputs, await adoptControlPlane(client, raced, inputs), true);
    }
  }

  async read(id: string, state?: ControlPlaneOutputs): Promise<dynamic.ReadResult<ControlPlaneOutputs>> {
    const props = requireState(state, id);
    const live = await this.session.client(props).getControlPlane(id, props.name);
    if (!live) return {};
    const drifted = driftedInputs(CONTROL_PLANE_DRIFT, controlPlaneBody(props), live);
    return { id, props: controlPlaneOutputs({ ...props, ...drifted }, live, props.adopted) };
  }

  async update(
    id: string,
    olds: ControlPlaneOutputs,
    news: ControlPlaneInputs,
  ): Promise<dynamic.UpdateResult<ControlPlaneOutputs>> {
    const live = await this.session.client(news).updateControlPlane(id, news.name, controlPlaneUpdateBody(news));
    return { outs: controlPlaneOutputs(news, live, olds.adopted) };
  }

  async delete(id: string, props: ControlPlaneOutputs): Promise<void> {
    if (props.adopted) return;
    await this.session.client(props).deleteControlPlane(id, props.name);
  }
}

/** Brings an adopted control plane's description and labels to what the inputs set (others stay as they are). */
async function adoptControlPlane(
  client: KonnectClient,
  live: ControlPlane,
  inputs: ControlPlaneInputs,
): Promise<ControlPlane> {
  const drifted = driftedInputs(CONTROL_PLANE_DRIFT, controlPlaneBody(inputs), live);
  return Object.keys(drifted).length === 0
    ? live
    : client.updateControlPlane(live.id, live.name, controlPlaneUpdateBody(inputs));
}

function controlPlaneCreated(
  inputs: ControlPlaneInputs,
  live: ControlPlane,
  adopted: boolean,
): dynamic.CreateResult<ControlPlaneOutputs> {
  return { id: live.id, outs: controlPlaneOutputs(inputs, live, adopted) };
}

function controlPlaneOutputs(inputs: ControlPlaneInputs, live: ControlPlane, adopted: boolean): ControlPlaneOutputs {
  return withoutUndefined({
    ...inputs,
    controlPlaneId: live.id,
    controlPlaneEndpoint: live.config.control_plane_endpoint,
    telemetryEndpoint: live.config.telemetry_endpoint,
    adopted: adopted === true,
  });
}

export class DataPlaneCertificateProvider implements dynamic.ResourceProvider<
  DataPlaneCertificateInputs,
  DataPlaneCertificateOutputs
> {
  private readonly session: KonnectSession;

  constructor(options: KonnectProviderOptions = {}) {
    this.session = new KonnectSession(options);
  }

  async configure(req: dynamic.ConfigureRequest): Promise<void> {
    this.session.configure(req.config, process.env);
  }

  async diff(
    _id: string,
    olds: DataPlaneCertificateOutputs,
    news: DataPlaneCertificateInputs,
  ): Promise<dynamic.DiffResult> {
    return diffDataPlaneCertificate(olds, news);
  }

  async create(inputs: DataPlaneCertificateInputs): Promise<dynamic.CreateResult<DataPlaneCertificateOutputs>> {
    const created = await this.session
      .client(inputs)
      .createDataPlaneCertificate(inputs.controlPlaneId, dataPlaneCertificateBody(inputs));
    return { id: created.id, outs: withoutUndefined({ ...inputs, certificateId: created.id }) };
  }

  async read(
    id: string,
    state?: DataPlaneCertificateOutputs,
  ): Promise<dynamic.ReadResult<DataPlaneCertificateOutputs>> {
    const props = requireState(state, id);
    const live = await this.session.client(props).getDataPlaneCertificate(props.controlPlaneId, id);
    if (!live) return {};
    const drifted = driftedInputs(DATA_PLANE_CERTIFICATE_DRIFT, dataPlaneCertificateBody(props), live);
    return { id, props: withoutUndefined({ ...props, ...drifted, certificateId: live.id }) };
  }

  // Every input change replaces a certificate, so there is no update.

  async delete(id: string, props: DataPlaneCertificateOutputs): Promise<void> {
    await this.session.client(props).deleteDataPlaneCertificate(props.controlPlaneId, id);
  }
}

/** What distinguishes one core entity (gateway service, route) from another for its provider. */
interface CoreEntityKind<
  I extends KonnectLocation & { controlPlaneId: string; name: string },
  Body,
  Live extends { id: string },
> {
  calls: (client: KonnectClient) => CoreEntityCalls<Body, Live>;
  body: (inputs: I) => Body;
  drift: DriftReaders<I, Body | Live>;
  diff: (olds: Partial<I>, news: Partial<I>) => dynamic.DiffResult;
  /** The output that carries the entity's id, e.g. `serviceId`. */
  idOutput: string;
}

/** Gateway services and routes: create, read with drift, update by PUT, idempotent delete. */
export class CoreEntityProvider<
  I extends KonnectLocation & { controlPlaneId: string; name: string },
  O extends I,
  Body,
  Live extends { id: string },
> implements dynamic.ResourceProvider<I, O> {
  private readonly session: KonnectSession;

  constructor(
    private readonly kind: CoreEntityKind<I, Body, Live>,
    options: KonnectProviderOptions = {},
  ) {
    this.session = new KonnectSession(options);
  }

  async configure(req: dynamic.ConfigureRequest): Promise<void> {
    this.session.configure(req.config, process.env);
  }

  async diff(_id: string, olds: O, news: I): Promise<dynamic.DiffResult> {
    return this.kind.diff(olds, news);
  }

  async create(inputs: I): Promise<dynamic.CreateResult<O>> {
    try {
      const created = await this.calls(inputs).create(inputs.controlPlaneId, this.kind.body(inputs));
      return { id: created.id, outs: this.outputs(inputs, created.id) };
    } catch (err) {
      if (isKonnectFailure(err, "conflict"))
        throw err.withAdvice("choose another name, or delete the existing one in Konnect");
      throw err;
    }
  }

  async read(id: string, state?: O): Promise<dynamic.ReadResult<O>> {
    const props = requireState(state, id);
    const live = await this.calls(props).get(props.controlPlaneId, id, props.name);
    if (!live) return {};
    const drifted = driftedInputs(this.kind.drift, this.kind.body(props), live);
    return { id, props: this.outputs({ ...props, ...drifted }, live.id) };
  }

  async update(id: string, _olds: O, news: I): Promise<dynamic.UpdateResult<O>> {
    const live = await this.calls(news).upsert(news.controlPlaneId, id, this.kind.body(news));
    return { outs: this.outputs(news, live.id) };
  }

  async delete(id: string, props: O): Promise<void> {
    await this.calls(props).delete(props.controlPlaneId, id, props.name);
  }

  private calls(location: I): CoreEntityCalls<Body, Live> {
    return this.kind.calls(this.session.client(location));
  }

  private outputs(inputs: I, id: string): O {
    return withoutUndefined({ ...inputs, [this.kind.idOutput]: id }) as unknown as O;
  }
}

/** Reading needs the location and parent ids kept in state, so an entity cannot be read (imported) from its id alone. */
function requireState<T>(state: T | undefined, id: string): T {
  if (!state)
    throw new Error(
      `cannot read Konnect entity ${id} without its Pulumi state (importing by id alone is not supported)`,
    );
  return state;
}

/** PEM text compared without line-ending or surrounding-whitespace differences. */
function normalisePem(pem: string): string {
  return pem.replace(/\r\n/g, "\n").trim();
}

// One provider object per kind: Pulumi serialises each once, however many resources use it.
export const controlPlaneProvider = new ControlPlaneProvider();
export const dataPlaneCertificateProvider = new DataPlaneCertificateProvider();
export const gatewayServiceProvider = new CoreEntityProvider<
  GatewayServiceInputs,
  GatewayServiceOutputs,
  GatewayServiceRequestBody,
  GatewayService
>({
  calls: (client) => client.services,
  body: gatewayServiceBody,
  drift: GATEWAY_SERVICE_DRIFT,
  diff: diffGatewayService,
  idOutput: "serviceId",
});
export const routeProvider = new CoreEntityProvider<RouteInputs, RouteOutputs, RouteRequestBody, GatewayRoute>({
  calls: (client) => client.routes,
  body: routeBody,
  drift: ROUTE_DRIFT,
  diff: diffRoute,
  idOutput: "routeId",
});
