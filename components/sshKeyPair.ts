import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as tls from "@pulumi/tls";

export interface SshKeyPairArgs {
  /** Supply a public key to use your own key pair (its private key then comes from secret config); otherwise one is generated. */
  publicKey?: string;
  suppliedPrivateKey?: pulumi.Input<string>;
  tags: Record<string, string>;
}

/** The SSH key the hosts accept. A generated private key exists only as a secret. */
export class SshKeyPair extends pulumi.ComponentResource {
  static readonly TYPE = "journey:host:SshKeyPair";
  public readonly keyName: pulumi.Output<string>;
  public readonly privateKeyPem: pulumi.Output<string>;

  constructor(name: string, args: SshKeyPairArgs, opts?: pulumi.ComponentResourceOptions) {
    super(SshKeyPair.TYPE, name, { supplied: args.publicKey !== undefined }, opts);
    let publicKey: pulumi.Input<string>;
    if (args.publicKey) {
      // Config validation refuses onPrem.sshPublicKey without the secret (config/crawl.ts): a guard for other callers.
      if (!args.suppliedPrivateKey)
        throw new Error("onPrem.sshPublicKey is set, so secret onPremSshPrivateKey must hold its private key");
      publicKey = args.publicKey;
      this.privateKeyPem = pulumi.secret(pulumi.output(args.suppliedPrivateKey));
    } else {
      const key = new tls.PrivateKey(
        `${name}-key`,
        { algorithm: "ED25519" },
        { parent: this, additionalSecretOutputs: ["privateKeyOpenssh", "privateKeyPem"] },
      );
      publicKey = key.publicKeyOpenssh;
      this.privateKeyPem = pulumi.secret(key.privateKeyOpenssh);
    }
    const pair = new aws.ec2.KeyPair(
      `${name}-pair`,
      { publicKey, tags: { ...args.tags, Name: name } },
      { parent: this },
    );
    this.keyName = pair.keyName;
    this.registerOutputs({ keyName: this.keyName, privateKeyPem: this.privateKeyPem });
  }
}
