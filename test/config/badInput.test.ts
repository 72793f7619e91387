import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, validateConfig } from "../../config/load";
import { Phase, PROJECT } from "../../config/schema";
import { evaluatePhase } from "../../offline/evaluator";
import { readStackFile, stackConfigFromObject } from "../../offline/stackConfig";
import { declarePhase } from "../../phases";
import { renderContainerUnit } from "../../render/container";
import { CANARY, evaluateJourney, ofType } from "../support/journey";

/**
 * The bad-input matrix: every config value that once got through (or failed unclearly), and the
 * rejection it must show now, before any resource. Each message names the key, shows the value
 * and says what is allowed.
 */

const P = (k: string) => `${PROJECT}:${k}`;
const IMAGE = { repository: "registry.example.com/team/app", tag: "1.0.0" };
const MIGRATION = {
  name: "disputes",
  pathPrefix: "/monolith/resources/card/dispute",
  rewritePrefix: "/disputes",
  weight: 0,
};

const BASE: Record<Phase, Record<string, unknown>> = {
  crawl: { phase: "crawl", monolith: { image: IMAGE } },
  walk: { phase: "walk", microservice: { image: IMAGE }, mesh: { trial: true } },
  run: { phase: "run", migrations: [MIGRATION] },
};

function problemsOf(phase: Phase, overrides: Record<string, unknown>, stack?: string): string[] {
  const config: Record<string, unknown> = {
    "aws:region": "us-west-2",
    owner: "platform-team",
    adminCidrs: ["203.0.113.0/24"],
    ...BASE[phase],
    ...overrides,
  };
  const values: Record<string, string> = { [P("konnectToken")]: CANARY.konnectToken };
  for (const [key, value] of Object.entries(config)) {
    if (value !== undefined)
      values[key.includes(":") ? key : P(key)] = typeof value === "string" ? value : JSON.stringify(value);
  }
  try {
    validateConfig({ values, secretKeys: [P("konnectToken")] }, stack);
    return [];
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
}

interface Case {
  what: string;
  phase: Phase;
  config: Record<string, unknown>;
  stack?: string;
  /** The problem starts with this key, shows this value and matches `allowed`. */
  key: string;
  value?: string;
  allowed: RegExp;
}

const CASES: Case[] = [
  {
    what: "adminCidrs covering the internet in two halves",
    phase: "crawl",
    config: { adminCidrs: ["0.0.0.0/1", "128.0.0.0/1"] },
    key: "adminCidrs[0]",
    value: '"0.0.0.0/1"',
    allowed: /large part of it .*\/16 or longer.*allowPublicAdmin: true/,
  },
  {
    what: "adminCidrs: the second half",
    phase: "crawl",
    config: { adminCidrs: ["0.0.0.0/1", "128.0.0.0/1"] },
    key: "adminCidrs[1]",
    value: '"128.0.0.0/1"',
    allowed: /allowPublicAdmin: true/,
  },
  {
    what: "adminCidrs: a public /7",
    phase: "crawl",
    config: { adminCidrs: ["8.0.0.0/7"] },
    key: "adminCidrs[0]",
    value: '"8.0.0.0/7"',
    allowed: /name your admin networks/,
  },
  {
    what: "konnect.baseUrl over http",
    phase: "crawl",
    config: { konnect: { baseUrl: "http://us.api.konghq.com" } },
    key: "konnect.baseUrl",
    value: '"http://us.api.konghq.com"',
    allowed: /must be an https URL: the Konnect token travels/,
  },
  {
    what: "konnect.baseUrl as a file URL",
    phase: "crawl",
    config: { konnect: { baseUrl: "file:///etc/passwd" } },
    key: "konnect.baseUrl",
    value: '"file:///etc/passwd"',
    allowed: /must be an https URL/,
  },
  {
    what: "mesh.cloudZone equal to onPremZone",
    phase: "walk",
    config: { mesh: { trial: true, onPremZone: "dc", cloudZone: "dc" } },
    key: "mesh.cloudZone",
    value: '"dc"',
    allowed: /is also mesh\.onPremZone; allowed: a zone name different/,
  },
  {
    what: "two migrations on one pathPrefix",
    phase: "run",
    config: { migrations: [MIGRATION, { ...MIGRATION, name: "again" }] },
    key: "migrations[1].pathPrefix",
    value: '"/monolith/resources/card/dispute"',
    allowed: /is also migrations\[0\]\.pathPrefix; allowed: one migration per path/,
  },
  {
    what: "a tag value over AWS's 256 characters",
    phase: "crawl",
    config: { owner: "x".repeat(257) },
    key: "owner",
    value: "xxxx",
    allowed: /at most 256 characters: AWS's limit for a tag value/,
  },
  {
    what: "an availability zone of another region",
    phase: "crawl",
    config: {
      onPrem: {
        mode: "simulated",
        subnets: [
          { cidr: "10.0.0.0/26", az: "eu-west-1a" },
          { cidr: "10.0.0.64/26", az: "us-west-2b" },
        ],
      },
    },
    key: "onPrem.subnets[0].az",
    value: '"eu-west-1a"',
    allowed: /not an availability zone of aws:region us-west-2; allowed: us-west-2a, us-west-2b/,
  },
  {
    what: "both subnets in one availability zone",
    phase: "crawl",
    config: {
      onPrem: {
        mode: "simulated",
        subnets: [
          { cidr: "10.0.0.0/26", az: "us-west-2a" },
          { cidr: "10.0.0.64/26", az: "us-west-2a" },
        ],
      },
    },
    key: "onPrem.subnets[1].az",
    value: '"us-west-2a"',
    allowed: /is also onPrem\.subnets\[0\]\.az; allowed: two different availability zones/,
  },
  {
    what: "onPrem.vpcCidr larger than /16",
    phase: "crawl",
    config: { onPrem: { mode: "simulated", vpcCidr: "10.0.0.0/15" } },
    key: "onPrem.vpcCidr",
    value: '"10.0.0.0/15"',
    allowed: /must be from \/16 \(the largest VPC AWS allows\) to \/25/,
  },
  {
    what: "onPrem.vpcCidr too small for two subnets",
    phase: "crawl",
    config: { onPrem: { mode: "simulated", vpcCidr: "10.0.0.0/27" } },
    key: "onPrem.vpcCidr",
    value: '"10.0.0.0/27"',
    allowed: /to \/25 \(two \/26 subnets are cut from it\)/,
  },
  {
    what: "an on-prem subnet too small for the hosts",
    phase: "crawl",
    config: { onPrem: { mode: "simulated", subnets: [{ cidr: "10.0.0.0/28" }, { cidr: "10.0.0.64/26" }] } },
    key: "onPrem.subnets[0].cidr",
    value: '"10.0.0.0/28"',
    allowed: /must be from \/16 to \/27/,
  },
  {
    what: "cloud.vpcCidr too small for its subnets",
    phase: "walk",
    config: { cloud: { vpcCidr: "10.1.0.0/20" } },
    key: "cloud.vpcCidr",
    value: '"10.1.0.0/20"',
    allowed: /to \/18 \(two \/24 and two \/20 subnets/,
  },
  {
    what: "an image repository with shell characters",
    phase: "crawl",
    config: { monolith: { image: { ...IMAGE, repository: "docker.io/x/monolith;reboot" } } },
    key: "monolith.image.repository",
    value: '"docker.io/x/monolith;reboot"',
    allowed: /no spaces or shell characters/,
  },
  {
    what: "an image repository with a space",
    phase: "walk",
    config: { microservice: { image: { ...IMAGE, repository: "docker.io/x/dis putes" } } },
    key: "microservice.image.repository",
    value: '"docker.io/x/dis putes"',
    allowed: /no spaces or shell characters/,
  },
  {
    what: "a gateway repository with a command substitution",
    phase: "crawl",
    config: { konnect: { gatewayRepository: "kong/$(id)" } },
    key: "konnect.gatewayRepository",
    value: '"kong/$(id)"',
    allowed: /no spaces or shell characters/,
  },
  {
    what: "microservice.namespace kube-system",
    phase: "walk",
    config: { microservice: { image: IMAGE, namespace: "kube-system" } },
    key: "microservice.namespace",
    value: '"kube-system"',
    allowed: /is reserved for the cluster or the mesh; allowed: a namespace of the microservice's own/,
  },
  {
    what: "a stackRefs value that is no stack name",
    phase: "walk",
    config: { stackRefs: { crawl: "my crawl stack" } },
    key: "stackRefs.crawl",
    value: '"my crawl stack"',
    allowed: /<org>\/<project>\/<stack>/,
  },
  {
    what: "no monolith image (the tutorial's is only :latest)",
    phase: "crawl",
    config: { monolith: undefined },
    key: "monolith.image",
    allowed: /published only as :latest.*crane copy docker\.io\/djfreese\/monolith:latest <registry>\/monolith:1\.0\.0/,
  },
  {
    what: "a monolith image without a repository",
    phase: "crawl",
    config: { monolith: { image: { tag: "1.0.0" } } },
    key: "monolith.image.repository",
    allowed: /crane copy docker\.io\/djfreese\/monolith:latest/,
  },
  {
    what: "no microservice image",
    phase: "walk",
    config: { microservice: { name: "microservice" } },
    key: "microservice.image",
    allowed: /crane copy docker\.io\/djfreese\/disputes:latest <registry>\/disputes:1\.0\.0/,
  },
  {
    what: "walk without a Kong Mesh licence and without trial: true",
    phase: "walk",
    config: { mesh: {} },
    key: "meshLicense",
    allowed:
      /required in the walk phase.*pulumi config set --secret meshLicense.*mesh\.trial: true.*5 data plane proxies, 30 days/,
  },
  {
    what: "an RDS engine version that is not a major or a minor",
    phase: "walk",
    config: { mesh: { trial: true, databaseEngineVersion: "16.4.1" } },
    key: "mesh.databaseEngineVersion",
    value: '"16.4.1"',
    allowed: /a Postgres major like 16 .* or a minor like 16\.9/,
  },
  {
    what: "walk with existing hosts but no host for the on-prem zone",
    phase: "walk",
    config: { onPrem: { mode: "existing", hosts: { monolith: { address: "192.0.2.10" } } } },
    key: "onPrem.hosts.zone",
    allowed: /is required in the walk phase with onPrem\.mode existing \(the host of the on-prem zone control plane/,
  },
  {
    what: "walk restating crawl's subnets",
    phase: "walk",
    config: { onPrem: { mode: "simulated", subnets: [{ cidr: "10.0.0.0/26" }, { cidr: "10.0.0.64/26" }] } },
    key: "onPrem.subnets",
    value: '"10.0.0.0/26"',
    allowed: /is crawl's to set; allowed: leave it out of walk's config/,
  },
  {
    what: "a supplied public key without its private key",
    phase: "crawl",
    config: { onPrem: { mode: "simulated", sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIsupplied me@host" } },
    key: "onPremSshPrivateKey",
    allowed:
      /is required with onPrem\.sshPublicKey .* and missing; run `pulumi config set --secret onPremSshPrivateKey/,
  },
  {
    what: "a key of another phase",
    phase: "crawl",
    config: { cloud: { vpcCidr: "10.1.0.0/16" } },
    key: "cloud",
    allowed: /is walk's, not a key of the crawl phase; allowed: phase, owner/,
  },
  {
    what: "a stack whose phase contradicts its name",
    phase: "crawl",
    config: {},
    stack: "walk",
    key: "phase",
    value: '"crawl"',
    allowed: /contradicts the stack's name: Pulumi\.walk\.yaml is the walk stack; allowed: phase: walk/,
  },
];

describe("bad input: the config matrix (refused before any resource)", () => {
  for (const c of CASES) {
    it(`${c.what}: ${c.key}`, () => {
      const found = problemsOf(c.phase, c.config, c.stack);
      const key = c.key.startsWith("aws:") ? c.key : P(c.key);
      const problem = found.find((p) => p.startsWith(`${key}: `));
      assert.ok(problem, `expected a problem for ${key}, got:\n${found.join("\n") || "(accepted)"}`);
      if (c.value) assert.ok(problem.includes(c.value), `the problem should show the value ${c.value}: ${problem}`);
      assert.match(problem, c.allowed);
    });
  }

  it("accepts what the matrix is not about: private and narrow admin networks, a real licence, the default zones", () => {
    assert.deepEqual(
      problemsOf("crawl", { adminCidrs: ["10.0.0.0/8", "172.16.0.0/12", "198.51.100.0/24", "8.8.0.0/16"] }),
      [],
    );
    assert.deepEqual(problemsOf("walk", { mesh: { trial: true } }), []);
    assert.deepEqual(problemsOf("walk", { mesh: { trial: true, databaseEngineVersion: "16.9" } }), []);
  });
});

describe("bad input: walk against what crawl deployed (StackReference contract)", () => {
  const crawl10_20 = { onPrem: { mode: "simulated", vpcCidr: "10.20.0.0/23" } };

  it("walk reads crawl's on-prem network instead of restating it: peering routes and security groups use 10.20.0.0/23", async () => {
    const { walk } = await evaluateJourney("walk", { config: { crawl: crawl10_20 } });
    const toOnPrem = ofType(walk.resources, "aws:ec2/route:Route").filter((r) => r.name.includes("to-onprem"));
    assert.ok(
      toOnPrem.length > 0 && toOnPrem.every((r) => r.inputs.destinationCidrBlock === "10.20.0.0/23"),
      JSON.stringify(toOnPrem.map((r) => r.inputs)),
    );
    const cidrs = ofType(walk.resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(
      (r) => r.inputs.cidrIpv4,
    );
    assert.ok(cidrs.includes("10.20.0.0/23"));
    assert.ok(!cidrs.includes("10.0.0.0/23"), "nothing of walk's default on-prem range is left");
  });

  const runtimeCases: Array<{ what: string; overrides: Parameters<typeof evaluateJourney>[1]; message: RegExp }> = [
    {
      what: "a walk onPrem.vpcCidr contradicting crawl's",
      overrides: { config: { crawl: crawl10_20, walk: { onPrem: { mode: "simulated", vpcCidr: "10.0.0.0/23" } } } },
      message:
        /cloud-migration-journey:onPrem\.vpcCidr: "10\.0\.0\.0\/23" contradicts crawl's on-prem network 10\.20\.0\.0\/23; allowed: leave it out/,
    },
    {
      what: "walk in another region than crawl",
      overrides: { config: { walk: { "aws:region": "eu-west-1" } } },
      message: /aws:region: "eu-west-1" is not crawl's region us-west-2; allowed: us-west-2/,
    },
    {
      what: "a cloud.vpcCidr overlapping crawl's network",
      overrides: { config: { crawl: crawl10_20, walk: { cloud: { vpcCidr: "10.20.0.0/16" } } } },
      message:
        /cloud-migration-journey:cloud\.vpcCidr: "10\.20\.0\.0\/16" overlaps crawl's on-prem network 10\.20\.0\.0\/23/,
    },
  ];
  for (const c of runtimeCases) {
    it(`${c.what}: refused before any resource`, async () => {
      await assert.rejects(evaluateJourney("walk", c.overrides), (err: Error) => {
        assert.match(err.message, c.message);
        return true;
      });
    });
  }

  it("a stackRefs value pointing at no crawl stack says so, instead of a serialisation error", async () => {
    const file = stackConfigFromObject("walk", {
      ...prefixed(BASE.walk),
      [P("owner")]: "t",
      [P("adminCidrs")]: ["203.0.113.0/24"],
      "aws:region": "us-west-2",
      [P("stackRefs")]: { crawl: "organization/cloud-migration-journey/elsewhere" },
    });
    const evaluation = evaluatePhase({
      phase: "walk",
      stack: "walk",
      config: file.config,
      region: "us-west-2",
      stackOutputs: {
        "organization/cloud-migration-journey/elsewhere": { outputs: { unrelated: 1 }, secretOutputNames: [] },
      },
      program: declarePhase,
    });
    await assert.rejects(
      evaluation,
      /stackRefs\.crawl: "organization\/cloud-migration-journey\/elsewhere" points to a stack without the outputs of a journey phase, not to crawl; allowed: the fully qualified name of the deployed crawl stack/,
    );
  });
});

describe("bad input: what reaches a unit file is quoted", () => {
  it("the image in ExecStartPre= (docker pull) is quoted as it is in ExecStart=", () => {
    const unit = renderContainerUnit({ name: "app", description: "a", image: "registry.example.com/a b:1" });
    assert.match(unit, /^ExecStartPre=-\/usr\/bin\/docker pull "registry\.example\.com\/a b:1"$/m);
    assert.match(unit, /^ExecStart=.* "registry\.example\.com\/a b:1"$/m);
  });
});

describe("bad input: stack files", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "journey-stack-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a YAML syntax error names the stack file", () => {
    fs.writeFileSync(
      path.join(dir, "Pulumi.crawl.yaml"),
      "config:\n  cloud-migration-journey:phase: crawl\n   owner: [unclosed\n",
    );
    assert.throws(
      () => readStackFile("crawl", dir),
      (err: Error) => err.message.startsWith(`${path.join(dir, "Pulumi.crawl.yaml")}: is not valid YAML`),
    );
  });

  it("a stack file whose phase contradicts its name names the file and the key", () => {
    fs.writeFileSync(path.join(dir, "Pulumi.walk.yaml"), "config:\n  cloud-migration-journey:phase: crawl\n");
    assert.throws(
      () => readStackFile("walk", dir),
      /Pulumi\.walk\.yaml: cloud-migration-journey:phase: "crawl" contradicts the stack's name/,
    );
  });
});

function prefixed(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [P(k), v]));
}
