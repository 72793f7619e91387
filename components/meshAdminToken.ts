import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import type { SshConnection } from "./hostSoftware";

/**
 * The control plane's admin token, read on its own host from the loopback-only API (the only place
 * it is served). Waits up to five minutes for the CP to come up. The token is a secret and the
 * command logs nothing.
 */
export function adminTokenCommand(
  name: string,
  connection: SshConnection,
  opts: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
  const read = new command.remote.Command(
    name,
    {
      connection,
      create: [
        "for attempt in $(seq 60); do",
        '  if body=$(curl -fsS http://127.0.0.1:5681/global-secrets/admin-user-token); then echo "$body" | jq -r .data | base64 -d; exit 0; fi',
        "  sleep 5",
        "done",
        "echo 'the control plane did not serve its admin token within 5 minutes' >&2; exit 1",
      ].join("\n"),
      logging: "none",
    },
    { ...opts, additionalSecretOutputs: ["stdout"] },
  );
  return pulumi.secret(read.stdout);
}
