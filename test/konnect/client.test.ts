import * as assert from "node:assert/strict";
import { HttpError } from "../../providers/http";
import { controlPlaneBody, gatewayServiceBody, routeBody } from "../../providers/konnect/bodies";
import { isKonnectRegion, konnectTokenProblem } from "../../config/konnect";
import { KonnectClient, konnectApiBaseUrl } from "../../providers/konnect/client";
import { KonnectError } from "../../providers/konnect/errors";
import { describeWithUpstream } from "../support/upstream";
import { FAST_RETRY, TOKEN, clientFor, rejection, sleepRecorder, useKonnectServer } from "./fixtures";

const MISSING = "00000000-0000-4000-8000-000000000000";

describe("Konnect client basics", () => {
  it("knows the regions and their API hosts", () => {
    assert.ok(isKonnectRegion("eu"));
    assert.ok(!isKonnectRegion("mars"));
    assert.equal(konnectApiBaseUrl("au"), "https://au.api.konghq.com");
  });

  it("refuses an unknown region before sending anything", () => {
    assert.throws(
      () => new KonnectClient({ region: "mars" as never, token: TOKEN, timeoutMs: 1000 }),
      /unknown Konnect region "mars"; use one of us, eu, au, me, in, sg/,
    );
  });

  it("checks a token's shape without quoting it", () => {
    assert.equal(konnectTokenProblem(TOKEN), undefined);
    assert.equal(konnectTokenProblem("spat_SystemAccountToken0123456789"), undefined);
    assert.match(konnectTokenProblem(undefined) ?? "", /no Konnect token/);
    const problem = konnectTokenProblem("Bearer hunter2-is-my-password") ?? "";
    assert.match(problem, /not a personal \(kpat_…\) or system-account \(spat_…\) access token/);
    assert.ok(!problem.includes("hunter2"));
  });
});

