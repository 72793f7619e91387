import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { kumaServiceName, microserviceManifests, MicroserviceArgs } from "../render/k8s";

/** The new service on the cloud zone, in a namespace with sidecar injection: in the mesh from its first pod. */
export class Microservice extends pulumi.ComponentResource {
  static readonly TYPE = "journey:app:Microservice";
  /** The `kuma.io/service` Kubernetes generates for it, e.g. `microservice_microservice_svc_8080`. */
  public readonly meshService: string;

  constructor(
    name: string,
    args: MicroserviceArgs & { provider: k8s.Provider; dependsOn: pulumi.Input<pulumi.Resource>[] },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    const { provider, dependsOn, ...app } = args;
    super(Microservice.TYPE, name, { name: app.name, namespace: app.namespace, image: app.image }, opts);
    const manifests = microserviceManifests(app);
    const k8sOpts = { parent: this, provider };
    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, manifests.namespace, { ...k8sOpts, dependsOn });
    new k8s.core.v1.Service(`${name}-service`, manifests.service, { ...k8sOpts, dependsOn: [namespace] });
    new k8s.apps.v1.Deployment(`${name}-deployment`, manifests.deployment as k8s.apps.v1.DeploymentArgs, {
      ...k8sOpts,
      dependsOn: [namespace],
    });
    this.meshService = kumaServiceName(app);
    this.registerOutputs({ meshService: this.meshService });
  }
}
