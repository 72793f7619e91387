import * as pulumi from "@pulumi/pulumi";
import type { KonnectRegion } from "../config/konnect";
import { KonnectGatewayService, KonnectRoute } from "../providers/konnect/resources";

export interface GatewayRouteArgs {
  region: KonnectRegion;
  baseUrl?: string;
  controlPlaneId: pulumi.Input<string>;
  serviceName: string;
  upstream: { protocol: "http" | "https"; host: pulumi.Input<string>; port: number; path: string };
  routeName: string;
  paths: string[];
  methods: string[];
}

/** A Konnect gateway service and the route that exposes it: what the tutorial clicked together in the UI. */
export class GatewayRoute extends pulumi.ComponentResource {
  static readonly TYPE = "journey:konnect:GatewayRoute";
  public readonly serviceId: pulumi.Output<string>;
  public readonly routeId: pulumi.Output<string>;

  constructor(name: string, args: GatewayRouteArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      GatewayRoute.TYPE,
      name,
      { serviceName: args.serviceName, routeName: args.routeName, paths: args.paths },
      opts,
    );
    if (args.paths.length === 0)
      throw new Error(`GatewayRoute ${name}: paths is []: must list at least one path the route matches, such as /api`);
    if (args.methods.length === 0)
      throw new Error(
        `GatewayRoute ${name}: methods is []: must list at least one HTTP method the route matches, such as GET`,
      );
    const api = { region: args.region, baseUrl: args.baseUrl, controlPlaneId: args.controlPlaneId };
    // Children do not inherit a component's dependsOn; the service must wait for what the route waits for.
    const service = new KonnectGatewayService(
      `${name}-service`,
      { ...api, name: args.serviceName, ...args.upstream },
      { parent: this, dependsOn: opts?.dependsOn },
    );
    const route = new KonnectRoute(
      `${name}-route`,
      {
        ...api,
        serviceId: service.serviceId,
        name: args.routeName,
        paths: args.paths,
        methods: args.methods,
        protocols: ["http", "https"],
        stripPath: true,
      },
      { parent: this },
    );
    this.serviceId = service.serviceId;
    this.routeId = route.routeId;
    this.registerOutputs({ serviceId: this.serviceId, routeId: this.routeId });
  }
}
