import { toYaml } from "../lib/yaml";
import { assertNoSecretMaterial } from "./secretMaterial";

/** What every host of this program gets at first boot; nothing here may be secret (user-data is readable from the instance metadata). */
export interface HostBootstrap {
  hostname: string;
  packages: string[];
  /** Unprivileged system users the host's daemons run as. */
  systemUsers?: string[];
  /** Services to enable once the packages are in. */
  enableServices?: string[];
}

export function renderCloudConfig(b: HostBootstrap): string {
  const doc = {
    hostname: b.hostname,
    package_update: true,
    package_upgrade: false,
    packages: b.packages,
    ssh_pwauth: false,
    disable_root: true,
    users: [
      "default",
      ...(b.systemUsers ?? []).map((name) => ({ name, system: true, shell: "/usr/sbin/nologin", lock_passwd: true })),
    ],
    runcmd: (b.enableServices ?? []).map((s) => ["systemctl", "enable", "--now", s]),
  };
  const text = `#cloud-config\n${toYaml(doc)}`;
  assertNoSecretMaterial("cloud-init user-data", text);
  return text;
}

/** The same bootstrap as a shell script, for existing hosts that were not born with our cloud-init. */
export function renderBootstrapScript(b: HostBootstrap): string {
  const lines = [
    "set -euo pipefail",
    "export DEBIAN_FRONTEND=noninteractive",
    "if command -v cloud-init >/dev/null; then cloud-init status --wait >/dev/null || true; fi",
    "apt-get update -q",
    `apt-get install -y -q ${b.packages.join(" ")}`,
    ...(b.systemUsers ?? []).map(
      (u) => `id -u ${u} >/dev/null 2>&1 || useradd --system --shell /usr/sbin/nologin ${u}`,
    ),
    ...(b.enableServices ?? []).map((s) => `systemctl enable --now ${s}`),
  ];
  return lines.join("\n") + "\n";
}
