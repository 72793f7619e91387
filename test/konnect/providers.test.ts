import * as assert from "node:assert/strict";
import { ControlPlaneProvider } from "../../providers/konnect/controlPlaneProvider";
import {
  DEFAULT_KONNECT_TIMEOUT_MS,
  KONNECT_SETTINGS_CONFIG_KEY,
  KONNECT_TOKEN_CONFIG_KEY,
  KONNECT_TOKEN_ENV,
  readKonnectConnection,
} from "../../providers/konnect/connection";
import {
  diffControlPlane,
  diffDataPlaneCertificate,
  diffGatewayService,
  diffRoute,
} from "../../providers/konnect/diff";
import type { ControlPlaneInputs, GatewayServiceInputs, RouteInputs } from "../../providers/konnect/inputs";
import {
  controlPlaneProvider,
  dataPlaneCertificateProvider,
  gatewayServiceProvider,
  routeProvider,
} from "../../providers/konnect/providers";
import { describeWithUpstream } from "../support/upstream";
import {
  FAST_RETRY,
  TOKEN,
  assertStorable,
  configureProviders,
  fakeConfig,
  rejection,
  sleepRecorder,
  stackConfig,
  useKonnectServer,
} from "./fixtures";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCATmgAwIBAgIUKong\n-----END CERTIFICATE-----\n";

