import * as pulumi from "@pulumi/pulumi";
import { KumaConnectionArgs, KumaResource } from "../providers/kuma/resources";
import {
  EarlyAccess,
  KubernetesService,
  meshHttpRoute,
  meshRetry,
  meshTimeout,
  Retries,
  Timeouts,
} from "../render/kuma";

export interface CutoverArgs {
  api: pulumi.Input<KumaConnectionArgs>;
  migration: { name: string; pathPrefix: string; rewritePrefix: string; weight: number; earlyAccess?: EarlyAccess };
  /** The service that takes over, as walk exports it. */
  microservice: pulumi.Input<KubernetesService>;
  timeouts: Partial<Timeouts>;
  retries: Partial<Retries>;
}

/**
 * One API moving from the monolith to the microservice: the MeshHTTPRoute that splits its path by
 * weight (rewriting it for the microservice), and the timeout and retries of that route. Changing
 * the weight updates the route in place and nothing else.
 */
export class Cutover extends pulumi.ComponentResource {
  static readonly TYPE = "journey:mesh:Cutover";
  public readonly routeName: string;

  constructor(name: string, args: CutoverArgs, opts?: pulumi.ComponentResourceOptions) {
    super(Cutover.TYPE, name, { migration: args.migration.name }, opts);
    const { migration } = args;
    const route = new KumaResource(
      `${name}-route`,
      {
        connection: args.api,
        resource: pulumi.output(args.microservice).apply((to) => meshHttpRoute({ ...migration, to })),
      },
      { parent: this },
    );
    const scope = (kind: string) => ({ name: `${migration.name}-${kind}`, routes: [migration.name] });
    new KumaResource(
      `${name}-timeout`,
      {
        connection: args.api,
        resource: pulumi
          .output(args.microservice)
          .apply((microservice) => meshTimeout({ ...scope("timeout"), microservice, timeouts: args.timeouts })),
      },
      { parent: this, dependsOn: [route] },
    );
    new KumaResource(
      `${name}-retry`,
      {
        connection: args.api,
        resource: pulumi
          .output(args.microservice)
          .apply((microservice) => meshRetry({ ...scope("retry"), microservice, retries: args.retries })),
      },
      { parent: this, dependsOn: [route] },
    );
    this.routeName = migration.name;
    this.registerOutputs({ routeName: this.routeName });
  }
}
