import { strict as assert } from "assert";
import {
  DataplaneTokenState,
  KumaDataplaneToken,
  KumaResource,
  KumaResourceState,
  KumaZoneToken,
  ZoneTokenState,
  comparableResource,
  diffKumaResource,
  diffToken,
  makeDataplaneTokenProvider,
  makeKumaResourceProvider,
  makeZoneTokenProvider,
} from "../../providers/kuma/resources";
import { UniversalResource, mesh, meshHttpRoute } from "../../render/kuma";
import { KumaServer, startKumaServer } from "../support/kumaServer";
import { describeWithUpstream } from "../support/upstream";
import { disputes } from "./fixtures";
import { recordProgram } from "../../offline/evaluator";
import { isSecret, unwrapSecret } from "../support/journey";

const NO_SLEEP = { timeoutMs: 2_000, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 }, sleep: async () => {} };

describeWithUpstream("KumaResource provider", function () {
  let server: KumaServer;
  let state: KumaResourceState;
  const provider = makeKumaResourceProvider(NO_SLEEP);
  const route = meshHttpRoute(disputes(10));

  /** create() of the state under test; its outputs are always set. */
  const create = async () => {
    const { id, outs } = await provider.create(state);
    return { id, outs: outs! };
  };

  beforeEach(async () => {
    server = await startKumaServer();
    const connection = { url: server.url, token: server.adminToken };
    await provider.create({ connection, resource: mesh() });
    state = { connection, resource: route };
  });

  afterEach(async function () {
    await server.close();
    if (this.currentTest?.state === "passed") assert.deepEqual(server.violations, []);
  });

  it("create PUTs the resource and keys it by its REST path", async () => {
    const created = await provider.create(state);
    assert.equal(created.id, "/meshes/default/meshhttproutes/disputes");
    assert.deepEqual(created.outs, { ...state, warnings: [] });
    assert.deepEqual(server.requests.at(-1), {
      method: "PUT",
      path: created.id,
      body: route,
      authorized: true,
      operationId: "putMeshHTTPRoute",
    });
  });

  it("read returns what the program declared, so an untouched resource shows no diff", async () => {
    const { id, outs } = await create();
    const read = await provider.read!(id, outs);
    assert.deepEqual(read.props?.resource, route, "CP timestamps, KRI and computed labels are not drift");
    assert.deepEqual(diffKumaResource(read.props!, state), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("drift: a change made on the CP shows on read and is put right by an in-place update", async () => {
    const { id, outs } = await create();
    server.tamper(id, (r: any) => (r.spec.to[0].rules[0].default.backendRefs[0].weight = 99));
    const read = await provider.read!(id, outs);
    assert.deepEqual(diffKumaResource(read.props!, state), { changes: true, replaces: [], deleteBeforeReplace: false });
    await provider.update!(id, read.props!, state);
    assert.deepEqual(comparableResource(server.stored(id) as UniversalResource, route), route);
  });

  it("drift: deleted on the CP reads as gone, and delete is idempotent", async () => {
    const { id, outs } = await create();
    server.forget(id);
    assert.deepEqual(await provider.read!(id, outs), {});
    await provider.delete!(id, outs);
    await provider.delete!(id, outs);
    assert.equal(server.stored(id), undefined);
  });

  it("update in place changes the route's weights; the stored resource follows", async () => {
    const { id, outs } = await create();
    const news = { ...state, resource: meshHttpRoute(disputes(50)) };
    assert.deepEqual(diffKumaResource(outs, news), { changes: true, replaces: [], deleteBeforeReplace: false });
    await provider.update!(id, outs, news);
    assert.deepEqual(comparableResource(server.stored(id) as UniversalResource, news.resource), news.resource);
  });

  it("retries what the CP asks to be retried", async () => {
    server.inject({ method: "PUT", fault: { kind: "status", status: 500 } });
    server.inject({ method: "GET", fault: { kind: "status", status: 429, retryAfter: "0" } });
    const { id, outs } = await create();
    assert.ok((await provider.read!(id, outs)).props);
  });

  it("errors name the resource and never the token", async () => {
    server.inject({ method: "PUT", fault: { kind: "status", status: 401 } });
    await assert.rejects(provider.create(state), (err: Error) => {
      assert.match(
        err.message,
        /^Kuma MeshHTTPRoute "default\/disputes": PUT .*: HTTP 401: the control plane rejected the token/,
      );
      assert.ok(!err.message.includes(server.adminToken));
      return true;
    });
  });
});

describe("diffKumaResource", () => {
  const connection = { url: "https://cp:5682", token: "t" };
  const route = meshHttpRoute(disputes(10));
  const at = (resource: UniversalResource, conn = connection): KumaResourceState => ({ connection: conn, resource });

  it("replaces when the type, mesh or name changes: that is another object on the CP", () => {
    for (const resource of [
      { ...route, name: "disputes-v2" },
      { ...route, mesh: "other" },
      { ...route, type: "MeshTimeout" as const },
    ]) {
      assert.deepEqual(diffKumaResource(at(route), at(resource as UniversalResource)), {
        changes: true,
        replaces: ["resource"],
        deleteBeforeReplace: false,
      });
    }
  });

  it("updates in place for a new spec or a new connection, token included", () => {
    assert.deepEqual(diffKumaResource(at(route), at(meshHttpRoute(disputes(20)))).replaces, []);
    assert.equal(diffKumaResource(at(route), at(meshHttpRoute(disputes(20)))).changes, true);
    assert.deepEqual(diffKumaResource(at(route), at(route, { ...connection, token: "rotated" })), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("sees no change in key order, or in what the CP adds", () => {
    const served = {
      ...route,
      labels: { "kuma.io/origin": "global", "k8s.kuma.io/namespace": "x" },
      creationTime: "t",
      modificationTime: "t",
      kri: "k",
    };
    const reversed = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reversed)
        : value && typeof value === "object"
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, reversed(v)]),
            )
          : value;
    const reordered = reversed(route) as UniversalResource;
    assert.notEqual(JSON.stringify(reordered), JSON.stringify(route));
    assert.equal(diffKumaResource(at(served), at(reordered)).changes, false);
  });

  it("does see a label the program did not set that the CP would not set either", () => {
    assert.equal(diffKumaResource(at({ ...route, labels: { team: "payments" } }), at(route)).changes, true);
  });
});

describeWithUpstream("token providers", function () {
  let server: KumaServer;
  beforeEach(async () => (server = await startKumaServer()));
  afterEach(async () => {
    await server.close();
    assert.deepEqual(server.violations, []);
  });

  it("zone token: issued on create, kept on a connection change, never read back", async () => {
    const provider = makeZoneTokenProvider(NO_SLEEP);
    const inputs: ZoneTokenState = {
      connection: { url: server.url, token: server.adminToken },
      zone: "on-prem",
      scope: ["ingress", "egress"],
      validFor: "720h",
      rotation: "",
    };
    const { id, outs } = await provider.create(inputs);
    assert.match(id, /^zone-token\//);
    assert.equal(outs!.token, server.tokens[0].token);
    assert.deepEqual(server.tokens[0].request, { zone: "on-prem", scope: ["ingress", "egress"], validFor: "720h" });

    const moved = { ...inputs, connection: { ...inputs.connection, token: "new-admin-token" } };
    assert.deepEqual(await provider.diff!(id, outs!, moved), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    assert.equal((await provider.update!(id, outs!, moved)).outs!.token, outs!.token);
    assert.deepEqual(await provider.read!(id, outs), { id, props: outs });
    await provider.delete!(id, outs!);
    assert.equal(server.tokens.length, 1, "no second token was issued");
  });

  it("dataplane token: issued for a name and tags", async () => {
    const provider = makeDataplaneTokenProvider(NO_SLEEP);
    const inputs: DataplaneTokenState = {
      connection: { url: server.url, token: server.adminToken },
      mesh: "default",
      name: "kong-gateway-1",
      tags: { "kuma.io/service": ["kong-gateway"] },
      validFor: "720h",
    };
    const { outs } = await provider.create(inputs);
    assert.equal(outs!.token, server.tokens[0].token);
    assert.deepEqual(server.tokens[0].request, {
      mesh: "default",
      name: "kong-gateway-1",
      tags: { "kuma.io/service": ["kong-gateway"] },
      validFor: "720h",
    });
  });

  it("a bad request fails before anything is sent", async () => {
    const provider = makeZoneTokenProvider(NO_SLEEP);
    await assert.rejects(
      provider.create({
        connection: { url: server.url, token: server.adminToken },
        zone: "on_prem",
        scope: ["cp"],
        validFor: "720h",
      }),
      /zoneToken\.zone is "on_prem"/,
    );
    assert.deepEqual(server.requests, []);
  });
});

describe("diffToken", () => {
  const olds: ZoneTokenState = {
    connection: { url: "https://cp:5682", token: "t" },
    zone: "on-prem",
    scope: ["cp"],
    validFor: "720h",
    rotation: "2026-01",
  };
  const claims = ["zone", "scope", "validFor"] as const;

  it("a new rotation value issues a new token (replace)", () => {
    assert.deepEqual(diffToken(olds, { ...olds, rotation: "2026-02" }, claims), {
      changes: true,
      replaces: ["rotation"],
      deleteBeforeReplace: false,
    });
  });

  it("so does any change to what the token asserts", () => {
    assert.deepEqual(diffToken(olds, { ...olds, zone: "cloud", scope: ["ingress"] }, claims).replaces, [
      "zone",
      "scope",
    ]);
    assert.deepEqual(diffToken(olds, { ...olds, validFor: "24h" }, claims).replaces, ["validFor"]);
  });

  it("nothing changed, nothing to do", () => {
    assert.deepEqual(diffToken(olds, { ...olds }, claims), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
});

describe("Kuma resource classes as Pulumi registers them", () => {
  const ADMIN_TOKEN = "plain-admin-token-from-config";

  it("register as pulumi-nodejs:dynamic/kuma:*, with the connection secret on the wire and in the outputs", async () => {
    const connection = { url: "https://global-cp:5682", token: ADMIN_TOKEN };
    const { resources: registered } = await recordProgram(
      () => {
        new KumaResource("mesh", { connection, resource: mesh() });
        new KumaZoneToken("on-prem-proxies", {
          connection,
          zone: "on-prem",
          scope: ["ingress", "egress"],
          validFor: "720h",
          rotation: "2026-01",
        });
        new KumaDataplaneToken("monolith", {
          connection,
          mesh: "default",
          name: "monolith-1",
          tags: { "kuma.io/service": ["monolith"] },
          validFor: "720h",
        });
      },
      { serializeDynamicProviders: true },
    );

    const byType = (kind: string) => registered.find((r) => r.type === `pulumi-nodejs:dynamic/kuma:${kind}`)!;
    assert.deepEqual(
      registered
        .map((r) => r.type)
        .filter((t) => t !== "pulumi:pulumi:Stack")
        .sort(),
      [
        "pulumi-nodejs:dynamic/kuma:DataplaneToken",
        "pulumi-nodejs:dynamic/kuma:Resource",
        "pulumi-nodejs:dynamic/kuma:ZoneToken",
      ],
    );
    for (const { type, inputs, secretOutputs } of registered.filter((r) => r.custom)) {
      assert.ok(isSecret(inputs.connection), `${type}: connection is sent as a secret`);
      assert.equal((unwrapSecret(inputs.connection) as { token: string }).token, ADMIN_TOKEN);
      assert.ok(
        !JSON.stringify({ ...inputs, connection: undefined }).includes(ADMIN_TOKEN),
        `${type}: the token is nowhere else, the serialised provider included`,
      );
      assert.ok(secretOutputs.includes("connection"), `${type}: the connection is a secret output`);
    }
    assert.deepEqual(
      byType("Resource").inputs.resource,
      JSON.parse(JSON.stringify(mesh())),
      "the resource itself stays readable in diffs",
    );
    assert.deepEqual(byType("ZoneToken").secretOutputs, ["connection", "token"]);
    assert.deepEqual(byType("DataplaneToken").secretOutputs, ["connection", "token"]);
    assert.equal(byType("ZoneToken").inputs.rotation, "2026-01");
  });
});
