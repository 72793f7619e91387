import * as assert from "node:assert/strict";
import { MeshFoundation } from "../../components/meshFoundation";
import { DYNAMIC_PREFIX } from "../../offline/resourceTypes";
import { KubernetesService, mesh, meshMetric, meshTrafficPermissions } from "../../render/kuma";
import { isSecret, recordComponent, typesAndNames, unwrapSecret } from "../support/components";

const KUMA_RESOURCE = `${DYNAMIC_PREFIX}kuma:Resource`;
const API = { url: "https://203.0.113.40:5682", token: "admin-token" };
const MICROSERVICE: KubernetesService = { name: "disputes", namespace: "disputes", port: 8080 };

const record = (microservice = MICROSERVICE) =>
  recordComponent(
    MeshFoundation,
    () => new MeshFoundation("mesh", { api: API, microservice }),
    (f) => ({ meshName: f.meshName }),
  );
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

describe(`${MeshFoundation.TYPE} alone`, () => {
  it("is the mesh, one traffic permission per destination of the gateway, and the gateway's metrics", async () => {
    const f = await record();
    const permissions = meshTrafficPermissions({ microservice: MICROSERVICE });
    const names = ["mesh", ...permissions.map((p) => p.name), meshMetric().name].map((n) => `mesh-${n}`);
    assert.deepEqual(
      typesAndNames(f.children),
      names.sort().map((n) => [KUMA_RESOURCE, n]),
    );
    assert.deepEqual(f.resource("mesh-mesh").inputs.resource, plain(mesh()));
    for (const permission of permissions)
      assert.deepEqual(f.resource(`mesh-${permission.name}`).inputs.resource, plain(permission));
    assert.deepEqual(f.resource(`mesh-${meshMetric().name}`).inputs.resource, plain(meshMetric()));
    assert.deepEqual(f.outputs, { meshName: "default" });
  });

  it("applies the policies once the mesh exists, all on the global CP's API, as a secret", async () => {
    const f = await record();
    const theMesh = f.resource("mesh-mesh");
    for (const policy of f.children.filter((c) => c !== theMesh)) assert.ok(f.waitsFor(policy, theMesh), policy.name);
    for (const child of f.children) {
      assert.ok(isSecret(child.inputs.connection));
      assert.deepEqual(unwrapSecret(child.inputs.connection), API);
    }
  });

  it("lets the gateway reach exactly the monolith and the microservice given", async () => {
    const f = await record({ name: "refunds", namespace: "payments", port: 9090 });
    const destinations = f.children
      .map((c) => c.inputs.resource as any)
      .filter((r) => r.type === "MeshTrafficPermission")
      .map((r) => r.spec.targetRef.tags["kuma.io/service"])
      .sort();
    assert.deepEqual(destinations, ["monolith", "refunds_payments_svc_9090"]);
  });

  it("refuses a microservice Kuma could not name", async () => {
    await assert.rejects(record({ name: "disputes", namespace: "disputes", port: 0 }), {
      message: "meshTrafficPermissions.destination.port is 0: must be an integer port between 1 and 65535",
    });
  });
});
