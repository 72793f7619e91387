import * as pulumi from "@pulumi/pulumi";
import { renderContainerUnit } from "../render/container";
import { dockerHost } from "../render/hosts";
import { HostSoftware, SshConnection } from "./hostSoftware";

export interface MonolithArgs {
  connection: SshConnection;
  privateAddress: pulumi.Input<string>;
  image: string;
  port: number;
  basePath: string;
}

/** The monolith as it runs today: one container under systemd, restarted always, on its own host. */
export class Monolith extends pulumi.ComponentResource {
  static readonly TYPE = "journey:app:Monolith";
  /** Where the gateway reaches it on the on-prem network, base path included. */
  public readonly upstreamUrl: pulumi.Output<string>;

  constructor(name: string, args: MonolithArgs, opts?: pulumi.ComponentResourceOptions) {
    super(Monolith.TYPE, name, { image: args.image, port: args.port }, opts);
    // Config refuses it too (monolith.basePath); the component guards its own contract, the upstream URL.
    if (!args.basePath.startsWith("/"))
      throw new Error(
        `Monolith ${name}: basePath is ${JSON.stringify(args.basePath)}: must start with "/" (it follows the port in http://<address>:<port><basePath>)`,
      );
    const unit = renderContainerUnit({
      name: "monolith",
      description: "The card monolith (JBoss EAP)",
      image: args.image,
      publish: [{ hostPort: args.port, containerPort: 8080 }],
    });
    new HostSoftware(
      `${name}-software`,
      {
        connection: args.connection,
        host: "monolith",
        bootstrap: dockerHost("monolith"),
        files: [{ path: "/etc/systemd/system/monolith.service", content: unit, mode: "0644" }],
        services: ["monolith.service"],
      },
      { parent: this },
    );
    this.upstreamUrl = pulumi.interpolate`http://${args.privateAddress}:${args.port}${args.basePath}`;
    this.registerOutputs({ upstreamUrl: this.upstreamUrl });
  }
}
