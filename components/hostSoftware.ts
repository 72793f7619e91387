import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { HostBootstrap, renderBootstrapScript } from "../render/cloudInit";

export interface SshConnection {
  host: pulumi.Input<string>;
  user: pulumi.Input<string>;
  privateKey: pulumi.Input<string>;
}

/** A file that lands on a host. Secret files have mode 0600 and their content travels only over SSH stdin. */
export interface HostFile {
  path: string;
  content: pulumi.Input<string>;
  mode: "0600" | "0640" | "0644" | "0755";
  owner?: string;
  group?: string;
  /** The file is a Kuma resource manifest (e.g. a Dataplane); the offline plan also lists it under kuma/. */
  kumaResource?: boolean;
}

export interface HostSoftwareArgs {
  connection: SshConnection;
  /** The host's role, e.g. "monolith": names the artefacts in the offline plan. */
  host: string;
  bootstrap: HostBootstrap;
  files: HostFile[];
  /** systemd units (re)started whenever any file changes. */
  services: string[];
  /** Public files fetched on the host over HTTPS after the bootstrap, e.g. a CA bundle its publisher serves. */
  downloads?: HostDownload[];
}

export interface HostDownload {
  url: string;
  path: string;
}

/**
 * Puts software on a host over SSH: the bootstrap script, then every rendered file (content on
 * stdin, never on a command line), then the services. Works the same for simulated and existing hosts.
 */
export class HostSoftware extends pulumi.ComponentResource {
  static readonly TYPE = "journey:host:Software";
  public readonly servicesReady: pulumi.Output<string>;

  constructor(name: string, args: HostSoftwareArgs, opts?: pulumi.ComponentResourceOptions) {
    super(HostSoftware.TYPE, name, { host: args.host, services: args.services, bootstrap: args.bootstrap }, opts);
    const connection = { ...args.connection, dialErrorLimit: 30, perDialTimeout: 10 };

    const bootstrap = new command.remote.Command(
      `${name}-bootstrap`,
      {
        connection,
        create: "sudo bash -s",
        stdin: renderBootstrapScript(args.bootstrap) + (args.downloads ?? []).map(downloadCommand).join(""),
        logging: "stderr",
      },
      { parent: this },
    );

    const files = args.files.map(
      (file) =>
        new InstalledFile(
          `${name}-file-${fileSlug(file.path)}`,
          { connection, host: args.host, file },
          { parent: this, dependsOn: [bootstrap] },
        ),
    );

    const fingerprint = pulumi.all(args.files.map((f) => f.content)).apply((contents) => contentFingerprint(contents));
    const services = new command.remote.Command(
      `${name}-services`,
      { connection, ...serviceCommands(args.services), triggers: [fingerprint], logging: "stdoutAndStderr" },
      { parent: this, dependsOn: files },
    );
    this.servicesReady = services.stdout;
    this.registerOutputs({ servicesReady: this.servicesReady });
  }
}

/** One file on a host. Its own component so that a secret file's content stays secret on its own. */
export class InstalledFile extends pulumi.ComponentResource {
  static readonly TYPE = "journey:host:File";
  constructor(
    name: string,
    args: { connection: command.types.input.remote.ConnectionArgs; host: string; file: HostFile },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    const { file } = args;
    super(
      InstalledFile.TYPE,
      name,
      {
        host: args.host,
        path: file.path,
        mode: file.mode,
        owner: file.owner ?? "root",
        kumaResource: file.kumaResource ?? false,
        content: file.content,
      },
      opts,
    );
    new command.remote.Command(
      `${name}-install`,
      {
        connection: args.connection,
        create: installFileCommand(file),
        delete: `sudo rm -f ${file.path}`,
        stdin: file.content,
        logging: "none",
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}

/**
 * The services' lifecycle. A changed file is an update that restarts the units and leaves them
 * enabled: with `update` set, a change of `triggers` updates the command in place instead of
 * replacing it (@pulumi/command 1.2.1, remote.Command `triggers`: "If the `update` command was
 * provided the resource will be updated, otherwise it will be replaced using the `create`
 * command"), so the `delete` below, which disables the units, runs only when they are removed.
 */
export function serviceCommands(services: string[]): { create: string; update: string; delete: string } {
  const units = services.join(" ");
  const start = `sudo systemctl daemon-reload && sudo systemctl enable ${units} && sudo systemctl restart ${units} && sudo systemctl is-active ${units}`;
  return { create: start, update: start, delete: `sudo systemctl disable --now ${units} || true` };
}

/** HTTPS only (TLS 1.2+, verified against the host's CAs); a failed or empty download fails the step. */
export function downloadCommand(d: HostDownload): string {
  if (!/^https:\/\/[A-Za-z0-9.-]+\/[A-Za-z0-9._/-]+$/.test(d.url))
    throw new Error(`download ${JSON.stringify(d.url)} must be a plain https URL`);
  if (!/^\/[A-Za-z0-9._/-]+$/.test(d.path))
    throw new Error(`download path ${JSON.stringify(d.path)} must be an absolute path`);
  return `install -d -m 0755 ${d.path.slice(0, d.path.lastIndexOf("/"))} && curl --fail --silent --show-error --proto =https --tlsv1.2 -o ${d.path}.new ${d.url} && grep -q 'BEGIN CERTIFICATE' ${d.path}.new && chmod 0644 ${d.path}.new && mv ${d.path}.new ${d.path}\n`;
}

export function installFileCommand(file: HostFile): string {
  return `sudo install -D -m ${file.mode} -o ${file.owner ?? "root"} -g ${file.group ?? file.owner ?? "root"} /dev/stdin ${file.path}`;
}

export function fileSlug(path: string): string {
  return path
    .replace(/^\//, "")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .toLowerCase();
}

function contentFingerprint(contents: string[]): string {
  return crypto.createHash("sha256").update(contents.join("\0")).digest("hex");
}
