/** The dynamic provider of the data plane certificates a control plane pins: created, read with drift, deleted. */
import type { dynamic } from "@pulumi/pulumi";
import { dataPlaneCertificateBody, withoutUndefined } from "./bodies";
import { KonnectProviderOptions, KonnectSession } from "./connection";
import { diffDataPlaneCertificate } from "./diff";
import { DATA_PLANE_CERTIFICATE_DRIFT, driftedInputs } from "./drift";
import { DataPlaneCertificateInputs, DataPlaneCertificateOutputs, requireState } from "./inputs";

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
