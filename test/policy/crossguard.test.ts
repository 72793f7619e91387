import { strict as assert } from "assert";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { packArgs, packPolicies, plainProps, secretsFromEnv } from "../../policy/crossguard";
import { PACK_NAME } from "../../policy/report";
import { RULES } from "../../policy/rules";
import { mesh } from "../../render/kuma";
import { resourceArgs, runResourcePolicy, runStackPolicy, stackArgs, UNKNOWN_STRING_SENTINEL } from "./support";
import { unknownCheckingProxy } from "@pulumi/policy";
import { InstalledFile } from "../../components/hostSoftware";

const KPAT = "kpat_0123456789abcdefghijABCDEFGHIJ";
const policies = packPolicies({});
const resourcePolicy = (name: string) => policies.find((p) => p.name === name) as ResourceValidationPolicy;
const stackPolicy = (name: string) => policies.find((p) => p.name === name) as StackValidationPolicy;

describe("policy pack (CrossGuard adapter)", () => {
  it("is the pack cloud-migration-journey: one policy per rule, same names, levels, config schemas", () => {
    const args = packArgs({});
    assert.equal(PACK_NAME, "cloud-migration-journey");
    assert.deepEqual(
      args.policies.map((p) => [p.name, p.enforcementLevel]),
      RULES.map((r) => [r.name, r.enforcement]),
    );
    for (const rule of RULES) {
      const policy = args.policies.find((p) => p.name === rule.name)!;
      assert.equal("validateStack" in policy, rule.scope === "stack", `${rule.name} is a ${rule.scope} policy`);
      assert.deepEqual(policy.configSchema, rule.configSchema);
      assert.ok(!policy.configSchema?.properties.enforcementLevel, "enforcementLevel is reserved by the CLI");
    }
    assert.deepEqual(Object.keys(resourcePolicy("eks-endpoint-admin-cidrs").configSchema!.properties), ["adminCidrs"]);
    assert.deepEqual(Object.keys(resourcePolicy("aws-required-tags").configSchema!.properties), [
      "requiredTags",
      "exemptWithin",
    ]);
  });

  it("reports a violation through reportViolation, and nothing for compliant or other resources", async () => {
    const policy = resourcePolicy("no-world-admin-ingress");
    const open = resourceArgs("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", {
      ipProtocol: "tcp",
      fromPort: 22,
      toPort: 22,
      cidrIpv4: "0.0.0.0/0",
    });
    assert.deepEqual(await runResourcePolicy(policy, open), ["opens SSH (22) to 0.0.0.0/0"]);
    const admin = resourceArgs("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", {
      ipProtocol: "tcp",
      fromPort: 22,
      toPort: 22,
      cidrIpv4: "203.0.113.0/24",
    });
    assert.deepEqual(await runResourcePolicy(policy, admin), []);
    assert.deepEqual(
      await runResourcePolicy(policy, resourceArgs("aws:s3/bucket:Bucket", { cidrIpv4: "0.0.0.0/0" })),
      [],
    );
  });

  it("sees the EKS cluster pulumi-eks creates (a real preview's child) and reads adminCidrs from policy config", async () => {
    const policy = resourcePolicy("eks-endpoint-admin-cidrs");
    const child = (cidrs: string[]) =>
      resourceArgs(
        "aws:eks/cluster:Cluster",
        { vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: cidrs } },
        { adminCidrs: ["203.0.113.0/24"] },
      );
    assert.deepEqual(await runResourcePolicy(policy, child(["203.0.113.0/24"])), []);
    assert.deepEqual(await runResourcePolicy(policy, child(["198.51.100.7/32"])), [
      "the public endpoint accepts 198.51.100.7/32, outside adminCidrs (203.0.113.0/24)",
    ]);
  });

  it("reads values unknown during preview as [unknown] instead of failing the policy", async () => {
    const props = {
      ipProtocol: "tcp",
      fromPort: 22,
      toPort: 22,
      cidrIpv4: UNKNOWN_STRING_SENTINEL,
      tags: { Name: UNKNOWN_STRING_SENTINEL },
    };
    assert.deepEqual(plainProps(unknownCheckingProxy(props)), {
      ipProtocol: "tcp",
      fromPort: 22,
      toPort: 22,
      cidrIpv4: "[unknown]",
      tags: { Name: "[unknown]" },
    });
    assert.deepEqual(
      await runResourcePolicy(
        resourcePolicy("no-world-admin-ingress"),
        resourceArgs("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", props),
      ),
      [],
    );
    const instance = resourceArgs("aws:ec2/instance:Instance", {
      metadataOptions: { httpTokens: UNKNOWN_STRING_SENTINEL },
      rootBlockDevice: { encrypted: true },
      tags: UNKNOWN_STRING_SENTINEL,
    });
    assert.deepEqual(await runResourcePolicy(resourcePolicy("ec2-imdsv2-required"), instance), []);
    assert.deepEqual(await runResourcePolicy(resourcePolicy("aws-required-tags"), instance), []);
  });

  it("checks secrets where no marking helps, and cannot judge secret channels (secrecy is invisible to CrossGuard)", async () => {
    const policy = resourcePolicy("no-plaintext-secrets");
    const userData = resourceArgs("aws:ec2/instance:Instance", {
      userData: `#cloud-config\nruncmd: [[konnect, ${KPAT}]]`,
    });
    assert.match((await runResourcePolicy(policy, userData))[0], /^userData carries a Konnect access token/);
    // A 0600 file over SSH stdin is the secret channel; whether the engine marks it secret is not visible here.
    const file = resourceArgs("command:remote:Command", {
      create: "sudo install -m 0600 /dev/stdin /etc/kong/cluster/tls.key",
      stdin: "-----BEGIN EC PRIVATE KEY-----\nx\n-----END EC PRIVATE KEY-----",
    });
    assert.deepEqual(await runResourcePolicy(policy, file), []);
  });

  it("looks for the stack's secret config values, which the engine passes in PULUMI_CONFIG", async () => {
    const env = {
      PULUMI_CONFIG: JSON.stringify({
        "cloud-migration-journey:meshLicense": '{"license":"s3cr3t-licence-body"}',
        "cloud-migration-journey:owner": "platform-team",
        "aws:region": "us-west-2",
      }),
    };
    assert.deepEqual(secretsFromEnv(env), [
      { label: "the secret config cloud-migration-journey:meshLicense", value: '{"license":"s3cr3t-licence-body"}' },
    ]);
    assert.deepEqual(
      secretsFromEnv({ ...env, PULUMI_CONFIG_SECRET_KEYS: '["aws:region"]' }).map((s) => s.label),
      ["the secret config cloud-migration-journey:meshLicense", "the secret config aws:region"],
    );
    assert.deepEqual(secretsFromEnv({ PULUMI_CONFIG: "not json" }), []);
    const policy = packPolicies(env).find((p) => p.name === "no-plaintext-secrets") as ResourceValidationPolicy;
    const leak = resourceArgs(InstalledFile.TYPE, {
      path: "/etc/kuma/license.json",
      mode: "0644",
      content: '{"license":"s3cr3t-licence-body"}',
    });
    const [message] = await runResourcePolicy(policy, leak);
    assert.match(
      message,
      /^content carries the secret config cloud-migration-journey:meshLicense: the file is mode 0644/,
    );
    assert.ok(!message.includes("s3cr3t"), "the value is never reported");
  });

  it("runs stack rules as a StackValidationPolicy and blames the resource by URN", async () => {
    const policy = stackPolicy("kuma-no-allow-all-traffic");
    const allowAll = {
      type: "MeshTrafficPermission",
      mesh: "default",
      name: "allow-all",
      spec: { targetRef: { kind: "Mesh" }, from: [{ targetRef: { kind: "Mesh" }, default: { action: "Allow" } }] },
    };
    const args = stackArgs([
      { type: "pulumi-nodejs:dynamic/kuma:Resource", name: "mesh", props: { resource: mesh() } },
      { type: "pulumi-nodejs:dynamic/kuma:Resource", name: "allow-all", props: { resource: allowAll } },
    ]);
    assert.deepEqual(await runStackPolicy(policy, args), [
      {
        message: "MeshTrafficPermission allow-all: from[0] lets every proxy of mesh default reach every proxy (Allow)",
        urn: "urn:pulumi:test::cloud-migration-journey::pulumi-nodejs:dynamic/kuma:Resource::allow-all",
      },
    ]);
    const nat = stackPolicy("single-nat-gateway");
    const zones = stackArgs([
      { type: "aws:ec2/subnet:Subnet", name: "a", props: { availabilityZone: "us-west-2a" } },
      { type: "aws:ec2/subnet:Subnet", name: "b", props: { availabilityZone: "us-west-2b" } },
      { type: "aws:ec2/natGateway:NatGateway", name: "nat", props: {} },
    ]);
    assert.equal((await runStackPolicy(nat, zones)).length, 1);
  });
});
