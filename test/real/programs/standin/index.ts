import * as pulumi from "@pulumi/pulumi";

// Same project name as the real program, so a phase's default StackReference
// (organization/cloud-migration-journey/<phase>) finds this stack. Exports the JSON object in
// config `outputs`, and the one in secret config `secretOutputs` as secrets. With
// `createSeconds`, one resource takes that long to create: an update to interrupt.
const config = new pulumi.Config();
const secrets = config.getSecretObject<Record<string, unknown>>("secretOutputs");
const secretKeys = config.getObject<string[]>("secretKeys") ?? [];
const createSeconds = config.getNumber("createSeconds");

if (createSeconds !== undefined) {
  const slow: pulumi.dynamic.ResourceProvider = {
    async create(inputs) {
      await new Promise((resolve) => setTimeout(resolve, inputs.seconds * 1000));
      return { id: `slow-${Date.now()}`, outs: inputs };
    },
  };
  class SlowCreate extends pulumi.dynamic.Resource {
    constructor(name: string, seconds: number) {
      super(slow, name, { seconds, at: Date.now() }, undefined, "standin", "SlowCreate");
    }
  }
  new SlowCreate("slow-create", createSeconds);
}

export = {
  ...config.requireObject<Record<string, unknown>>("outputs"),
  ...Object.fromEntries(secretKeys.map((key) => [key, secrets?.apply((all) => all[key])])),
};
