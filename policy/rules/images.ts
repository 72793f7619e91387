import { asArray, asRecord, formatPath, mentionsUnknown, Path, strings } from "../view";
import type { ResourceRule } from "./types";
import { podSpecOf, WORKLOAD_TYPES } from "./kubernetes";

/** Why a container image reference is not pinned; undefined when it is (a version tag or a sha256 digest). */
export function imageProblem(ref: string): string | undefined {
  const trimmed = ref.trim();
  // A shell parameter ("$1") names its image where the script is called, and is checked there.
  if (mentionsUnknown(trimmed) || trimmed === "" || trimmed.startsWith("$")) return undefined;
  const at = trimmed.indexOf("@");
  if (at >= 0) return /^sha256:[a-f0-9]{64}$/.test(trimmed.slice(at + 1)) ? undefined : "has a malformed digest";
  const last = trimmed.slice(trimmed.lastIndexOf("/") + 1);
  const colon = last.indexOf(":");
  if (colon < 0) return "has no tag, which means latest";
  const tag = last.slice(colon + 1);
  if (tag === "") return "has an empty tag";
  if (tag.toLowerCase() === "latest") return "uses the tag latest, which moves under you";
  return undefined;
}

/** docker/podman options that take a value as the next argument (the rest are flags). */
const VALUE_OPTIONS = new Set([
  "--name",
  "--network",
  "--net",
  "-p",
  "--publish",
  "-e",
  "--env",
  "--env-file",
  "-v",
  "--volume",
  "--mount",
  "-u",
  "--user",
  "-w",
  "--workdir",
  "--entrypoint",
  "-l",
  "--label",
  "--label-file",
  "--log-driver",
  "--log-opt",
  "--restart",
  "-h",
  "--hostname",
  "--add-host",
  "--dns",
  "--dns-search",
  "--cap-add",
  "--cap-drop",
  "-m",
  "--memory",
  "--memory-swap",
  "--cpus",
  "--cpu-shares",
  "-c",
  "--device",
  "--tmpfs",
  "--ulimit",
  "--security-opt",
  "--pid",
  "--ipc",
  "--uts",
  "--userns",
  "--health-cmd",
  "--health-interval",
  "--health-retries",
  "--health-timeout",
  "--health-start-period",
  "--stop-signal",
  "--stop-timeout",
  "--platform",
  "--pull",
  "--cidfile",
  "--shm-size",
  "--group-add",
  "--expose",
  "--link",
  "--volumes-from",
  "--runtime",
  "--gpus",
  "--cgroupns",
  "--cgroup-parent",
  "--ip",
  "--ip6",
  "--mac-address",
  "--network-alias",
  "--sysctl",
  "--storage-opt",
  "--attach",
  "-a",
  "--detach-keys",
  "--isolation",
  "--pids-limit",
  "--oom-score-adj",
  "--init-path",
]);

/** Splits a command line as systemd and a shell mostly agree: spaces, double or single quotes. */
function splitCommandLine(line: string): string[] {
  const args: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) args.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : (m[2] ?? m[3]));
  return args;
}

/** Images a text starts containers from: `docker|podman run|create|pull … <image>`, in systemd units and scripts. */
export function imagesInCommands(text: string): string[] {
  const images: string[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/^\s*Exec[A-Za-z]*=[-@+!:]*/, "");
    const args = splitCommandLine(line);
    for (let i = 0; i < args.length; i++) {
      if (!/(^|\/)(docker|podman)$/.test(args[i])) continue;
      const sub = args[i + 1];
      if (sub !== "run" && sub !== "create" && sub !== "pull") continue;
      let j = i + 2;
      while (j < args.length && args[j].startsWith("-")) {
        j += VALUE_OPTIONS.has(args[j]) && !args[j].includes("=") ? 2 : 1;
      }
      if (j < args.length) images.push(args[j]);
      break;
    }
  }
  return images;
}

const HELM_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"];

/** Image references in Helm values: `image: "<ref>"` strings and `image: {tag}` objects. */
function helmImages(values: unknown, path: Path): Array<{ where: string; problem: string }> {
  const found: Array<{ where: string; problem: string }> = [];
  const visit = (node: unknown, at: Path) => {
    const record = asRecord(node);
    if (Array.isArray(node)) node.forEach((child, i) => visit(child, [...at, i]));
    if (!record) return;
    for (const [key, child] of Object.entries(record)) {
      if (/^image$/i.test(key) && typeof child === "string") {
        const problem = imageProblem(child);
        if (problem) found.push({ where: formatPath([...at, key]), problem: `${child} ${problem}` });
      } else if (/^image$/i.test(key) && asRecord(child)) {
        const tag = asRecord(child)!.tag;
        if (typeof tag === "string" && !mentionsUnknown(tag) && (tag.trim() === "" || tag.toLowerCase() === "latest")) {
          found.push({ where: formatPath([...at, key, "tag"]), problem: `the tag "${tag}" is not a pinned version` });
        }
        visit(child, [...at, key]);
      } else {
        visit(child, [...at, key]);
      }
    }
  };
  visit(values, path);
  return found;
}

export const imagesPinned: ResourceRule = {
  scope: "resource",
  name: "container-images-pinned",
  description:
    "Every container image is pinned to a version tag or a sha256 digest (never latest, never untagged): in systemd container units and scripts on hosts, " +
    "Kubernetes workloads, Helm values and the images the program's components are configured with.",
  enforcement: "mandatory",
  remediation:
    "Use <repository>:<version> or <repository>@sha256:<digest>; copy images published only as latest into your registry under a version tag.",
  check(r) {
    const p = r.props;
    const messages: string[] = [];
    const check = (where: string, ref: unknown) => {
      if (typeof ref !== "string") return;
      const problem = imageProblem(ref);
      if (problem) messages.push(`${where}: ${ref} ${problem}`);
    };
    if (r.type === "journey:host:File" || r.type.startsWith("command:")) {
      for (const { path, value } of strings(p)) {
        if (path[0] === "connection") continue;
        for (const image of imagesInCommands(value)) check(formatPath(path), image);
      }
    } else if (r.type.startsWith("journey:")) {
      // The program's components echo the images their config pins (monolith, gateway, control planes, microservice).
      for (const { path, value } of strings(p))
        if (/image$/i.test(String(path[path.length - 1]))) check(formatPath(path), value);
    } else if (WORKLOAD_TYPES.includes(r.type)) {
      const spec = podSpecOf(r.type, p);
      for (const list of ["initContainers", "containers"] as const) {
        asArray(spec?.[list]).forEach((c, i) =>
          check(`${list}[${i}] (${String(asRecord(c)?.name ?? "?")})`, asRecord(c)?.image),
        );
      }
    } else if (HELM_TYPES.includes(r.type)) {
      for (const f of helmImages(p.values, ["values"])) messages.push(`${f.where}: ${f.problem}`);
    }
    return messages;
  },
};
