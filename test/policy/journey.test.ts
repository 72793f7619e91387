import { strict as assert } from "assert";
import type { OfflinePlan } from "../../offline/plan";
import { SECRET } from "../../offline/evaluator";
import type { Phase } from "../../config/schema";
import { evaluatePolicies } from "../../policy/offline";
import { formatPolicyReport, PolicyReport } from "../../policy/report";
import { TAGGABLE_TYPES, TAGS_NOT_REQUIRED } from "../../policy/rules/tags";
import { journeyPlan } from "./support";
import { InstalledFile } from "../../components/hostSoftware";

const mandatory = (report: PolicyReport) =>
  report.phases.flatMap((p) => p.violations.filter((v) => v.enforcement === "mandatory"));

describe("policy pack on the whole journey (offline adapter)", () => {
  let plan: OfflinePlan;
  let report: PolicyReport;
  before(async () => {
    plan = await journeyPlan();
    report = evaluatePolicies(plan);
  });

  /** A deep copy of the plan with one recorded resource changed. */
  function mutated(
    phase: Phase,
    pick: (r: OfflinePlan["phases"][number]["resources"][number]) => boolean,
    change: (inputs: Record<string, any>) => void,
  ): OfflinePlan {
    const copy = structuredClone(plan);
    const target = copy.phases.find((p) => p.phase === phase)!.resources.find(pick);
    assert.ok(target, "the resource to change exists in the plan");
    change(target.inputs);
    return copy;
  }
  const violationsOf = (p: OfflinePlan, policy: string) =>
    evaluatePolicies(p).phases.flatMap((x) => x.violations.filter((v) => v.policy === policy));

  it("every phase passes every mandatory policy", () => {
    assert.deepEqual(
      report.phases.map((p) => p.phase),
      ["crawl", "walk", "run"],
    );
    assert.deepEqual(mandatory(report), [], formatPolicyReport(report));
    assert.equal(report.summary.mandatory, 0);
  });

  it("reports the legitimate choices as advisories, naming the resource", () => {
    const advisories = report.phases.flatMap((p) =>
      p.violations.map((v) => `${p.phase} ${v.policy} ${v.resource?.name}`),
    );
    assert.deepEqual(advisories.sort(), [
      "walk eks-public-endpoint-enabled kmj-mesh-cloud-eks",
      "walk rds-final-snapshot kmj-mesh-global-db",
      "walk rds-multi-az kmj-mesh-global-db",
      "walk single-nat-gateway kmj-cloud-nat",
    ]);
    const [nat] = report.phases[1].violations.filter((v) => v.policy === "single-nat-gateway");
    assert.deepEqual(nat.resource, {
      urn: plan.phases[1].resources.find((r) => r.name === "kmj-cloud-nat")!.urn,
      name: "kmj-cloud-nat",
      type: "aws:ec2/natGateway:NatGateway",
    });
  });

  it("names every AWS type the program uses as taggable or not (a new type must be placed)", () => {
    const awsTypes = new Set(
      plan.phases
        .flatMap((p) => p.resources.map((r) => r.type))
        .filter((t) => t.startsWith("aws:") || t.startsWith("eks:")),
    );
    for (const type of awsTypes)
      assert.ok(
        TAGGABLE_TYPES.includes(type) || TAGS_NOT_REQUIRED.includes(type),
        `${type}: add it to TAGGABLE_TYPES or TAGS_NOT_REQUIRED in policy/rules/tags.ts`,
      );
    assert.ok(!TAGGABLE_TYPES.some((t) => TAGS_NOT_REQUIRED.includes(t)));
  });

  it("bites on the plan's real shapes: an open SSH rule, an unencrypted store, an untagged VPC, mTLS off", () => {
    const ssh = mutated(
      "crawl",
      (r) => r.name === "kmj-onprem-gateway-in-22-1",
      (i) => (i.cidrIpv4 = "0.0.0.0/0"),
    );
    assert.deepEqual(
      violationsOf(ssh, "no-world-admin-ingress").map((v) => v.message),
      ["opens SSH (22) to 0.0.0.0/0"],
    );
    const db = mutated(
      "walk",
      (r) => r.type === "aws:rds/instance:Instance",
      (i) => Object.assign(i, { storageEncrypted: false, publiclyAccessible: true }),
    );
    assert.equal(violationsOf(db, "rds-storage-encrypted").length, 1);
    assert.equal(violationsOf(db, "rds-not-publicly-accessible").length, 1);
    const tags = mutated(
      "crawl",
      (r) => r.type === "aws:ec2/vpc:Vpc",
      (i) => delete i.tags.Owner,
    );
    assert.deepEqual(
      violationsOf(tags, "aws-required-tags").map((v) => v.message),
      ["missing tag Owner"],
    );
    const mtls = mutated(
      "walk",
      (r) => r.name === "kmj-mesh-policies-mesh",
      (i) => delete i.resource.mtls,
    );
    assert.equal(violationsOf(mtls, "kuma-mesh-mtls").length, 1);
    assert.equal(violationsOf(mtls, "kuma-no-allow-all-traffic").length, 2, "both permissions become unenforced");
    const imds = mutated(
      "walk",
      (r) => r.type === "aws:ec2/instance:Instance",
      (i) => (i.metadataOptions.httpTokens = "optional"),
    );
    assert.equal(violationsOf(imds, "ec2-imdsv2-required").length, 1);
    const image = mutated(
      "crawl",
      (r) => r.type === InstalledFile.TYPE && r.inputs.path === "/etc/systemd/system/monolith.service",
      (i) => (i.content = i.content.replace(/monolith:offline/g, "monolith:latest")),
    );
    assert.equal(violationsOf(image, "container-images-pinned").length, 2, "docker pull and docker run");
    const injector = mutated(
      "walk",
      (r) => r.type === "kubernetes:helm.sh/v3:Release",
      (i) => (i.values.kuma.controlPlane.injectorFailurePolicy = "Ignore"),
    );
    assert.equal(violationsOf(injector, "kuma-injector-fails-closed").length, 1);
  });

  it("bites on secrets: a secret output's value in a readable file, an unmarked secret file, an unmarked stack output", () => {
    const password = plan.phases[1].resources.find((r) => r.name === "kmj-mesh-global-db")!.inputs.password as Record<
      string,
      string
    >;
    const leak = mutated(
      "walk",
      (r) =>
        r.type === InstalledFile.TYPE &&
        r.inputs.path === "/etc/systemd/system/kuma-cp.service" &&
        r.inputs.host === "mesh-global-cp",
      (i) => (i.content += `# ${password[SECRET]}\n`),
    );
    assert.deepEqual(
      violationsOf(leak, "no-plaintext-secrets").map((v) => v.message),
      [
        "content carries the secret output kmj-mesh-global-db-password.result: the file is mode 0644, readable beyond its owner; deliver it over a secret channel instead",
      ],
    );
    const unmarked = mutated(
      "walk",
      (r) => r.type === InstalledFile.TYPE && r.inputs.path === "/etc/kuma/global-cp/kuma-cp.env",
      (i) => (i.content = i.content[SECRET]),
    );
    assert.match(
      violationsOf(unmarked, "no-plaintext-secrets")[0].message,
      /^content carries the secret output kmj-mesh-global-db-password\.result but is not marked secret/,
    );
    const output = structuredClone(plan);
    output.phases[0].outputs.debug = (plan.phases[0].outputs.sshPrivateKey as Record<string, unknown>)[SECRET];
    assert.deepEqual(
      evaluatePolicies(output).phases[0].violations.map((v) => [v.policy, v.resource?.type, v.message]),
      [
        [
          "no-plaintext-secrets",
          "pulumi:pulumi:Stack",
          "debug carries the secret output kmj-onprem-ssh-key.privateKeyOpenssh but is not marked secret: the state and every preview would hold it in plaintext",
        ],
      ],
    );
  });

  it("takes the --policy-pack-config document: levels, disabled policies, adminCidrs", () => {
    const configured = evaluatePolicies(plan, {
      config: {
        "eks-endpoint-admin-cidrs": { adminCidrs: ["198.51.100.0/24"] },
        "rds-multi-az": "disabled",
        "single-nat-gateway": { enforcementLevel: "mandatory" },
      },
    });
    assert.deepEqual(
      mandatory(configured)
        .map((v) => `${v.policy}: ${v.message}`)
        .sort(),
      [
        "eks-endpoint-admin-cidrs: the public endpoint accepts 203.0.113.0/24, outside adminCidrs (198.51.100.0/24)",
        "single-nat-gateway: 1 NAT gateway(s) serve subnets in 2 availability zones (us-west-2a, us-west-2b)",
      ],
    );
    assert.ok(!configured.phases.some((p) => p.violations.some((v) => v.policy === "rds-multi-az")));
    assert.equal(configured.policies.find((p) => p.name === "rds-multi-az")!.enforcement, "disabled");
  });

  it("prints one line per violation and a summary the CLI can show", () => {
    const text = formatPolicyReport(report);
    assert.match(text, /^== policy cloud-migration-journey on crawl \(stack crawl\): \d+ resources, no violations$/m);
    assert.match(
      text,
      /^ {3}advisory {2}rds-multi-az: kmj-mesh-global-db \(aws:rds\/instance:Instance\): multiAz is not enabled/m,
    );
    assert.match(text, /^== policy summary: 0 mandatory, 4 advisory\n$/m);
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(report)));
  });
});
