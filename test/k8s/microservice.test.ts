import { strict as assert } from "assert";
import { Deployment } from "kubernetes-models/apps/v1";
import { Namespace, Service } from "kubernetes-models/v1";
import { ResourceRequirements } from "kubernetes-models/v1/ResourceRequirements";
import { APP_UID, MicroserviceArgs, kumaServiceName, microserviceManifests } from "../../render/k8s";
import { MICROSERVICE } from "../../render/kuma";

const DIGEST = `sha256:${"ab12".repeat(16)}`;
const ARGS: MicroserviceArgs = {
  ...MICROSERVICE,
  image: "123456789012.dkr.ecr.us-west-2.amazonaws.com/disputes:1.0.0",
  healthPath: "/actuator/health",
  replicas: 2,
};

const manifests = () => microserviceManifests(ARGS);
const container = () => manifests().deployment.spec!.template.spec!.containers[0];

describe("k8s: microservice", () => {
  it("renders a Namespace, a Deployment and a Service that validate against the Kubernetes schemas", () => {
    const { namespace, deployment, service } = manifests();
    new Namespace(namespace).validate();
    new Deployment(deployment).validate();
    new Service(service).validate();
  });

  it("puts the namespace in the mesh", () => {
    assert.deepEqual(manifests().namespace.metadata, {
      name: "microservice",
      labels: { "kuma.io/sidecar-injection": "enabled" },
    });
  });

  it("selects its own pods by the app label, in its namespace", () => {
    const { deployment, service } = manifests();
    const podLabels = deployment.spec!.template.metadata!.labels;
    assert.deepEqual(podLabels, { app: "microservice" });
    assert.deepEqual(deployment.spec!.selector.matchLabels, podLabels);
    assert.deepEqual(service.spec!.selector, podLabels);
    for (const object of [deployment, service]) assert.equal(object.metadata?.namespace, "microservice");
    assert.equal(deployment.spec!.replicas, 2);
  });

  it("runs the pinned image it was given", () => {
    assert.equal(container().image, ARGS.image);
    assert.equal(container().imagePullPolicy, "IfNotPresent");
  });

  it("probes health on healthPath at the container port: startup, readiness and liveness", () => {
    const c = container();
    for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe]) {
      assert.deepEqual(probe?.httpGet, { path: "/actuator/health", port: 8080 });
    }
    assert.deepEqual(c.ports, [{ name: "http", containerPort: 8080, protocol: "TCP" }]);
  });

  it("requests and limits cpu and memory", () => {
    const { resources } = container();
    new ResourceRequirements(resources).validate();
    for (const bound of [resources?.requests, resources?.limits])
      assert.deepEqual(Object.keys(bound ?? {}).sort(), ["cpu", "memory"]);
  });

  it("runs as a non-root user other than the sidecar's, read-only, without privileges", () => {
    const { securityContext, volumeMounts } = container();
    assert.equal(securityContext?.runAsNonRoot, true);
    assert.equal(securityContext?.runAsUser, APP_UID);
    assert.notEqual(APP_UID, 5678);
    assert.equal(securityContext?.allowPrivilegeEscalation, false);
    assert.equal(securityContext?.readOnlyRootFilesystem, true);
    assert.deepEqual(securityContext?.capabilities, { drop: ["ALL"] });
    assert.deepEqual(securityContext?.seccompProfile, { type: "RuntimeDefault" });
    assert.deepEqual(volumeMounts, [{ name: "tmp", mountPath: "/tmp" }]);
    assert.ok(manifests().deployment.spec!.template.spec!.volumes?.some((v) => v.name === "tmp" && v.emptyDir));
  });

  it("leaves the pod security context alone so the injected kuma-init can run as root", () => {
    assert.equal(manifests().deployment.spec!.template.spec!.securityContext, undefined);
  });

  it("exposes the port as a ClusterIP Service that Kuma treats as HTTP", () => {
    const { spec } = manifests().service;
    assert.equal(spec?.type, "ClusterIP");
    assert.deepEqual(spec?.ports, [
      { name: "http", port: 8080, targetPort: 8080, protocol: "TCP", appProtocol: "http" },
    ]);
  });

  it("names the Kuma service after the rendered Service, as the zone CP does", () => {
    const { metadata, spec } = manifests().service;
    const rendered = { name: metadata!.name!, namespace: metadata!.namespace!, port: spec!.ports![0].port };
    assert.equal(kumaServiceName(rendered), "microservice_microservice_svc_8080");
    assert.equal(kumaServiceName({ name: "orders", namespace: "shop", port: 9090 }), "orders_shop_svc_9090");
  });

  it("accepts images pinned by tag, by digest, or both, with a registry port", () => {
    for (const image of [
      "registry.example.com:5000/team/disputes:1.2.0",
      `docker.io/djfreese/disputes@${DIGEST}`,
      `ghcr.io/kong/disputes:1.2.0@${DIGEST}`,
      "disputes:2025.01.31-abc",
    ]) {
      assert.equal(
        microserviceManifests({ ...ARGS, image }).deployment.spec!.template.spec!.containers[0].image,
        image,
      );
    }
  });

  describe("input validation", () => {
    const rejects = (overrides: Partial<MicroserviceArgs>, message: RegExp) =>
      assert.throws(() => microserviceManifests({ ...ARGS, ...overrides }), message);

    it("refuses latest and untagged images", () => {
      rejects({ image: "x:latest" }, /^KumaInputError: image is "x:latest": must not use the tag 'latest'/);
      rejects({ image: `x:latest@${DIGEST}` }, /image is "x:latest@sha256:[a-f0-9]+": must not use the tag 'latest'/);
      rejects(
        { image: "docker.io/djfreese/disputes" },
        /image is "docker.io\/djfreese\/disputes": must be pinned: add a version tag \(not 'latest'\) or a @sha256 digest/,
      );
      rejects({ image: "registry:5000/disputes" }, /image is "registry:5000\/disputes": must be pinned/);
    });

    it("refuses strings that are not image references", () => {
      for (const image of ["", "Disputes:1.0", "disputes:1.0 ", "disputes@sha256:short", "disputes:-bad"]) {
        rejects(
          { image },
          new RegExp(
            `^KumaInputError: image is ${JSON.stringify(image).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: must be an image reference such as`,
          ),
        );
      }
    });

    it("refuses ports outside 1-65535 and the sidecar's own ports", () => {
      rejects({ port: 0 }, /^KumaInputError: port is 0: must be an integer port between 1 and 65535$/);
      rejects({ port: 65536 }, /port is 65536: must be an integer port between 1 and 65535/);
      rejects({ port: 80.5 }, /port is 80.5: must be an integer port between 1 and 65535/);
      rejects(
        { port: 15006 },
        /port is 15006: must not be one of the Kuma sidecar's own ports \(9001, 9901, 15001, 15006, 15053\)/,
      );
    });

    it("refuses names Kubernetes would refuse", () => {
      rejects({ name: "Micro_Service" }, /^KumaInputError: name is "Micro_Service": must be an RFC 1035 label/);
      rejects({ name: "1st-service" }, /name is "1st-service": must be an RFC 1035 label \(it names the Service\)/);
      rejects({ name: "x".repeat(64) }, /name is "x{64}": must be an RFC 1035 label/);
      rejects(
        { namespace: "Micro Service" },
        /^KumaInputError: namespace is "Micro Service": must be an RFC 1123 label/,
      );
    });

    it("refuses namespaces the sidecar injector never injects into", () => {
      rejects({ namespace: "kong-mesh-system" }, /namespace is "kong-mesh-system": must be an application namespace/);
      rejects({ namespace: "kube-system" }, /namespace is "kube-system": must be an application namespace/);
    });

    it("refuses a health path that is not an absolute path, and bad replica counts", () => {
      rejects(
        { healthPath: "actuator/health" },
        /^KumaInputError: healthPath is "actuator\/health": must be an absolute HTTP path/,
      );
      rejects({ healthPath: "/health check" }, /healthPath is "\/health check": must be an absolute HTTP path/);
      rejects({ replicas: 0 }, /^KumaInputError: replicas is 0: must be an integer from 1 to 20$/);
    });
  });
});
