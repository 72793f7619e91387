import { strict as assert } from "assert";
import { HttpError } from "../../providers/http";
import { KumaClient, KumaClientOptions, resourcePath } from "../../providers/kuma/client";
import { KumaInputError, mesh, meshHttpRoute } from "../../render/kuma";
import { KumaServer, startKumaServer } from "../support/kumaServer";
import { describeWithUpstream } from "../support/upstream";
import { disputes, everyRenderedResource } from "./fixtures";
import { makeTestPki } from "./tls";
import { hasTool } from "../support/journey";

const RETRY = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 };

describeWithUpstream("KumaClient against a contract-checking fake CP", function () {
  let server: KumaServer;
  let sleeps: number[];
  const errors: string[] = [];

  const client = (overrides: Partial<KumaClientOptions> = {}) =>
    new KumaClient({
      url: server.url,
      token: server.adminToken,
      timeoutMs: 2_000,
      retry: RETRY,
      sleep: async (ms) => void sleeps.push(ms),
      ...overrides,
    });

  async function failure(promise: Promise<unknown>): Promise<HttpError> {
    const err = await promise.then(
      () => assert.fail("expected the call to fail"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof HttpError, String(err));
    errors.push(err.message);
    return err;
  }

  beforeEach(async () => {
    server = await startKumaServer();
    sleeps = [];
    await client().put(mesh());
  });

  afterEach(async function () {
    await server.close();
    if (this.currentTest?.state === "passed")
      assert.deepEqual(server.violations, [], "every request matched the published contract");
  });

  after(() => {
    for (const message of errors)
      assert.ok(
        !message.includes(server.adminToken) && !message.includes("wrong-token"),
        `a token leaked into: ${message}`,
      );
  });

  it("maps each type to its REST path from the one table", () => {
    assert.equal(resourcePath({ type: "Mesh", name: "default" }), "/meshes/default");
    assert.equal(
      resourcePath({ type: "MeshHTTPRoute", name: "disputes", mesh: "default" }),
      "/meshes/default/meshhttproutes/disputes",
    );
    assert.equal(resourcePath({ type: "MeshRetry", name: "r", mesh: "default" }), "/meshes/default/meshretries/r");
    assert.equal(
      resourcePath({ type: "Dataplane", name: "monolith-1", mesh: "default" }),
      "/meshes/default/dataplanes/monolith-1",
    );
    assert.equal(resourcePath({ type: "ZoneIngress", name: "zi" }), "/zoneingresses/zi");
    assert.throws(
      () => resourcePath({ type: "MeshTimeout", name: "t" }),
      /Kuma MeshTimeout "t": mesh is undefined; a mesh-scoped resource needs its mesh/,
    );
    assert.throws(
      () => resourcePath({ type: "ZoneEgress", name: "ze", mesh: "default" }),
      /a global resource has no mesh/,
    );
    assert.throws(
      () => resourcePath({ type: "TrafficRoute" as "Mesh", name: "x" }),
      /type "TrafficRoute" is not one the program manages/,
    );
  });

  it("creates, reads, updates and deletes every rendered resource", async () => {
    const kuma = client();
    for (const { title, resource } of everyRenderedResource()) {
      const path = resourcePath(resource);
      const exists = server.paths().includes(path);
      assert.deepEqual(await kuma.put(resource), { created: !exists, warnings: [] }, title);
      assert.deepEqual(await kuma.put(resource), { created: false, warnings: [] }, `${title}: a second PUT updates`);
      const read = await kuma.get(resource);
      assert.ok(read, title);
      const { creationTime, modificationTime, kri, labels, ...body } = read;
      assert.ok(creationTime && modificationTime && kri && labels, "served with the CP's own fields");
      assert.deepEqual(body, JSON.parse(JSON.stringify(resource)), title);
      assert.ok(server.paths().includes(path));
    }
    for (const path of server.paths())
      assert.ok(everyRenderedResource().some(({ resource }) => resourcePath(resource) === path));
    for (const { resource } of everyRenderedResource().reverse()) {
      if (!server.paths().includes(resourcePath(resource))) continue;
      assert.equal(await kuma.delete(resource), true);
      assert.equal(await kuma.delete(resource), false, "deleting what is gone is not an error");
      assert.equal(await kuma.get(resource), undefined, "a 404 on read is undefined");
    }
    assert.deepEqual(server.paths(), []);
    assert.ok(server.requests.every((r) => r.authorized));
  });

  it("passes on the CP's warnings", async () => {
    server.putWarnings = ["MeshSubset is deprecated, use Dataplane with labels"];
    assert.deepEqual(await client().put(meshHttpRoute(disputes(10))), { created: true, warnings: server.putWarnings });
  });

  it("401: says the token was rejected, names resource and request, never the token", async () => {
    const err = await failure(client({ token: "wrong-token" }).put(meshHttpRoute(disputes(10))));
    assert.equal(err.status, 401);
    assert.match(
      err.message,
      /^Kuma MeshHTTPRoute "default\/disputes": PUT http:\/\/127\.0\.0\.1:\d+\/meshes\/default\/meshhttproutes\/disputes: HTTP 401: the control plane rejected the token/,
    );
    assert.deepEqual(sleeps, [], "not retried");
  });

  it("403: says the token's user may not do this", async () => {
    server.inject({ method: "DELETE", fault: { kind: "status", status: 403 } });
    const err = await failure(client().delete({ type: "Mesh", name: "default" }));
    assert.match(
      err.message,
      /^Kuma Mesh "default": DELETE .*\/meshes\/default: HTTP 403: the token's user may not do this.*: fault injected by the test$/,
    );
  });

  it("404: a read is undefined and a delete reports the resource already gone", async () => {
    server.inject({ method: "GET", fault: { kind: "status", status: 404 } });
    server.inject({ method: "DELETE", fault: { kind: "status", status: 404 } });
    assert.equal(await client().get({ type: "Mesh", name: "default" }), undefined);
    assert.equal(await client().delete({ type: "Mesh", name: "default" }), false);
    assert.ok(server.stored("/meshes/default"), "the injected 404s left the mesh alone");
  });

  it("400: shows the CP's reason", async () => {
    server.inject({
      method: "PUT",
      fault: {
        kind: "status",
        status: 400,
        body: {
          type: "x",
          title: "Bad Request",
          status: 400,
          detail: "Resource is not valid",
          instance: "i",
          invalid_parameters: [{ field: "spec.to[0].rules", reason: "must not be empty" }],
        },
      },
    });
    const err = await failure(client().put(meshHttpRoute(disputes(10))));
    assert.match(err.message, /HTTP 400: Resource is not valid \(spec\.to\[0\]\.rules: must not be empty\)$/);
  });

  it("429: waits as long as Retry-After says, then succeeds", async () => {
    server.inject({ method: "PUT", times: 2, fault: { kind: "status", status: 429, retryAfter: "2" } });
    assert.equal((await client().put(meshHttpRoute(disputes(10)))).created, true);
    assert.deepEqual(sleeps, [2000, 2000]);
  });

  it("500 then success: retried with backoff", async () => {
    server.inject({ method: "GET", times: 2, fault: { kind: "status", status: 500 } });
    assert.equal((await client().get({ type: "Mesh", name: "default" }))?.name, "default");
    assert.deepEqual(sleeps, [100, 200]);
  });

  it("500 for good: gives up after the retry budget", async () => {
    server.inject({ method: "GET", times: 5, fault: { kind: "status", status: 503 } });
    const err = await failure(client().get({ type: "Mesh", name: "default" }));
    assert.match(err.message, /^Kuma Mesh "default": GET .*\/meshes\/default: HTTP 503 after 3 attempt\(s\)/);
  });

  it("no answer: times out, retries, succeeds", async () => {
    server.inject({ method: "GET", fault: { kind: "timeout" } });
    assert.equal((await client({ timeoutMs: 40 }).get({ type: "Mesh", name: "default" }))?.name, "default");
    assert.deepEqual(sleeps, [100]);
  });

  it("no answer at all: names the resource and the timeout", async () => {
    server.inject({ method: "GET", times: 3, fault: { kind: "timeout" } });
    const err = await failure(client({ timeoutMs: 40 }).get({ type: "Mesh", name: "default" }));
    assert.match(err.message, /^Kuma Mesh "default": GET .*: no answer within 40 ms after 3 attempt\(s\)$/);
  });

  it("malformed JSON: a clear error, not a crash", async () => {
    server.inject({ method: "GET", fault: { kind: "malformed-json" } });
    const err = await failure(client().get({ type: "Mesh", name: "default" }));
    assert.match(err.message, /^Kuma Mesh "default": GET .*: answered 200 with a body that is not JSON/);
  });

  describe("tokens", () => {
    it("issues a zone token for a universal zone's proxies", async () => {
      const token = await client().generateZoneToken({
        zone: "on-prem",
        scope: ["ingress", "egress"],
        validFor: "720h",
      });
      assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
      assert.deepEqual(
        server.tokens.map((t) => [t.endpoint, t.request, t.token]),
        [["/tokens/zone", { zone: "on-prem", scope: ["ingress", "egress"], validFor: "720h" }, token]],
      );
    });

    it("issues a dataplane token bound to a name and tags", async () => {
      const token = await client().generateDataplaneToken({
        name: "monolith-1",
        mesh: "default",
        tags: { "kuma.io/service": ["monolith"] },
        validFor: "720h",
      });
      assert.deepEqual(
        server.tokens.map((t) => [t.endpoint, t.request, t.token]),
        [
          [
            "/tokens/dataplane",
            { name: "monolith-1", mesh: "default", tags: { "kuma.io/service": ["monolith"] }, validFor: "720h" },
            token,
          ],
        ],
      );
    });

    it("checks the request before sending it", async () => {
      await assert.rejects(
        client().generateZoneToken({ zone: "on_prem", scope: ["cp"], validFor: "720h" }),
        KumaInputError,
      );
      assert.deepEqual(server.tokens, []);
    });

    it("401: names the token request, not the token", async () => {
      const err = await failure(
        client({ token: "wrong-token" }).generateZoneToken({ zone: "cloud", scope: ["cp"], validFor: "24h" }),
      );
      assert.match(
        err.message,
        /^Kuma zone token for zone "cloud" \(cp\): POST .*\/tokens\/zone: HTTP 401: the control plane rejected the token/,
      );
    });

    it("a 200 that is not a token is an error that does not show the body", async () => {
      server.inject({ path: "/tokens/dataplane", fault: { kind: "status", status: 200, body: { not: "a token" } } });
      const err = await failure(client().generateDataplaneToken({ mesh: "default", tags: {}, validFor: "1h" }));
      assert.match(
        err.message,
        /^Kuma dataplane token for mesh "default": POST .*\/tokens\/dataplane: answered 200 without a token \(the body is not a JWT; not shown\)$/,
      );
      assert.ok(!err.message.includes('a token"'), "the body is not shown");
    });
  });

  describe("configuration", () => {
    it("refuses a CA pin over plain HTTP, credentials in the URL, and no token", () => {
      assert.throws(
        () => new KumaClient({ url: "http://cp:5681", token: "t", caCertPem: "x" }),
        /caCertPem pins a TLS certificate, so the url must be https/,
      );
      assert.throws(
        () => new KumaClient({ url: "https://admin:secret@cp:5682", token: "t" }),
        (e: Error) => /credentials in the URL are not accepted/.test(e.message) && !e.message.includes("secret"),
      );
      assert.throws(() => new KumaClient({ url: "https://cp:5682", token: "" }), /a token is required/);
      assert.throws(
        () => new KumaClient({ url: "cp:5682", token: "t" }),
        /only http and https are supported|is not a URL/,
      );
    });
  });
});

describeWithUpstream("KumaClient pins the control plane's CA", function () {
  let server: KumaServer;
  let pki: ReturnType<typeof makeTestPki>;

  before(async function () {
    if (!hasTool("openssl")) this.skip();
    pki = makeTestPki();
    server = await startKumaServer({ tls: pki.server });
  });

  after(async () => {
    await server?.close();
  });

  const pinned = (caCertPem?: string) =>
    new KumaClient({
      url: server.url,
      token: server.adminToken,
      caCertPem,
      timeoutMs: 2_000,
      retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
    });

  it("talks to a CP whose certificate the pinned CA signed", async () => {
    const client = pinned(pki.caCertPem);
    try {
      assert.equal((await client.put(mesh())).created, true);
      assert.deepEqual(server.violations, []);
    } finally {
      await client.close();
    }
  });

  it("refuses a CP whose certificate another CA signed, and one the system CAs do not know", async () => {
    for (const ca of [pki.otherCaCertPem, undefined]) {
      const client = pinned(ca);
      try {
        await assert.rejects(client.get({ type: "Mesh", name: "default" }), (err: Error) => {
          assert.match(
            err.message,
            /^Kuma Mesh "default": GET https:\/\/127\.0\.0\.1:\d+\/meshes\/default: connection failed/,
          );
          assert.ok(!err.message.includes(server.adminToken));
          return true;
        });
      } finally {
        await client.close();
      }
    }
  });
});
