import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { toYaml } from "../lib/yaml";
import { KumaConnectionArgs, KumaDataplaneToken } from "../providers/kuma/resources";
import type { Dataplane } from "../render/kuma";
import { dockerHost } from "../render/hosts";
import { DATAPLANE_FILES, KUMA_UID, kumaDataplaneUnit } from "../render/meshHost";
import { HostSoftware, SshConnection } from "./hostSoftware";

export interface MeshSidecarArgs {
  /** The host's role, e.g. "monolith". */
  host: string;
  connection: SshConnection;
  /** The Dataplane this sidecar registers (render/kuma serviceDataplane / gatewayDataplane). */
  dataplane: pulumi.Input<Dataplane>;
  /** The zone CP that serves it (`https://<zone>:5678`) and whose API issues its token. */
  zone: { dpServerAddress: pulumi.Input<string>; api: pulumi.Input<KumaConnectionArgs> };
  caCertPem: pulumi.Input<string>;
  image: string;
  tokenValidity: string;
  /**
   * A simulated host's security group, opened on the sidecar's inbound port to the zone's network
   * (the other sidecars and the zone ingress). Hosts without an inbound (a gateway) or without a
   * group (existing hosts) need none.
   */
  inbound?: { securityGroupId: pulumi.Input<string>; port: number; fromCidr: string; tags: Record<string, string> };
}

const HOST_DIR = "/etc/kuma/dataplane";

/**
 * A kuma-dp sidecar on an existing host, running as the kuma user under systemd: it verifies the
 * zone CP with our CA and proves who it is with a dataplane token bound to its name and service.
 */
export class MeshSidecar extends pulumi.ComponentResource {
  static readonly TYPE = "journey:mesh:Sidecar";
  constructor(name: string, args: MeshSidecarArgs, opts?: pulumi.ComponentResourceOptions) {
    super(MeshSidecar.TYPE, name, { host: args.host }, opts);
    if (args.inbound) {
      // Named as it was before the sidecar owned it (`<host>-in-mesh`, then at the stack's top level):
      // the alias names that URN, so existing stacks move the rule under the sidecar instead of replacing it.
      const hostName = name.endsWith("-sidecar") ? name.slice(0, -"-sidecar".length) : name;
      new aws.vpc.SecurityGroupIngressRule(
        `${hostName}-in-mesh`,
        {
          securityGroupId: args.inbound.securityGroupId,
          description: `mesh traffic to the ${args.host}'s sidecar (gateway sidecar and zone ingress)`,
          ipProtocol: "tcp",
          fromPort: args.inbound.port,
          toPort: args.inbound.port,
          cidrIpv4: args.inbound.fromCidr,
          tags: args.inbound.tags,
        },
        { parent: this, aliases: [{ parent: pulumi.rootStackResource }] },
      );
    }
    const dataplane = pulumi.output(args.dataplane);
    const token = new KumaDataplaneToken(
      `${name}-token`,
      {
        connection: args.zone.api,
        mesh: dataplane.apply((d) => d.mesh),
        name: dataplane.apply((d) => d.name),
        tags: dataplane.apply((d) => ({ "kuma.io/service": [serviceOf(d)] })),
        validFor: args.tokenValidity,
      },
      { parent: this },
    );
    const uid = String(KUMA_UID);
    const unit = pulumi.output(args.zone.dpServerAddress).apply((cpAddress) =>
      kumaDataplaneUnit({
        name: "kuma-dp",
        description: `Kong Mesh sidecar of the ${args.host}`,
        image: args.image,
        proxyType: "dataplane",
        cpAddress,
        hostDir: HOST_DIR,
      }),
    );
    new HostSoftware(
      `${name}-software`,
      {
        connection: args.connection,
        host: args.host,
        bootstrap: dockerHost(args.host),
        files: [
          {
            path: `${HOST_DIR}/${DATAPLANE_FILES.resource}`,
            content: dataplane.apply((d) => toYaml(d)),
            mode: "0644",
            kumaResource: true,
          },
          { path: `${HOST_DIR}/${DATAPLANE_FILES.token}`, content: token.token, mode: "0600", owner: uid, group: uid },
          { path: `${HOST_DIR}/${DATAPLANE_FILES.ca}`, content: args.caCertPem, mode: "0644" },
          { path: "/etc/systemd/system/kuma-dp.service", content: unit, mode: "0644" },
        ],
        services: ["kuma-dp.service"],
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}

/** The `kuma.io/service` a Dataplane registers: its inbound's, or its gateway's. */
export function serviceOf(d: Dataplane): string {
  const tags = d.networking.gateway?.tags ?? d.networking.inbound?.[0]?.tags;
  const service = tags?.["kuma.io/service"];
  if (!service) throw new Error(`Dataplane ${d.name} has neither an inbound nor a gateway service tag`);
  return service;
}
