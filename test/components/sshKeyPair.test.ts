import * as assert from "node:assert/strict";
import { SshKeyPair, SshKeyPairArgs } from "../../components/sshKeyPair";
import { isSecret, pick, recordComponent, typesAndNames, unknownOutput, unwrapSecret } from "../support/components";

const KEY_PAIR = "aws:ec2/keyPair:KeyPair";
const record = (args: Partial<SshKeyPairArgs> = {}) =>
  recordComponent(
    SshKeyPair,
    () => new SshKeyPair("ssh", { tags: { Project: "test" }, ...args }),
    (k) => ({ keyName: k.keyName, privateKeyPem: k.privateKeyPem }),
  );

describe(`${SshKeyPair.TYPE} alone`, () => {
  it("generates an Ed25519 key whose private half exists only as a secret, and registers its public half", async () => {
    const k = await record();
    assert.deepEqual(k.component.inputs, { supplied: false });
    assert.deepEqual(typesAndNames(k.children), [
      ["tls:index/privateKey:PrivateKey", "ssh-key"],
      [KEY_PAIR, "ssh-pair"],
    ]);
    const key = k.resource("ssh-key");
    assert.equal(key.inputs.algorithm, "ED25519");
    assert.ok(key.secretOutputs.includes("privateKeyOpenssh") && key.secretOutputs.includes("privateKeyPem"));
    assert.deepEqual(pick(k.resource("ssh-pair"), "publicKey", "tags"), {
      publicKey: unknownOutput("ssh-key", "publicKeyOpenssh"),
      tags: { Project: "test", Name: "ssh" },
    });
    assert.equal(k.outputs.keyName, unknownOutput("ssh-pair", "keyName"));
    assert.ok(isSecret(k.outputs.privateKeyPem));
    assert.equal(unwrapSecret(k.outputs.privateKeyPem), unknownOutput("ssh-key", "privateKeyOpenssh"));
  });

  it("registers a supplied public key and hands on the supplied private key, secret", async () => {
    const k = await record({ publicKey: "ssh-ed25519 AAAA supplied", suppliedPrivateKey: "PRIVATE" });
    assert.deepEqual(k.component.inputs, { supplied: true });
    assert.deepEqual(typesAndNames(k.children), [[KEY_PAIR, "ssh-pair"]]);
    assert.equal(k.resource("ssh-pair").inputs.publicKey, "ssh-ed25519 AAAA supplied");
    assert.ok(isSecret(k.outputs.privateKeyPem));
    assert.equal(unwrapSecret(k.outputs.privateKeyPem), "PRIVATE");
  });

  it("refuses a supplied public key without its private key", async () => {
    await assert.rejects(record({ publicKey: "ssh-ed25519 AAAA supplied" }), {
      message: "onPrem.sshPublicKey is set, so secret onPremSshPrivateKey must hold its private key",
    });
  });
});
