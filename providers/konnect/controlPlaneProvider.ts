/**
 * The dynamic provider of Konnect control planes: created, or adopted by name where asked (an
 * adopted one is never deleted); read with drift; updated by PATCH.
 */
import type { dynamic } from "@pulumi/pulumi";
import { controlPlaneBody, controlPlaneUpdateBody, withoutUndefined } from "./bodies";
import { KonnectClient } from "./client";
import { KonnectProviderOptions, KonnectSession } from "./connection";
import { diffControlPlane } from "./diff";
import { CONTROL_PLANE_DRIFT, driftedInputs } from "./drift";
import type { ControlPlane } from "./entities";
import { isKonnectFailure } from "./errors";
import { ControlPlaneInputs, ControlPlaneOutputs, requireState } from "./inputs";

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
