import { renderServiceUnit, ServiceUnit, systemdCommandLine } from "./systemd";

/**
 * Pieces of the image reference grammar (distribution/reference), as regular-expression source:
 * shared by config's image keys (config/image.ts) and the renderers' own checks (render/k8s).
 */
export const IMAGE_PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
export const IMAGE_TAG = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
export const IMAGE_DIGEST = "sha256:[a-f0-9]{64}";

/** A container run by systemd with docker: the unit owns the container's whole life. */
export interface ContainerService {
  name: string;
  description: string;
  image: string;
  /** `host` for the gateway (it proxies on the host's ports); bridge with published ports otherwise. */
  network?: "host" | "bridge";
  publish?: Array<{ hostPort: number; containerPort: number; hostAddress?: string }>;
  envFile?: string;
  volumes?: Array<{ hostPath: string; containerPath: string; readOnly?: boolean }>;
  /** Run the container's process as this uid:gid instead of the image default. */
  user?: string;
  /** Arguments after the image (the image's command). */
  args?: string[];
  /** Commands on the host after the image is pulled and before every start (argv each). */
  hostPreStart?: string[][];
  /** A one-shot run of the same image before every start, e.g. `["migrate", "up"]`. */
  preStartArgs?: string[];
  /** Units on the same host this one starts after, e.g. its control plane. */
  after?: string[];
}

export function dockerRunArgs(c: ContainerService, name = c.name, command = c.args ?? []): string[] {
  const args = ["/usr/bin/docker", "run", "--rm", "--name", name];
  if (c.network === "host") args.push("--network", "host");
  for (const p of c.publish ?? [])
    args.push("--publish", `${p.hostAddress ? p.hostAddress + ":" : ""}${p.hostPort}:${p.containerPort}`);
  if (c.envFile) args.push("--env-file", c.envFile);
  for (const v of c.volumes ?? []) args.push("--volume", `${v.hostPath}:${v.containerPath}${v.readOnly ? ":ro" : ""}`);
  if (c.user) args.push("--user", c.user);
  args.push("--log-driver", "journald", c.image, ...command);
  return args;
}

/** The unit runs the container in the foreground, so Restart=always covers crashes of the container too. */
export function renderContainerUnit(c: ContainerService): string {
  if (c.network === "host" && c.publish?.length)
    throw new Error(`container ${c.name}: published ports have no effect with host networking`);
  const unit: ServiceUnit = {
    description: c.description,
    after: ["docker.service", "network-online.target", ...(c.after ?? [])],
    requires: ["docker.service"],
    wants: ["network-online.target"],
    execStartPre: [
      `-${systemdCommandLine(["/usr/bin/docker", "rm", "--force", c.name])}`,
      `-${systemdCommandLine(["/usr/bin/docker", "pull", c.image])}`,
      ...(c.hostPreStart ?? []).map(systemdCommandLine),
      ...(c.preStartArgs ? [systemdCommandLine(dockerRunArgs(c, `${c.name}-prestart`, c.preStartArgs))] : []),
    ],
    execStart: systemdCommandLine(dockerRunArgs(c)),
    execStop: systemdCommandLine(["/usr/bin/docker", "stop", c.name]),
    restart: "always",
  };
  return renderServiceUnit(unit);
}
