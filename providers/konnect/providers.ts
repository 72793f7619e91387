/**
 * The dynamic providers behind the Konnect resources, one object per kind: create/read/update/delete
 * over `KonnectClient` (controlPlaneProvider.ts, dataPlaneCertificateProvider.ts,
 * coreEntityProvider.ts), with the pure diff rules (diff.ts) and drift readers (drift.ts).
 *
 * Pulumi serialises each provider object (with everything its methods reach) into the resource's
 * state and runs it in a separate process, so this folder's modules use only each other, Node
 * built-ins and globals. The token is never an input: `configure` reads it from stack config there
 * (connection.ts).
 */
import { GatewayServiceRequestBody, RouteRequestBody, gatewayServiceBody, routeBody } from "./bodies";
import { ControlPlaneProvider } from "./controlPlaneProvider";
import { CoreEntityProvider } from "./coreEntityProvider";
import { DataPlaneCertificateProvider } from "./dataPlaneCertificateProvider";
import { diffGatewayService, diffRoute } from "./diff";
import { GATEWAY_SERVICE_DRIFT, ROUTE_DRIFT } from "./drift";
import type { GatewayRoute, GatewayService } from "./entities";
import type { GatewayServiceInputs, GatewayServiceOutputs, RouteInputs, RouteOutputs } from "./inputs";

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
