import * as assert from "node:assert/strict";
import * as tls from "@pulumi/tls";
import { GatewayRoute, GatewayRouteArgs } from "../../components/gatewayRoute";
import { DYNAMIC_PREFIX } from "../../offline/resourceTypes";
import { pick, recordComponent, typesAndNames, unknownOutput } from "../support/components";

const ARGS: GatewayRouteArgs = {
  region: "us",
  controlPlaneId: "cp-1",
  serviceName: "monolith",
  upstream: { protocol: "http", host: "10.0.1.10", port: 8080, path: "/card" },
  routeName: "onprem",
  paths: ["/onprem"],
  methods: ["GET", "POST"],
};

const record = (args: Partial<GatewayRouteArgs> = {}) =>
  recordComponent(
    GatewayRoute,
    () => {
      const pinned = new tls.PrivateKey("pinned-certificate", { algorithm: "ED25519" });
      return new GatewayRoute("r", { ...ARGS, ...args }, { dependsOn: [pinned] });
    },
    (r) => ({ serviceId: r.serviceId, routeId: r.routeId }),
  );

describe(`${GatewayRoute.TYPE} alone`, () => {
  it("is a gateway service and the route that exposes it", async () => {
    const r = await record();
    assert.deepEqual(r.component.inputs, { serviceName: "monolith", routeName: "onprem", paths: ["/onprem"] });
    assert.deepEqual(typesAndNames(r.children), [
      [`${DYNAMIC_PREFIX}konnect:Route`, "r-route"],
      [`${DYNAMIC_PREFIX}konnect:GatewayService`, "r-service"],
    ]);
    assert.deepEqual(r.outputs, {
      serviceId: unknownOutput("r-service", "id"),
      routeId: unknownOutput("r-route", "id"),
    });
  });

  it("points the service at the upstream on the given control plane", async () => {
    const service = (await record()).resource("r-service");
    assert.deepEqual(pick(service, "region", "controlPlaneId", "name", "protocol", "host", "port", "path"), {
      region: "us",
      controlPlaneId: "cp-1",
      name: "monolith",
      ...ARGS.upstream,
    });
  });

  it("routes the paths and methods to that service over HTTP(S), stripping the matched path", async () => {
    const r = await record();
    const route = r.resource("r-route");
    assert.deepEqual(pick(route, "controlPlaneId", "serviceId", "name", "paths", "methods", "protocols", "stripPath"), {
      controlPlaneId: "cp-1",
      serviceId: unknownOutput("r-service", "id"),
      name: "onprem",
      paths: ["/onprem"],
      methods: ["GET", "POST"],
      protocols: ["http", "https"],
      stripPath: true,
    });
    assert.ok(r.waitsFor(route, r.resource("r-service")));
  });

  it("the service waits for what the component waits for (children do not inherit dependsOn)", async () => {
    const r = await record();
    assert.ok(r.waitsFor(r.resource("r-service"), r.resource("pinned-certificate")));
  });

  it("refuses a route that would match no path or no method", async () => {
    await assert.rejects(record({ paths: [] }), {
      message: "GatewayRoute r: paths is []: must list at least one path the route matches, such as /api",
    });
    await assert.rejects(record({ methods: [] }), {
      message: "GatewayRoute r: methods is []: must list at least one HTTP method the route matches, such as GET",
    });
  });
});
