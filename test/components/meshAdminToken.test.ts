import * as assert from "node:assert/strict";
import { adminTokenCommand } from "../../components/meshAdminToken";
import { recordProgram } from "../../offline/evaluator";
import { isSecret, unknownOutput, unwrapSecret } from "../support/components";

const CONNECTION = { host: "203.0.113.30", user: "ubuntu", privateKey: "ssh-key" };

describe("adminTokenCommand alone (the mesh admin token)", () => {
  it("reads the token on the CP's host from its loopback API, logs nothing and returns it secret", async () => {
    const { resources, outputs } = await recordProgram(() => ({
      token: adminTokenCommand("cp-admin-token", CONNECTION, {}),
    }));
    const read = resources.find((r) => r.name === "cp-admin-token")!;
    assert.equal(read.type, "command:remote:Command");
    assert.equal(read.inputs.logging, "none");
    assert.ok(read.secretOutputs.includes("stdout"));
    const script = read.inputs.create as string;
    assert.match(script, /curl -fsS http:\/\/127\.0\.0\.1:5681\/global-secrets\/admin-user-token/);
    assert.match(script, /for attempt in \$\(seq 60\)[\s\S]*sleep 5/, "waits up to five minutes for the CP");
    assert.match(script, /exit 1$/, "fails when the CP never serves it");
    assert.ok(isSecret(outputs.token));
    assert.equal(unwrapSecret(outputs.token), unknownOutput("cp-admin-token", "stdout"));
  });
});
