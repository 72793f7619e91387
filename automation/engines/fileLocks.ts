import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * Who holds a stack's lock on a file backend: the CLI writes one file per running update under
 * `<backend>/.pulumi/locks/organization/<project>/<stack>/`, and a killed update leaves its file
 * behind. `pulumi stack ls` does not report these (its updateInProgress is for Pulumi Cloud), so
 * they are read here. Empty for other backends and for unlocked stacks.
 */
export function fileBackendLockHolders(backendUrl: string, project: string, stack: string): string[] {
  const match = /^file:\/\/(.*?)(\?.*)?$/.exec(backendUrl);
  if (!match) return [];
  const root = match[1] === "~" || match[1] === "" ? os.homedir() : match[1].replace(/^~(?=\/)/, os.homedir());
  const dir = path.join(root, ".pulumi", "locks", "organization", project, stack);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .map((file) => describeLock(JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"))));
}

function describeLock(lock: { pid?: number; username?: string; hostname?: string; timestamp?: string }): string {
  return `${lock.username ?? "?"}@${lock.hostname ?? "?"} (pid ${lock.pid ?? "?"}) since ${lock.timestamp ?? "an unknown time"}`;
}
