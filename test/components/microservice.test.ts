import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as tls from "@pulumi/tls";
import { Microservice } from "../../components/microservice";
import { MicroserviceArgs, kumaServiceName, microserviceManifests } from "../../render/k8s";
import { MICROSERVICE } from "../../render/kuma";
import { recordComponent, typesAndNames } from "../support/components";

const APP: MicroserviceArgs = {
  ...MICROSERVICE,
  image: "registry.example.com/disputes:1.0.0",
  healthPath: "/actuator/health",
  replicas: 2,
};

const record = (app: Partial<MicroserviceArgs> = {}) =>
  recordComponent(
    Microservice,
    () => {
      const provider = new k8s.Provider("cloud-zone", { kubeconfig: "{}" });
      const meshRelease = new tls.PrivateKey("mesh-release", { algorithm: "ED25519" });
      return new Microservice("app", { ...APP, ...app, provider, dependsOn: [meshRelease] });
    },
    (m) => ({ meshService: m.meshService }),
  );
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

describe(`${Microservice.TYPE} alone`, () => {
  it("is its meshed namespace, Service and Deployment, as render/k8s renders them", async () => {
    const m = await record();
    assert.deepEqual(m.component.inputs, { name: APP.name, namespace: APP.namespace, image: APP.image });
    assert.deepEqual(typesAndNames(m.children), [
      ["kubernetes:apps/v1:Deployment", "app-deployment"],
      ["kubernetes:core/v1:Namespace", "app-namespace"],
      ["kubernetes:core/v1:Service", "app-service"],
    ]);
    const manifests = plain(microserviceManifests(APP));
    for (const kind of ["namespace", "service", "deployment"] as const)
      assert.deepEqual(m.resource(`app-${kind}`).inputs, manifests[kind], kind);
    assert.deepEqual(m.outputs, { meshService: kumaServiceName(APP) });
  });

  it("creates the namespace once the mesh is installed (injection on from the first pod), the rest inside it", async () => {
    const m = await record();
    const namespace = m.resource("app-namespace");
    assert.ok(m.waitsFor(namespace, m.resource("mesh-release")));
    assert.ok(m.waitsFor(m.resource("app-service"), namespace));
    assert.ok(m.waitsFor(m.resource("app-deployment"), namespace));
  });

  it("refuses an image that is not pinned, and a namespace the injector skips", async () => {
    await assert.rejects(
      record({ image: "registry.example.com/disputes:latest" }),
      /image .*must not use the tag 'latest'/,
    );
    await assert.rejects(record({ namespace: "kube-system" }), /namespace .*must be an application namespace/);
  });
});
