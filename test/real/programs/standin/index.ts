import * as pulumi from "@pulumi/pulumi";

// Same project name as the real program, so a phase's default StackReference
// (organization/cloud-migration-journey/<phase>) finds this stack. Exports the JSON object in
// config `outputs`, and the one in secret config `secretOutputs` as secrets.
const config = new pulumi.Config();
const secrets = config.getSecretObject<Record<string, unknown>>("secretOutputs");
const secretKeys = config.getObject<string[]>("secretKeys") ?? [];

export = {
  ...config.requireObject<Record<string, unknown>>("outputs"),
  ...Object.fromEntries(secretKeys.map((key) => [key, secrets?.apply((all) => all[key])])),
};
