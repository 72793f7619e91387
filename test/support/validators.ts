import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { hasTool } from "./journey";
import { itIf } from "./skips";

/** Runs `systemd-analyze verify`; every line it prints is a finding, except binaries only the target host has. */
export function systemdFindings(
  unitName: string,
  content: string,
  hostOnlyBinaries = ["/usr/bin/docker", "/usr/local/bin/kuma-dp", "/usr/local/bin/kuma-cp"],
): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "unit-"));
  try {
    fs.writeFileSync(path.join(dir, unitName), content);
    fs.writeFileSync(
      path.join(dir, "docker.service"),
      "[Unit]\nDescription=stand-in for the host's docker.service\n[Service]\nExecStart=/bin/true\n",
    );
    const run = spawnSync("systemd-analyze", ["verify", path.join(dir, unitName)], { encoding: "utf8" });
    return `${run.stdout}\n${run.stderr}`
      .split("\n")
      .filter((l) => l.trim() !== "")
      .filter((l) => !hostOnlyBinaries.some((b) => l.includes(`Command ${b} is not executable`)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function cloudInitFindings(userData: string): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloud-init-"));
  const file = path.join(dir, "user-data");
  try {
    fs.writeFileSync(file, userData);
    const run = spawnSync("cloud-init", ["schema", "--config-file", file], { encoding: "utf8" });
    return run.status === 0 ? [] : [`${run.stdout}${run.stderr}`.trim()];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `it` that skips with the reason where a Debian validator is not installed. */
export const itWithTool = (tool: string) => itIf(hasTool(tool), `${tool} is not installed; .ci/run installs it`);
