import { spawn } from "child_process";

/**
 * Runs `script` in a fresh plain node process (no ts-node, no test framework), writes `payload`
 * as JSON to its stdin and resolves to the JSON it prints: where serialised providers must work.
 */
export function runInPlainNode(script: string, payload: unknown, cwd: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", script], {
      cwd,
      stdio: ["pipe", "pipe", "pipe"],
      env: { PATH: process.env.PATH },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`provider host exited ${code}: ${stderr}`)),
    );
    child.stdin.end(JSON.stringify(payload));
  });
}
