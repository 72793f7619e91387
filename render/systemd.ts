/** systemd unit files, rendered from typed descriptions: pure functions. */

export interface ServiceUnit {
  description: string;
  /** Units this one starts after and wants (e.g. docker.service, network-online.target). */
  after?: string[];
  requires?: string[];
  wants?: string[];
  user?: string;
  group?: string;
  environmentFile?: string;
  execStartPre?: string[];
  execStart: string;
  execStop?: string;
  /** Never "no": every service of this program comes back after a crash or a reboot. */
  restart?: "always" | "on-failure";
  restartSec?: number;
  /** Extra [Service] directives, e.g. sandboxing for processes that run as an unprivileged user. */
  extra?: Record<string, string>;
}

export function renderServiceUnit(unit: ServiceUnit): string {
  const lines = ["[Unit]", `Description=${oneLine(unit.description)}`];
  const after = unit.after ?? ["network-online.target"];
  if (after.length) lines.push(`After=${after.join(" ")}`);
  const wants = unit.wants ?? ["network-online.target"];
  if (wants.length) lines.push(`Wants=${wants.join(" ")}`);
  if (unit.requires?.length) lines.push(`Requires=${unit.requires.join(" ")}`);
  lines.push("StartLimitIntervalSec=0", "", "[Service]", "Type=simple");
  if (unit.user) lines.push(`User=${unit.user}`);
  if (unit.group) lines.push(`Group=${unit.group}`);
  if (unit.environmentFile) lines.push(`EnvironmentFile=${unit.environmentFile}`);
  for (const pre of unit.execStartPre ?? []) lines.push(`ExecStartPre=${oneLine(pre)}`);
  lines.push(`ExecStart=${oneLine(unit.execStart)}`);
  if (unit.execStop) lines.push(`ExecStop=${oneLine(unit.execStop)}`);
  lines.push(`Restart=${unit.restart ?? "always"}`, `RestartSec=${unit.restartSec ?? 5}`);
  for (const [key, value] of Object.entries(unit.extra ?? {})) lines.push(`${key}=${oneLine(value)}`);
  lines.push("", "[Install]", "WantedBy=multi-user.target", "");
  return lines.join("\n");
}

/**
 * An ExecStart= command line from argv. systemd splits on spaces and understands double quotes
 * with C-style escapes; it is not a shell, so POSIX shell quoting (`\:`) would reach the program.
 */
export function systemdCommandLine(argv: string[]): string {
  return argv
    .map((arg) => {
      if (/[$%\r\n]/.test(arg))
        throw new Error(
          `command argument ${JSON.stringify(arg)} has '$', '%' or a newline, which systemd would expand`,
        );
      return /^[A-Za-z0-9_@+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
    })
    .join(" ");
}

function oneLine(value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`systemd directive values must be one line; got ${JSON.stringify(value)}`);
  return value;
}
