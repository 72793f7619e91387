import * as assert from "node:assert/strict";
import { HostSoftware } from "../../components/hostSoftware";
import { KonnectGateway, KonnectGatewayArgs } from "../../components/konnectGateway";
import { DYNAMIC_PREFIX } from "../../offline/resourceTypes";
import { dockerHost } from "../../render/hosts";
import { KONG_CLUSTER_DIR, KONG_KEY_OWNER_SCRIPT } from "../../render/kong";
import { installedFiles, isSecret, pick, recordComponent, typesAndNames, unknownOutput } from "../support/components";

const ARGS: KonnectGatewayArgs = {
  connection: { host: "203.0.113.20", user: "ubuntu", privateKey: "ssh-key" },
  publicAddress: "203.0.113.20",
  controlPlane: { name: "journey-cp", description: "the journey's", labels: { owner: "me" }, adoptExisting: true },
  region: "eu",
  image: "kong/kong-gateway:3.9",
};

const record = (args: Partial<KonnectGatewayArgs> = {}) =>
  recordComponent(
    KonnectGateway,
    () => new KonnectGateway("gw", { ...ARGS, ...args }),
    (g) => ({
      controlPlaneId: g.controlPlaneId,
      controlPlaneEndpoint: g.controlPlaneEndpoint,
      telemetryEndpoint: g.telemetryEndpoint,
      proxyUrl: g.proxyUrl,
      dataPlaneCertificateId: g.dataPlaneCertificate.certificateId,
    }),
  );

describe(`${KonnectGateway.TYPE} alone`, () => {
  it("is a Konnect control plane, a pinned client certificate and the data plane on the host", async () => {
    const g = await record();
    assert.deepEqual(g.component.inputs, { controlPlane: "journey-cp", region: "eu", image: ARGS.image });
    assert.deepEqual(typesAndNames(g.children), [
      ["tls:index/selfSignedCert:SelfSignedCert", "gw-cluster-cert"],
      ["tls:index/privateKey:PrivateKey", "gw-cluster-key"],
      [`${DYNAMIC_PREFIX}konnect:ControlPlane`, "gw-control-plane"],
      [`${DYNAMIC_PREFIX}konnect:DataPlaneCertificate`, "gw-dp-certificate"],
      [HostSoftware.TYPE, "gw-software"],
    ]);
    assert.deepEqual(g.outputs, {
      controlPlaneId: unknownOutput("gw-control-plane", "id"),
      controlPlaneEndpoint: unknownOutput("gw-control-plane", "controlPlaneEndpoint"),
      telemetryEndpoint: unknownOutput("gw-control-plane", "telemetryEndpoint"),
      proxyUrl: "http://203.0.113.20:8000",
      dataPlaneCertificateId: unknownOutput("gw-dp-certificate", "id"),
    });
  });

  it("creates (or adopts) the control plane as configured, in the given region", async () => {
    const cp = (await record({ baseUrl: "https://konnect.example.com" })).resource("gw-control-plane");
    assert.deepEqual(pick(cp, "name", "description", "labels", "adoptExisting", "region", "baseUrl"), {
      ...ARGS.controlPlane,
      region: "eu",
      baseUrl: "https://konnect.example.com",
    });
  });

  it("pins a P-384 client certificate of its own, renewed 30 days before it expires", async () => {
    const g = await record({ certificateValidityDays: 365 });
    const key = g.resource("gw-cluster-key");
    assert.deepEqual([key.inputs.algorithm, key.inputs.ecdsaCurve], ["ECDSA", "P384"]);
    assert.ok(key.secretOutputs.includes("privateKeyPem"));
    const cert = g.resource("gw-cluster-cert").inputs as Record<string, any>;
    assert.equal(cert.subject.commonName, "kong_clustering");
    assert.deepEqual([cert.validityPeriodHours, cert.earlyRenewalHours], [365 * 24, 30 * 24]);
    assert.ok(cert.allowedUses.includes("client_auth"));
    const pinned = g.resource("gw-dp-certificate").inputs;
    assert.equal(pinned.controlPlaneId, unknownOutput("gw-control-plane", "id"));
    assert.equal(pinned.cert, unknownOutput("gw-cluster-cert", "certPem"));
    const defaults = (await record()).resource("gw-cluster-cert").inputs;
    assert.equal(defaults.validityPeriodHours, 1095 * 24, "three years unless told otherwise");
    const shortest = (await record({ certificateValidityDays: 31 })).resource("gw-cluster-cert").inputs;
    assert.deepEqual([shortest.validityPeriodHours, shortest.earlyRenewalHours], [31 * 24, 30 * 24]);
  });

  it("refuses a validity the renewal window would cover: renewed and re-pinned at every update", async () => {
    await assert.rejects(record({ certificateValidityDays: 30 }), {
      message:
        "KonnectGateway gw: certificateValidityDays is 30: must be a whole number of days greater than 30, the early-renewal window (a certificate valid for no longer would be renewed and re-pinned at every update)",
    });
    for (const days of [7, 0, -1, 90.5])
      await assert.rejects(record({ certificateValidityDays: days }), {
        message: new RegExp(`^KonnectGateway gw: certificateValidityDays is ${days}: must be a whole number of days`),
      });
  });

  it("installs the gateway once the certificate is pinned, its key secret and mode 0600", async () => {
    const g = await record();
    const software = g.resource("gw-software");
    assert.ok(g.waitsFor(software, g.resource("gw-dp-certificate")));
    assert.deepEqual(software.inputs, {
      host: "gateway",
      services: ["kong-gateway.service"],
      bootstrap: dockerHost("gateway"),
    });
    const files = installedFiles(g);
    assert.deepEqual(
      Object.keys(files).sort(),
      [
        `${KONG_CLUSTER_DIR}/tls.crt`,
        `${KONG_CLUSTER_DIR}/tls.key`,
        "/etc/kong/kong.env",
        "/etc/systemd/system/kong-gateway.service",
        KONG_KEY_OWNER_SCRIPT,
      ].sort(),
    );
    const key = files[`${KONG_CLUSTER_DIR}/tls.key`];
    assert.equal(key.mode, "0600");
    assert.ok(isSecret(key.content));
    const env = files["/etc/kong/kong.env"].content as string;
    assert.match(
      env,
      new RegExp(`KONG_CLUSTER_CONTROL_PLANE=${escape(unknownOutput("gw-control-plane", "controlPlaneEndpoint"))}:443`),
    );
    assert.match(
      env,
      new RegExp(
        `KONG_CLUSTER_TELEMETRY_ENDPOINT=${escape(unknownOutput("gw-control-plane", "telemetryEndpoint"))}:443`,
      ),
    );
    assert.match(
      files["/etc/systemd/system/kong-gateway.service"].content as string,
      /--network host .*kong\/kong-gateway:3\.9/,
    );
  });
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
