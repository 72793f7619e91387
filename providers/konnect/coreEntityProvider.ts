/** The dynamic provider of a control plane's core entities (gateway services, routes), one kind per provider object. */
import type { dynamic } from "@pulumi/pulumi";
import { withoutUndefined } from "./bodies";
import { CoreEntityCalls, KonnectClient } from "./client";
import { KonnectProviderOptions, KonnectSession } from "./connection";
import { DriftReaders, driftedInputs } from "./drift";
import { isKonnectFailure } from "./errors";
import { KonnectLocation, requireState } from "./inputs";

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