describe("Konnect provider diffs", () => {
  const controlPlane: ControlPlaneInputs = {
    name: "crawl-cp",
    description: "d",
    labels: { env: "crawl" },
    region: "us",
  };
  const service: GatewayServiceInputs = {
    controlPlaneId: "cp-1",
    name: "monolith",
    protocol: "http",
    host: "10.0.0.5",
    port: 8080,
    path: "/",
    region: "us",
  };
  const route: RouteInputs = {
    controlPlaneId: "cp-1",
    serviceId: "svc-1",
    name: "monolith",
    paths: ["/monolith"],
    region: "us",
  };

  it("no change, no update", () => {
    assert.deepEqual(diffControlPlane(controlPlane, { ...controlPlane }), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    assert.equal(diffGatewayService(service, { ...service, tags: undefined }).changes, false);
  });

  it("control plane: description and labels update in place; name, region and baseUrl replace", () => {
    assert.deepEqual(diffControlPlane(controlPlane, { ...controlPlane, description: "new" }), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    assert.deepEqual(diffControlPlane(controlPlane, { ...controlPlane, labels: { env: "walk" } }).replaces, []);
    assert.deepEqual(diffControlPlane(controlPlane, { ...controlPlane, name: "walk-cp" }).replaces, ["name"]);
    assert.deepEqual(diffControlPlane(controlPlane, { ...controlPlane, region: "eu" }).replaces, ["region"]);
    assert.deepEqual(diffControlPlane(controlPlane, { ...controlPlane, baseUrl: "https://proxy.example" }).replaces, [
      "baseUrl",
    ]);
  });

  it("control plane: adoptExisting matters only at creation", () => {
    assert.equal(diffControlPlane(controlPlane, { ...controlPlane, adoptExisting: true }).changes, false);
  });

  it("data plane certificate: every change replaces", () => {
    const cert = { controlPlaneId: "cp-1", cert: PEM, region: "us" as const };
    assert.deepEqual(diffDataPlaneCertificate(cert, { ...cert, cert: PEM.replace("Kong", "Mesh") }).replaces, ["cert"]);
    assert.deepEqual(diffDataPlaneCertificate(cert, { ...cert, controlPlaneId: "cp-2" }).replaces, ["controlPlaneId"]);
  });

  it("gateway service: upstream fields update in place; name and control plane replace", () => {
    for (const change of [
      { host: "10.0.0.6" },
      { port: 8081 },
      { protocol: "https" as const },
      { path: "/v2" },
      { retries: 1 },
      { readTimeout: 5 },
      { tags: ["a"] },
    ]) {
      assert.deepEqual(
        diffGatewayService(service, { ...service, ...change }),
        { changes: true, replaces: [], deleteBeforeReplace: false },
        JSON.stringify(change),
      );
    }
    assert.deepEqual(diffGatewayService(service, { ...service, name: "orders" }).replaces, ["name"]);
    assert.deepEqual(diffGatewayService(service, { ...service, controlPlaneId: "cp-2", host: "x" }).replaces, [
      "controlPlaneId",
    ]);
  });

  it("route: matching fields and the service update in place; name and control plane replace", () => {
    for (const change of [
      { paths: ["/v2"] },
      { methods: ["GET"] },
      { protocols: ["https" as const] },
      { stripPath: false },
      { preserveHost: true },
      { serviceId: "svc-2" },
    ]) {
      assert.deepEqual(diffRoute(route, { ...route, ...change }).replaces, [], JSON.stringify(change));
      assert.equal(diffRoute(route, { ...route, ...change }).changes, true);
    }
    assert.deepEqual(diffRoute(route, { ...route, name: "orders" }).replaces, ["name"]);
    assert.deepEqual(diffRoute(route, { ...route, controlPlaneId: "cp-2" }).replaces, ["controlPlaneId"]);
  });
});

describe("Konnect provider configuration", () => {
  it("reads the token from stack config and the timeout from the konnect settings", () => {
    const connection = readKonnectConnection(
      fakeConfig({
        [KONNECT_TOKEN_CONFIG_KEY]: TOKEN,
        [KONNECT_SETTINGS_CONFIG_KEY]: JSON.stringify({ region: "eu", timeoutMs: 5000 }),
      }),
      { [KONNECT_TOKEN_ENV]: "kpat_IgnoredBecauseConfigWins0123456789" },
    );
    assert.deepEqual(connection, {
      token: TOKEN,
      timeoutMs: 5000,
      tokenSource: "stack config cloud-migration-journey:konnectToken",
    });
  });

  it("falls back to $KONNECT_TOKEN and the default timeout", () => {
    assert.deepEqual(readKonnectConnection(fakeConfig({}), { [KONNECT_TOKEN_ENV]: TOKEN }), {
      token: TOKEN,
      timeoutMs: DEFAULT_KONNECT_TIMEOUT_MS,
      tokenSource: "$KONNECT_TOKEN",
    });
  });

  it("names the config key when there is no token", () => {
    assert.throws(
      () => readKonnectConnection(fakeConfig({}), {}),
      /no Konnect token: set the secret stack config key cloud-migration-journey:konnectToken/,
    );
  });

  it("refuses a token of the wrong shape without quoting it", () => {
    assert.throws(
      () => readKonnectConnection(fakeConfig({ [KONNECT_TOKEN_CONFIG_KEY]: "not-a-konnect-token-secret" }), {}),
      (e: Error) =>
        /not a personal \(kpat_…\) or system-account \(spat_…\) access token \(from stack config cloud-migration-journey:konnectToken\)/.test(
          e.message,
        ) && !e.message.includes("not-a-konnect-token-secret"),
    );
  });

  it("refuses a timeout that is not a positive whole number", () => {
    const config = fakeConfig({
      [KONNECT_TOKEN_CONFIG_KEY]: TOKEN,
      [KONNECT_SETTINGS_CONFIG_KEY]: JSON.stringify({ timeoutMs: -1 }),
    });
    assert.throws(
      () => readKonnectConnection(config, {}),
      /cloud-migration-journey:konnect\.timeoutMs must be a positive whole number of milliseconds, not -1/,
    );
  });

  it("a provider without a token still diffs, and its first API call names the key", async () => {
    const provider = new ControlPlaneProvider();
    const saved = process.env[KONNECT_TOKEN_ENV];
    delete process.env[KONNECT_TOKEN_ENV];
    try {
      await provider.configure({ config: fakeConfig({}) });
    } finally {
      if (saved !== undefined) process.env[KONNECT_TOKEN_ENV] = saved;
    }
    const inputs: ControlPlaneInputs = { name: "crawl-cp", region: "us" };
    assert.equal(
      (
        await provider.diff(
          "id",
          { ...inputs, controlPlaneId: "id", controlPlaneEndpoint: "", telemetryEndpoint: "", adopted: false },
          inputs,
        )
      ).changes,
      false,
    );
    const err = await rejection(provider.create(inputs));
    assert.match(err.message, /no Konnect token: set the secret stack config key cloud-migration-journey:konnectToken/);
  });
});

describeWithUpstream("Konnect providers against a fake Konnect", () => {
  const server = useKonnectServer();
  const at = () => ({ region: "us" as const, baseUrl: server().baseUrl });

  before(configureProviders);

  async function newControlPlane(name = "crawl-cp") {
    const { id, outs } = await controlPlaneProvider.create({
      name,
      description: "monolith cutover",
      labels: { env: "crawl" },
      ...at(),
    });
    return { id, outs };
  }

  it("control plane: create, read, update in place, delete", async () => {
    const { id, outs } = await newControlPlane();
    const live = server().controlPlanes.get(id);
    assert.deepEqual(outs, {
      name: "crawl-cp",
      description: "monolith cutover",
      labels: { env: "crawl" },
      ...at(),
      controlPlaneId: id,
      controlPlaneEndpoint: live.config.control_plane_endpoint,
      telemetryEndpoint: live.config.telemetry_endpoint,
      adopted: false,
    });
    assertStorable(outs);
    assert.deepEqual(await controlPlaneProvider.read(id, outs), { id, props: outs });

    const news = { ...outs, description: "walk phase", labels: { env: "walk" } };
    const updated = await controlPlaneProvider.update(id, outs, news);
    assert.deepEqual(
      server()
        .requestsTo("PATCH", `/control-planes/${id}`)
        .map((r) => r.body),
      [{ description: "walk phase", labels: { env: "walk" } }],
    );
    assert.equal(server().controlPlanes.get(id).description, "walk phase");
    assert.equal(updated.outs?.description, "walk phase");

    await controlPlaneProvider.delete(id, updated.outs!);
    assert.equal(server().controlPlanes.size, 0);
    await controlPlaneProvider.delete(id, updated.outs!);
    assert.equal(
      server().requestsTo("DELETE", `/control-planes/${id}`).length,
      2,
      "the second delete met a 404 and succeeded",
    );
  });

  it("control plane: adopts an existing one by name, and leaves it on destroy", async () => {
    const existing = server().seedControlPlane("shared-cp", {
      description: "made by hand",
      labels: { team: "platform" },
    });
    const { id, outs } = await controlPlaneProvider.create({
      name: "shared-cp",
      labels: { env: "crawl" },
      adoptExisting: true,
      ...at(),
    });
    assert.equal(id, existing.id);
    assert.equal(outs?.adopted, true);
    assert.equal(server().requestsTo("POST", "/control-planes").length, 0, "nothing was created");
    assert.deepEqual(server().controlPlanes.get(id).labels, { env: "crawl" }, "what the inputs set is applied");
    assert.equal(server().controlPlanes.get(id).description, "made by hand", "what they leave unset is kept");

    await controlPlaneProvider.delete(id, outs!);
    assert.ok(server().controlPlanes.has(id));
    assert.equal(server().requestsTo("DELETE", `/control-planes/${id}`).length, 0);
  });

  it("control plane: a name taken without adoptExisting explains both ways out", async () => {
    server().seedControlPlane("crawl-cp");
    const err = await rejection(newControlPlane("crawl-cp"));
    assert.match(
      err.message,
      /a control plane named "crawl-cp" already exists.*; set adoptExisting: true to adopt it \(Pulumi then never deletes it\), or choose another name/,
    );
  });

  it("control plane: drift in description shows on read; deleted behind our back reads as gone", async () => {
    const { id, outs } = await newControlPlane();
    server().controlPlanes.get(id).description = "edited in the UI";
    const refreshed = await controlPlaneProvider.read(id, outs);
    assert.equal(refreshed.props?.description, "edited in the UI");
    assert.deepEqual(diffControlPlane(refreshed.props!, { ...outs }), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });

    server().controlPlanes.delete(id);
    assert.deepEqual(await controlPlaneProvider.read(id, outs), {});
  });

  it("data plane certificate: pin, read, unpin; gone reads as gone", async () => {
    const cp = await newControlPlane();
    const inputs = { controlPlaneId: cp.id, cert: PEM, ...at() };
    const { id, outs } = await dataPlaneCertificateProvider.create(inputs);
    assert.deepEqual(outs, { ...inputs, certificateId: id });
    assert.equal(server().certificates.get(id)?.entity.cert, PEM);
    assert.deepEqual(await dataPlaneCertificateProvider.read(id, outs), { id, props: outs });

    await dataPlaneCertificateProvider.delete(id, outs!);
    assert.equal(server().certificates.size, 0);
    await dataPlaneCertificateProvider.delete(id, outs!);
    assert.deepEqual(await dataPlaneCertificateProvider.read(id, outs), {});
  });

  it("gateway service: create, read, drift, update in place, delete", async () => {
    const cp = await newControlPlane();
    const inputs: GatewayServiceInputs = {
      controlPlaneId: cp.id,
      name: "monolith",
      protocol: "http",
      host: "10.0.0.5",
      port: 8080,
      path: "/monolith",
      ...at(),
    };
    const { id, outs } = await gatewayServiceProvider.create(inputs);
    assert.deepEqual(outs, { ...inputs, serviceId: id });
    assert.deepEqual(await gatewayServiceProvider.read(id, outs), { id, props: outs });

    server().services.get(id)!.entity.port = 9999;
    const refreshed = await gatewayServiceProvider.read(id, outs);
    assert.equal(refreshed.props?.port, 9999);
    assert.deepEqual(diffGatewayService(refreshed.props!, inputs).replaces, []);

    const updated = await gatewayServiceProvider.update(id, refreshed.props!, { ...inputs, host: "monolith.mesh" });
    assert.deepEqual(updated.outs, { ...inputs, host: "monolith.mesh", serviceId: id });
    assert.deepEqual(
      { host: server().services.get(id)!.entity.host, port: server().services.get(id)!.entity.port },
      { host: "monolith.mesh", port: 8080 },
    );

    await gatewayServiceProvider.delete(id, updated.outs!);
    await gatewayServiceProvider.delete(id, updated.outs!);
    assert.deepEqual(await gatewayServiceProvider.read(id, outs), {});
  });

  it("gateway service: a name taken in the control plane explains what to do", async () => {
    const cp = await newControlPlane();
    const inputs: GatewayServiceInputs = {
      controlPlaneId: cp.id,
      name: "monolith",
      protocol: "http",
      host: "10.0.0.5",
      port: 8080,
      ...at(),
    };
    await gatewayServiceProvider.create(inputs);
    const err = await rejection(gatewayServiceProvider.create(inputs));
    assert.match(
      err.message,
      /a gateway service named "monolith" already exists in control plane .*; choose another name, or delete the existing one in Konnect/,
    );
  });

  it("route: create, read, drift in a default, update in place (even to another service), delete", async () => {
    const cp = await newControlPlane();
    const service = (serviceName: string) =>
      gatewayServiceProvider.create({
        controlPlaneId: cp.id,
        name: serviceName,
        protocol: "http",
        host: "10.0.0.5",
        port: 8080,
        ...at(),
      });
    const monolith = await service("monolith");
    const inputs: RouteInputs = {
      controlPlaneId: cp.id,
      serviceId: monolith.id,
      name: "monolith",
      paths: ["/monolith"],
      methods: ["GET"],
      ...at(),
    };
    const { id, outs } = await routeProvider.create(inputs);
    assert.deepEqual(outs, { ...inputs, routeId: id });
    assert.deepEqual(await routeProvider.read(id, outs), { id, props: outs });

    server().routes.get(id)!.entity.strip_path = false;
    const refreshed = await routeProvider.read(id, outs);
    assert.equal(refreshed.props?.stripPath, false, "a changed default is drift too");
    assert.equal(diffRoute(refreshed.props!, inputs).changes, true);

    const orders = await service("orders");
    const moved = await routeProvider.update(id, refreshed.props!, { ...inputs, serviceId: orders.id });
    assert.equal(moved.outs?.serviceId, orders.id);
    assert.deepEqual(server().routes.get(id)!.entity.service, { id: orders.id });
    assert.equal(server().routes.get(id)!.entity.strip_path, true);

    await routeProvider.delete(id, moved.outs!);
    await routeProvider.delete(id, moved.outs!);
    assert.deepEqual(await routeProvider.read(id, outs), {});
  });

  it("teardown works in dependency order (routes, services, certificates, control plane), not the other way", async () => {
    const cp = await newControlPlane();
    const cert = await dataPlaneCertificateProvider.create({ controlPlaneId: cp.id, cert: PEM, ...at() });
    const service = await gatewayServiceProvider.create({
      controlPlaneId: cp.id,
      name: "monolith",
      protocol: "http",
      host: "10.0.0.5",
      port: 8080,
      ...at(),
    });
    const route = await routeProvider.create({
      controlPlaneId: cp.id,
      serviceId: service.id,
      name: "monolith",
      paths: ["/monolith"],
      ...at(),
    });

    const tooEarly = await rejection(gatewayServiceProvider.delete(service.id, service.outs!));
    assert.match(
      tooEarly.message,
      /DELETE .*: HTTP 400: .*an existing 'routes' entity references this 'services' entity/,
    );

    await routeProvider.delete(route.id, route.outs!);
    await gatewayServiceProvider.delete(service.id, service.outs!);
    await dataPlaneCertificateProvider.delete(cert.id, cert.outs!);
    await controlPlaneProvider.delete(cp.id, cp.outs!);
    assert.deepEqual(
      [server().controlPlanes.size, server().certificates.size, server().services.size, server().routes.size],
      [0, 0, 0, 0],
    );
  });

  it("retries through the provider: 429 honours Retry-After, 500 is retried", async () => {
    const { sleeps, sleep } = sleepRecorder();
    const provider = new ControlPlaneProvider({ sleep, retry: FAST_RETRY });
    await provider.configure(stackConfig());
    server().inject("POST", "/control-planes", { status: 429, retryAfter: "3" });
    server().inject("POST", "/control-planes", { status: 500 });
    const { id } = await provider.create({ name: "crawl-cp", ...at() });
    assert.ok(server().controlPlanes.has(id));
    assert.deepEqual(sleeps, [3000, FAST_RETRY.baseDelayMs * 2]);
  });

  it("401 through the provider names the config key, never the token", async () => {
    const wrongToken = "kpat_RevokedTokenRevokedTokenRevoked01";
    const provider = new ControlPlaneProvider({ retry: FAST_RETRY });
    await provider.configure(stackConfig(wrongToken));
    const err = await rejection(provider.create({ name: "crawl-cp", ...at() }));
    assert.match(
      err.message,
      /HTTP 401: the Konnect token is missing, invalid or expired; set a valid kpat_\/spat_ token in stack config cloud-migration-journey:konnectToken/,
    );
    assert.ok(!err.message.includes(wrongToken) && !err.message.includes(TOKEN));
  });
});
