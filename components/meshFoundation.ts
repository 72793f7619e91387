import * as pulumi from "@pulumi/pulumi";
import { KumaConnectionArgs, KumaResource } from "../providers/kuma/resources";
import { KubernetesService, mesh, meshMetric, meshTrafficPermissions } from "../render/kuma";

/**
 * The `default` mesh with builtin mTLS and cross-zone traffic through the zone egress, and
 * traffic permissions that allow exactly gateway -> monolith and gateway -> microservice
 * (everything else is denied once mTLS is on), and the gateway sidecar's metrics that the metric
 * gates of `journey shift` read. Applied to the global CP, which syncs the zones.
 */
export class MeshFoundation extends pulumi.ComponentResource {
  static readonly TYPE = "journey:mesh:Foundation";
  public readonly meshName: string;

  constructor(
    name: string,
    args: { api: pulumi.Input<KumaConnectionArgs>; microservice: KubernetesService },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(MeshFoundation.TYPE, name, {}, opts);
    const theMesh = mesh();
    // The CP owns the `default` mesh too (it creates it at start): destroying walk must not delete
    // a mesh that other workloads may share, so Pulumi lets go of it instead.
    const meshResource = new KumaResource(
      `${name}-mesh`,
      { connection: args.api, resource: theMesh },
      { parent: this, retainOnDelete: true },
    );
    for (const permission of meshTrafficPermissions({ microservice: args.microservice })) {
      new KumaResource(
        `${name}-${permission.name}`,
        { connection: args.api, resource: permission },
        { parent: this, dependsOn: [meshResource] },
      );
    }
    const metrics = meshMetric();
    new KumaResource(
      `${name}-${metrics.name}`,
      { connection: args.api, resource: metrics },
      { parent: this, dependsOn: [meshResource] },
    );
    this.meshName = theMesh.name;
    this.registerOutputs({ meshName: this.meshName });
  }
}