describeWithUpstream("Konnect client against a fake Konnect", () => {
  const server = useKonnectServer();
  /** Every error a test saw, checked for the token at the end. */
  const errors: Error[] = [];
  const failure = async (promise: Promise<unknown>) => {
    const err = await rejection(promise);
    errors.push(err);
    return err;
  };

  after(() => {
    assert.ok(errors.length >= 8, "the failure cases ran");
    for (const err of errors) {
      assert.ok(!`${err.message} ${err.stack}`.includes(TOKEN), `the token leaked into: ${err.message}`);
      assert.ok(!JSON.stringify(err).includes(TOKEN), `the token leaked into the error's fields: ${err.message}`);
    }
  });

  it("creates, finds by name, reads and deletes a control plane", async () => {
    const client = clientFor(server());
    const created = await client.createControlPlane(controlPlaneBody({ name: "crawl-cp", labels: { env: "crawl" } }));
    assert.match(created.config.control_plane_endpoint, /^https:\/\/\w+\.us\.cp\.konghq\.com$/);
    assert.deepEqual(await client.findControlPlaneByName("crawl-cp"), created);
    assert.equal(await client.findControlPlaneByName("other"), undefined);
    assert.deepEqual(server().requestsTo("GET", "/control-planes")[0].query, { "filter[name][eq]": "crawl-cp" });
    assert.deepEqual(await client.getControlPlane(created.id), created);
    await client.deleteControlPlane(created.id);
    assert.equal(server().controlPlanes.size, 0);
  });

  it("a read of something gone answers undefined (that is how drift shows)", async () => {
    const client = clientFor(server());
    assert.equal(await client.getControlPlane(MISSING), undefined);
    const cp = await client.createControlPlane(controlPlaneBody({ name: "cp" }));
    assert.equal(await client.services.get(cp.id, MISSING), undefined);
    assert.equal(await client.routes.get(cp.id, MISSING), undefined);
    assert.equal(await client.getDataPlaneCertificate(cp.id, MISSING), undefined);
  });

  it("deleting something already gone succeeds (404 or 204)", async () => {
    const client = clientFor(server());
    await client.deleteControlPlane(MISSING);
    const cp = await client.createControlPlane(controlPlaneBody({ name: "cp" }));
    await client.deleteDataPlaneCertificate(cp.id, MISSING);
    await client.services.delete(cp.id, MISSING);
    await client.routes.delete(cp.id, MISSING);
  });

  it("a 404 on an update says the control plane is gone", async () => {
    const err = await failure(clientFor(server()).updateControlPlane(MISSING, "crawl-cp", { description: "x" }));
    assert.ok(err instanceof KonnectError && err.failure === "not-found");
    assert.match(
      err.message,
      /^Konnect control plane "crawl-cp" \(0{8}-.*\): PATCH http:\/\/127\.0\.0\.1:\d+\/v2\/control-planes\/0{8}-\S+: HTTP 404: control plane "crawl-cp" does not exist/,
    );
  });

  it("401: the token is missing, invalid or expired, and where it came from", async () => {
    const client = clientFor(server(), {
      token: "kpat_SomeoneElsesTokenWhichIsWrong0123",
      tokenSource: "stack config cloud-migration-journey:konnectToken",
    });
    const err = await failure(client.createControlPlane(controlPlaneBody({ name: "crawl-cp" })));
    assert.ok(err instanceof KonnectError && err.failure === "unauthenticated" && err.status === 401);
    assert.match(
      err.message,
      /Konnect control plane "crawl-cp": POST \S+\/v2\/control-planes: HTTP 401: the Konnect token is missing, invalid or expired; set a valid kpat_\/spat_ token in stack config cloud-migration-journey:konnectToken/,
    );
    assert.ok(!err.message.includes("SomeoneElsesToken"));
  });

  it("403 on creating a control plane names the role that may", async () => {
    server().inject("POST", "/control-planes", {
      status: 403,
      detail: "Insufficient role-set to create control planes.",
    });
    const err = await failure(clientFor(server()).createControlPlane(controlPlaneBody({ name: "crawl-cp" })));
    assert.ok(err instanceof KonnectError && err.failure === "forbidden");
    assert.match(
      err.message,
      /the token lacks permission to create control planes; give the system account the Control Plane Creator role/,
    );
    assert.match(err.message, /Insufficient role-set/, "Konnect's own detail is kept");
  });

  it("403 inside a control plane names the action, the control plane and the role", async () => {
    const client = clientFor(server());
    const cp = await client.createControlPlane(controlPlaneBody({ name: "crawl-cp" }));
    server().inject("POST", `/control-planes/${cp.id}/core-entities/services`, { status: 403 });
    const err = await failure(
      client.services.create(
        cp.id,
        gatewayServiceBody({ name: "monolith", protocol: "http", host: "10.0.0.5", port: 8080 }),
      ),
    );
    assert.match(
      err.message,
      new RegExp(
        `the token lacks permission to create gateway services on control plane ${cp.id}; give the system account the Control Plane Admin role for control plane ${cp.id}`,
      ),
    );
    server().inject("DELETE", `/control-planes/${cp.id}`, { status: 403 });
    const onDelete = await failure(client.deleteControlPlane(cp.id, "crawl-cp"));
    assert.match(
      onDelete.message,
      /lacks permission to delete control plane "crawl-cp"; give the system account the Control Plane Admin role/,
    );
  });

  it("409: a duplicate name is a conflict the caller can react to", async () => {
    const client = clientFor(server());
    server().seedControlPlane("crawl-cp");
    const err = await failure(client.createControlPlane(controlPlaneBody({ name: "crawl-cp" })));
    assert.ok(err instanceof KonnectError && err.failure === "conflict");
    assert.match(
      err.message,
      /HTTP 409: a control plane named "crawl-cp" already exists: Control Plane with provided name already exists/,
    );

    const cp = await client.createControlPlane(controlPlaneBody({ name: "other" }));
    const service = gatewayServiceBody({ name: "monolith", protocol: "http", host: "10.0.0.5", port: 8080 });
    await client.services.create(cp.id, service);
    const duplicate = await failure(client.services.create(cp.id, service));
    assert.match(
      duplicate.message,
      new RegExp(`a gateway service named "monolith" already exists in control plane ${cp.id}: UNIQUE violation`),
    );
  });

  it("429: waits as long as Retry-After says, then succeeds", async () => {
    const { sleeps, sleep } = sleepRecorder();
    const client = clientFor(server(), { sleep });
    const cp = server().seedControlPlane("crawl-cp");
    server().inject("GET", `/control-planes/${cp.id}`, { status: 429, retryAfter: "7" });
    assert.equal((await client.getControlPlane(cp.id))?.name, "crawl-cp");
    assert.deepEqual(sleeps, [7000]);
  });

  it("500 then success: retried with backoff, and created once", async () => {
    const { sleeps, sleep } = sleepRecorder();
    server().inject("POST", "/control-planes", { status: 500 });
    const created = await clientFor(server(), { sleep }).createControlPlane(controlPlaneBody({ name: "crawl-cp" }));
    assert.equal(created.name, "crawl-cp");
    assert.deepEqual(sleeps, [FAST_RETRY.baseDelayMs]);
    assert.equal(server().controlPlanes.size, 1);
  });

  it("5xx until the retries run out: says how many attempts failed", async () => {
    const { sleep } = sleepRecorder();
    server().inject(
      "POST",
      "/control-planes",
      { status: 503, detail: "Could not retrieve permissions" },
      FAST_RETRY.attempts,
    );
    const err = await failure(
      clientFor(server(), { sleep }).createControlPlane(controlPlaneBody({ name: "crawl-cp" })),
    );
    assert.ok(err instanceof HttpError);
    assert.match(
      err.message,
      /^Konnect control plane "crawl-cp": POST \S+: HTTP 503 after 3 attempt\(s\): Could not retrieve permissions/,
    );
  });

  it("a slow answer times out clearly after the retries", async () => {
    const { sleeps, sleep } = sleepRecorder();
    const cp = server().seedControlPlane("crawl-cp");
    server().inject("GET", `/control-planes/${cp.id}`, { delayMs: 1000 }, 2);
    const started = Date.now();
    const client = clientFor(server(), {
      sleep,
      timeoutMs: 40,
      retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
    });
    const err = await failure(client.getControlPlane(cp.id, "crawl-cp"));
    assert.match(
      err.message,
      new RegExp(
        `^Konnect control plane "crawl-cp" \\(${cp.id}\\): GET \\S+: no answer within 40 ms after 2 attempt\\(s\\)`,
      ),
    );
    assert.deepEqual(sleeps, [10]);
    assert.ok(Date.now() - started < 500, "did not wait for the slow answer");
  });

  it("a body that is not JSON is a clear error", async () => {
    const cp = server().seedControlPlane("crawl-cp");
    server().inject("GET", `/control-planes/${cp.id}`, { malformedJson: true });
    const err = await failure(clientFor(server()).getControlPlane(cp.id));
    assert.match(
      err.message,
      new RegExp(`^Konnect control plane ${cp.id}: GET \\S+: answered 200 with a body that is not JSON`),
    );
  });

  it("services and routes: create, read, upsert, delete", async () => {
    const client = clientFor(server());
    const cp = await client.createControlPlane(controlPlaneBody({ name: "cp" }));
    const service = await client.services.create(
      cp.id,
      gatewayServiceBody({ name: "monolith", protocol: "http", host: "10.0.0.5", port: 8080 }),
    );
    const route = await client.routes.create(
      cp.id,
      routeBody({ name: "monolith", serviceId: service.id, paths: ["/monolith"] }),
    );
    assert.equal((await client.routes.get(cp.id, route.id))?.service?.id, service.id);

    const moved = await client.services.upsert(
      cp.id,
      service.id,
      gatewayServiceBody({ name: "monolith", protocol: "http", host: "10.0.0.6", port: 8080 }),
    );
    assert.equal(moved.id, service.id);
    assert.equal((await client.services.get(cp.id, service.id))?.host, "10.0.0.6");
    await client.routes.upsert(
      cp.id,
      route.id,
      routeBody({ name: "monolith", serviceId: service.id, paths: ["/v2/monolith"] }),
    );
    assert.deepEqual((await client.routes.get(cp.id, route.id))?.paths, ["/v2/monolith"]);

    await client.routes.delete(cp.id, route.id);
    await client.services.delete(cp.id, service.id);
    assert.equal(server().services.size + server().routes.size, 0);
  });
});
