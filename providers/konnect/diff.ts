/**
 * The Konnect providers' pure diff rules: which input changes update an entity in place, which
 * replace it. `journey plan --diff-base` calls them as `pulumi preview` does.
 */
import type { dynamic } from "@pulumi/pulumi";
import { isDeepStrictEqual } from "util";
import type { ControlPlaneInputs, DataPlaneCertificateInputs, GatewayServiceInputs, RouteInputs } from "./inputs";

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
