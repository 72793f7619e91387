import { strict as assert } from "assert";
import {
  GATEWAY_SERVICE,
  MICROSERVICE,
  MONOLITH_SERVICE,
  kubernetesServiceTag,
  mesh,
  meshTrafficPermission,
  meshTrafficPermissions,
} from "../../render/kuma";
import { everyRenderedResource } from "./fixtures";
import { isAllowed } from "./meshSemantics";

const MICROSERVICE_TAG = kubernetesServiceTag(MICROSERVICE);

describe("meshTrafficPermissions: deny by default", () => {
  const permissions = meshTrafficPermissions();

  it("allows exactly gateway -> monolith and gateway -> microservice", () => {
    const services = [GATEWAY_SERVICE, MONOLITH_SERVICE, MICROSERVICE_TAG, "kuma-zone-ingress", "something-else"];
    const allowed = services.flatMap((source) =>
      services
        .filter((destination) => isAllowed(permissions, source, destination))
        .map((destination) => `${source} -> ${destination}`),
    );
    assert.deepEqual(allowed, [
      `${GATEWAY_SERVICE} -> ${MONOLITH_SERVICE}`,
      `${GATEWAY_SERVICE} -> ${MICROSERVICE_TAG}`,
    ]);
  });

  it("states the deny explicitly, ahead of the allowed source", () => {
    for (const mtp of permissions) {
      assert.deepEqual(mtp.spec.from[0], { targetRef: { kind: "Mesh" }, default: { action: "Deny" } });
      assert.deepEqual(mtp.spec.from.slice(1), [
        {
          targetRef: { kind: "MeshSubset", tags: { "kuma.io/service": GATEWAY_SERVICE } },
          default: { action: "Allow" },
        },
      ]);
    }
  });

  it("has no allow-all anywhere in what the program renders", () => {
    for (const { title, resource } of everyRenderedResource()) {
      if (resource.type !== "MeshTrafficPermission") continue;
      for (const from of resource.spec.from) {
        if (from.default.action === "Allow") assert.notEqual(from.targetRef.kind, "Mesh", title);
      }
      assert.notEqual(resource.spec.targetRef.kind, "Mesh", `${title} selects one destination, not the mesh`);
    }
    assert.deepEqual(
      mesh().skipCreatingInitialPolicies,
      ["TrafficPermission", "TrafficRoute"],
      "the CP never creates the legacy allow-all for this mesh",
    );
  });

  it("offers no way to allow everyone", () => {
    assert.throws(
      () => meshTrafficPermission({ name: "x", destination: MONOLITH_SERVICE, allowedSources: [] }),
      /allowedSources is \[\]: must list at least one source service \(allow-all is not offered\)/,
    );
    assert.throws(
      () => meshTrafficPermission({ name: "x", destination: MONOLITH_SERVICE, allowedSources: ["*"] }),
      /allowedSources\[0\] is "\*": must be an RFC 1123 label/,
    );
    assert.throws(
      () =>
        meshTrafficPermission({
          name: "x",
          destination: MONOLITH_SERVICE,
          allowedSources: [GATEWAY_SERVICE, GATEWAY_SERVICE],
        }),
      /must not list kong-gateway twice/,
    );
  });
});
