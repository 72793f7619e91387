import * as pulumi from "@pulumi/pulumi";
import { GatewayRoute } from "../../../../components/gatewayRoute";
import { KonnectControlPlane, KonnectDataPlaneCertificate } from "../../../../providers/konnect/resources";

// Crawl's Konnect objects in crawl's order, against the Konnect at `baseUrl`; the token is the
// provider's own secret config key, as in crawl.
const config = new pulumi.Config();
const api = { region: "us" as const, baseUrl: config.require("baseUrl") };
const controlPlane = new KonnectControlPlane("control-plane", {
  ...api,
  name: "journey-real-engine",
  description: config.get("description") ?? "crawl's control plane",
  labels: { project: "cloud-migration-journey" },
});
const certificate = new KonnectDataPlaneCertificate("certificate", {
  ...api,
  controlPlaneId: controlPlane.controlPlaneId,
  cert: config.require("certPem"),
});
const route = new GatewayRoute(
  "onprem-route",
  {
    ...api,
    controlPlaneId: controlPlane.controlPlaneId,
    serviceName: "monolith",
    upstream: { protocol: "http", host: config.require("upstreamHost"), port: 8080, path: "/monolith/resources" },
    routeName: "onprem",
    paths: config.requireObject<string[]>("paths"),
    methods: ["GET", "POST", "PATCH"],
  },
  { dependsOn: [certificate] },
);

export const controlPlaneId = controlPlane.controlPlaneId;
export const certificateId = certificate.certificateId;
export const serviceId = route.serviceId;
export const routeId = route.routeId;
