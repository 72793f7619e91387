/**
 * What each Konnect resource takes (its inputs: the body fields and where the entity lives) and
 * keeps in its state (the inputs and the entity's ids).
 */
import {
  ControlPlaneBodyInputs,
  DataPlaneCertificateBodyInputs,
  GatewayServiceBodyInputs,
  RouteBodyInputs,
} from "./bodies";
import type { KonnectRegion } from "../../config/konnect";

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

/** Reading needs the location and parent ids kept in state, so an entity cannot be read (imported) from its id alone. */
export function requireState<T>(state: T | undefined, id: string): T {
  if (!state)
    throw new Error(
      `cannot read Konnect entity ${id} without its Pulumi state (importing by id alone is not supported)`,
    );
  return state;
}
