import * as assert from "node:assert/strict";
import { GatewayServiceBodyInputs, controlPlaneUpdateBody, konnectRequestBody } from "../../providers/konnect/bodies";
import { OpenApiContract } from "../support/openapi";
import { describeWithUpstream, upstreamPath } from "../support/upstream";

const CONTROL_PLANE_ID = "9524ec7d-36d9-465d-a8c5-83a3c9390458";
const SERVICE_ID = "7fca84d6-7d37-4a74-a7b0-93e576089a41";
const PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCATmgAwIBAgIU\n-----END CERTIFICATE-----\n";
/** A service with only what Konnect requires, and one with every argument set. */
const MINIMAL_SERVICE: GatewayServiceBodyInputs = { name: "monolith", protocol: "http", host: "10.0.0.5", port: 8080 };
const FULL_SERVICE: GatewayServiceBodyInputs = {
  name: "monolith",
  protocol: "https",
  host: "monolith.internal",
  port: 8443,
  path: "/monolith",
  retries: 2,
  connectTimeout: 1000,
  readTimeout: 2000,
  writeTimeout: 3000,
  tags: ["journey"],
};

describe("konnectRequestBody", () => {
  it("builds a hybrid control plane with pinned client certificates", () => {
    assert.deepEqual(
      konnectRequestBody("control-plane", {
        name: "crawl-cp",
        description: "monolith cutover",
        labels: { env: "crawl" },
      }),
      {
        name: "crawl-cp",
        description: "monolith cutover",
        cluster_type: "CLUSTER_TYPE_CONTROL_PLANE",
        auth_type: "pinned_client_certs",
        labels: { env: "crawl" },
      },
    );
  });

  it("leaves unset arguments out rather than sending null or undefined", () => {
    const body = konnectRequestBody("service", MINIMAL_SERVICE);
    assert.deepEqual(body, { name: "monolith", protocol: "http", host: "10.0.0.5", port: 8080 });
    assert.deepEqual(Object.keys(konnectRequestBody("control-plane", { name: "cp" })), [
      "name",
      "cluster_type",
      "auth_type",
    ]);
  });

  it("maps service timeouts to Kong's snake_case fields", () => {
    const body = konnectRequestBody("service", FULL_SERVICE);
    assert.deepEqual(body, {
      name: "monolith",
      protocol: "https",
      host: "monolith.internal",
      port: 8443,
      path: "/monolith",
      retries: 2,
      connect_timeout: 1000,
      read_timeout: 2000,
      write_timeout: 3000,
      tags: ["journey"],
    });
  });

  it("spells out a route's defaults so an upsert is complete", () => {
    assert.deepEqual(konnectRequestBody("route", { name: "monolith", serviceId: SERVICE_ID, paths: ["/monolith"] }), {
      name: "monolith",
      paths: ["/monolith"],
      protocols: ["http", "https"],
      strip_path: true,
      preserve_host: false,
      service: { id: SERVICE_ID },
    });
  });

  it("sends a certificate as it is", () => {
    assert.deepEqual(konnectRequestBody("dp-certificate", { cert: PEM }), { cert: PEM });
  });

  it("updates a control plane with only the fields the arguments set", () => {
    assert.deepEqual(controlPlaneUpdateBody({ name: "cp", labels: { env: "walk" } }), { labels: { env: "walk" } });
  });
});

describeWithUpstream("konnectRequestBody against the Konnect OpenAPI documents", () => {
  let controlPlanes: OpenApiContract;
  let configuration: OpenApiContract;
  before(() => {
    controlPlanes = OpenApiContract.load(upstreamPath("konnect", "control-planes-v2.openapi.yaml"));
    configuration = OpenApiContract.load(upstreamPath("konnect", "control-planes-config-v2.openapi.yaml"));
  });

  function requestProblems(contract: OpenApiContract, method: string, path: string, body: unknown): string[] {
    const op = contract.match(method, path);
    assert.ok(op, `${method} ${path} is a documented operation`);
    return contract.validateRequestBody(op, body);
  }

  it("control plane: create-control-plane and update-control-plane", () => {
    const inputs = {
      name: "crawl-cp",
      description: "monolith cutover",
      labels: { env: "crawl", "owner.team": "platform" },
    };
    assert.deepEqual(
      requestProblems(controlPlanes, "POST", "/v2/control-planes", konnectRequestBody("control-plane", inputs)),
      [],
    );
    assert.deepEqual(
      requestProblems(controlPlanes, "PATCH", `/v2/control-planes/${CONTROL_PLANE_ID}`, controlPlaneUpdateBody(inputs)),
      [],
    );
  });

  it("data plane certificate: create-dataplane-certificate", () => {
    const path = `/v2/control-planes/${CONTROL_PLANE_ID}/dp-client-certificates`;
    assert.deepEqual(
      requestProblems(configuration, "POST", path, konnectRequestBody("dp-certificate", { cert: PEM })),
      [],
    );
  });

  it("service: create-service and upsert-service, minimal and full", () => {
    const minimal = konnectRequestBody("service", MINIMAL_SERVICE);
    const full = konnectRequestBody("service", FULL_SERVICE);
    const services = `/v2/control-planes/${CONTROL_PLANE_ID}/core-entities/services`;
    for (const body of [minimal, full]) {
      assert.deepEqual(requestProblems(configuration, "POST", services, body), []);
      assert.deepEqual(requestProblems(configuration, "PUT", `${services}/${SERVICE_ID}`, body), []);
    }
  });

  it("route: create-route and upsert-route", () => {
    const body = konnectRequestBody("route", {
      name: "monolith",
      serviceId: SERVICE_ID,
      paths: ["/monolith"],
      methods: ["GET", "POST"],
      protocols: ["https"],
      stripPath: false,
      preserveHost: true,
      tags: ["journey"],
    });
    const routes = `/v2/control-planes/${CONTROL_PLANE_ID}/core-entities/routes`;
    assert.deepEqual(requestProblems(configuration, "POST", routes, body), []);
    assert.deepEqual(requestProblems(configuration, "PUT", `${routes}/a4326a41-aa12-44e3-93e4-6b6e58bfb9d7`, body), []);
  });

  it("the contract check itself rejects a body Konnect would refuse", () => {
    const withUnknownField = { ...konnectRequestBody("control-plane", { name: "cp" }), cloud: true };
    assert.notDeepEqual(requestProblems(controlPlanes, "POST", "/v2/control-planes", withUnknownField), []);
    const serviceWithoutHost = { name: "monolith", url: "http://10.0.0.5:8080" };
    assert.notDeepEqual(
      requestProblems(
        configuration,
        "POST",
        `/v2/control-planes/${CONTROL_PLANE_ID}/core-entities/services`,
        serviceWithoutHost,
      ),
      [],
    );
  });
});
