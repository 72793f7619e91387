import { spawn } from "child_process";
import type { LocalWorkspace } from "@pulumi/pulumi/automation";

/**
 * Sets a secret stack config value the way the CLI reads it from a pipe: `pulumi config set --secret
 * <key>` with the value on stdin. LocalWorkspace.setConfig passes the value as an argument, where
 * every user of the machine can read it in the process list while the CLI runs.
 */
export function setSecretConfig(ws: LocalWorkspace, stackName: string, key: string, value: string): Promise<void> {
  const cli = ws.pulumiCommand.command;
  const env: NodeJS.ProcessEnv = { ...process.env, ...ws.envVars, PULUMI_AUTOMATION_API: "true" };
  if (ws.pulumiHome) env.PULUMI_HOME = ws.pulumiHome;
  if (cli.includes("/")) env.PATH = `${cli.slice(0, cli.lastIndexOf("/"))}:${env.PATH ?? ""}`;
  const args = ["config", "set", key, "--stack", stackName, "--secret", "--non-interactive"];
  return new Promise((resolve, reject) => {
    const child = spawn(cli, args, { cwd: ws.workDir, env, stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`pulumi ${args.join(" ")} exited with ${code}: ${stderr.trim()}`)),
    );
    child.stdin.end(value);
  });
}
