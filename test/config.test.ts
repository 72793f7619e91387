import { strict as assert } from "assert";
import { ConfigError, validateConfig } from "../config/load";
import { PROJECT } from "../config/schema";

const P = (k: string) => `${PROJECT}:${k}`;
const TOKEN = "kpat_abcdefghijklmnopqrstuvwxyz012345";

function valid(overrides: Record<string, unknown> = {}, secretKeys = [P("konnectToken")]): Record<string, string> {
  const base: Record<string, unknown> = {
    "aws:region": "us-west-2",
    [P("phase")]: "crawl",
    [P("owner")]: "platform-team",
    [P("adminCidrs")]: ["203.0.113.0/24"],
    [P("monolith")]: { image: { repository: "registry.example.com/team/monolith", tag: "1.0.0" } },
    [P("konnectToken")]: TOKEN,
    ...overrides,
  };
  void secretKeys;
  return Object.fromEntries(
    Object.entries(base)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );
}

function problems(values: Record<string, string>, secretKeys = [P("konnectToken")]): string[] {
  try {
    validateConfig({ values, secretKeys });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${err}`);
    return err.problems;
  }
  return [];
}

/** Exactly one problem, naming the key, showing the value and saying what is allowed. */
function expectOne(
  values: Record<string, string>,
  key: string,
  value: string | undefined,
  allowed: RegExp,
  secretKeys?: string[],
) {
  const found = problems(values, secretKeys);
  assert.equal(found.length, 1, `expected one problem, got:\n${found.join("\n")}`);
  assert.ok(found[0].startsWith(`${key}: `), `problem should start with the key ${key}: ${found[0]}`);
  if (value !== undefined) assert.ok(found[0].includes(value), `problem should show the value ${value}: ${found[0]}`);
  assert.match(found[0], allowed);
}

describe("stack config validation", () => {
  it("accepts the minimal crawl config and fills defaults", () => {
    const { config } = validateConfig({ values: valid(), secretKeys: [P("konnectToken")] });
    assert.equal(config.phase, "crawl");
    assert.equal(config.namePrefix, "kmj");
    assert.deepEqual(config.clientCidrs, ["0.0.0.0/0"]);
    assert.equal(config.onPrem.mode, "simulated");
    assert.equal(config.konnect.region, "us");
    assert.equal(config.awsRegion, "us-west-2");
  });

  it("refuses a malformed CIDR", () =>
    expectOne(
      valid({ [P("adminCidrs")]: ["10.0.0.0/33"] }),
      P("adminCidrs[0]"),
      '"10.0.0.0/33"',
      /must be an IPv4 CIDR block/,
    ));

  it("refuses a CIDR with host bits set", () =>
    expectOne(
      valid({ [P("onPrem")]: { mode: "simulated", vpcCidr: "10.0.0.1/23" } }),
      P("onPrem.vpcCidr"),
      '"10.0.0.1/23"',
      /no host bits/,
    ));

  it("refuses a subnet outside its VPC", () =>
    expectOne(
      valid({
        [P("onPrem")]: {
          mode: "simulated",
          vpcCidr: "10.0.0.0/23",
          subnets: [{ cidr: "10.0.0.0/26" }, { cidr: "10.9.0.0/26" }],
        },
      }),
      P("onPrem.subnets[1].cidr"),
      '"10.9.0.0/26"',
      /outside the on-prem VPC 10\.0\.0\.0\/23/,
    ));

  it("refuses overlapping subnets", () =>
    expectOne(
      valid({ [P("onPrem")]: { mode: "simulated", subnets: [{ cidr: "10.0.0.0/26" }, { cidr: "10.0.0.32/27" }] } }),
      P("onPrem.subnets[1].cidr"),
      '"10.0.0.32/27"',
      /overlaps onPrem\.subnets\[0\] \(10\.0\.0\.0\/26\)/,
    ));

  it("refuses an unknown region", () =>
    expectOne(
      valid({ "aws:region": "us-wst-2" }),
      "aws:region",
      '"us-wst-2"',
      /is not an AWS region; allowed: .*us-west-2/,
    ));

  it("refuses a missing region", () =>
    expectOne(valid({ "aws:region": undefined }), "aws:region", undefined, /pulumi config set aws:region/));

  it("refuses an empty instance type", () =>
    expectOne(
      valid({ [P("onPrem")]: { mode: "simulated", instanceType: " " } }),
      P("onPrem.instanceType"),
      '" "',
      /must name an EC2 instance type/,
    ));

  it("refuses a bad port", () =>
    expectOne(
      valid({
        [P("monolith")]: { image: { repository: "registry.example.com/team/monolith", tag: "1.0.0" }, port: 70000 },
      }),
      P("monolith.port"),
      "70000",
      /port from 1 to 65535/,
    ));

  it("refuses a missing required secret", () =>
    expectOne(
      valid({ [P("konnectToken")]: undefined }),
      P("konnectToken"),
      undefined,
      /required in the crawl phase.*pulumi config set --secret konnectToken/,
      [],
    ));

  it("refuses a secret given in plaintext, without echoing it", () => {
    const found = problems(valid(), []);
    assert.equal(found.length, 1, found.join("\n"));
    assert.match(
      found[0],
      /^cloud-migration-journey:konnectToken: is stored in plaintext but must be a secret; run `pulumi config set --secret konnectToken/,
    );
    assert.ok(!found[0].includes(TOKEN), "the secret value must not appear in the message");
  });

  it("refuses a Konnect token that is not kpat_/spat_, without echoing it", () => {
    const found = problems(valid({ [P("konnectToken")]: "hunter2-not-a-token" }));
    assert.equal(found.length, 1);
    assert.match(
      found[0],
      /konnectToken: \[secret, not shown\] is not a Konnect access token; allowed: .*kpat_.*spat_/,
    );
    assert.ok(!found[0].includes("hunter2"));
  });

  it("refuses 0.0.0.0/0 as admin CIDR unless allowPublicAdmin is true", () => {
    expectOne(
      valid({ [P("adminCidrs")]: ["0.0.0.0/0"] }),
      P("adminCidrs[0]"),
      '"0.0.0.0/0"',
      /whole internet.*allowPublicAdmin: true/,
    );
    assert.deepEqual(problems(valid({ [P("adminCidrs")]: ["0.0.0.0/0"], [P("allowPublicAdmin")]: true })), []);
  });

  it("refuses an unknown phase", () =>
    expectOne(valid({ [P("phase")]: "sprint" }), P("phase"), '"sprint"', /must be one of crawl, walk, run/));

  it("refuses version strings that are not versions", () => {
    expectOne(
      valid({ [P("konnect")]: { gatewayVersion: "3.x" } }),
      P("konnect.gatewayVersion"),
      '"3.x"',
      /must be a version like 3\.14\.0\.13/,
    );
    expectOne(
      valid({
        [P("phase")]: "walk",
        [P("monolith")]: undefined,
        [P("microservice")]: { image: { repository: "registry.example.com/team/disputes", tag: "1.0.0" } },
        [P("mesh")]: { version: "latest", trial: true },
      }),
      P("mesh.version"),
      '"latest"',
      /must be a version like 2\.13\.10/,
    );
  });

  it("refuses an unpinned image", () => {
    expectOne(
      valid({ [P("monolith")]: { image: { repository: "registry.example.com/team/monolith", tag: "latest" } } }),
      P("monolith.image.tag"),
      '"latest"',
      /must pin a version/,
    );
    expectOne(
      valid({ [P("monolith")]: { image: { repository: "registry.example.com/team/monolith" } } }),
      P("monolith.image"),
      undefined,
      /must be pinned/,
    );
  });

  it("each phase has its own keys: another phase's key is refused, naming the phase it belongs to", () => {
    const found = problems(valid({ [P("migrations")]: [] }));
    assert.equal(found.length, 1, found.join("\n"));
    assert.match(
      found[0],
      /^cloud-migration-journey:migrations: is run's, not a key of the crawl phase; allowed: phase, /,
    );
  });

  it("names unknown keys and suggests the right one", () => {
    const found = problems(valid({ [P("adminCidr")]: ["10.0.0.0/8"] }));
    assert.equal(found.length, 1);
    assert.match(
      found[0],
      /^cloud-migration-journey:adminCidr: is not a known key; allowed: .*\(did you mean adminCidrs\?\)/,
    );
  });

  it("requires the microservice from walk on, and distinct cloud and on-prem ranges", () => {
    const found = problems(
      valid({
        [P("phase")]: "walk",
        [P("onPrem")]: { mode: "simulated", vpcCidr: "10.0.0.0/23" },
        [P("cloud")]: { vpcCidr: "10.0.0.0/16" },
      }),
    );
    assert.ok(
      found.some((p) => p.startsWith(`${P("microservice")}: is required in the walk phase`)),
      found.join("\n"),
    );
    assert.ok(
      found.some((p) => p.startsWith(`${P("cloud.vpcCidr")}: "10.0.0.0/16" overlaps the on-prem VPC`)),
      found.join("\n"),
    );
  });

  it("validates migrations for run", () => {
    const found = problems(
      valid({
        [P("phase")]: "run",
        [P("migrations")]: [
          { name: "Disputes_API", pathPrefix: "monolith/x", rewritePrefix: "/disputes", weight: 101 },
          { name: "ok", pathPrefix: "/a", rewritePrefix: "/b", weight: 5 },
          { name: "ok", pathPrefix: "/c", rewritePrefix: "/d", weight: 5 },
        ],
      }),
      [],
    );
    const text = found.join("\n");
    assert.match(text, /migrations\[0\]\.name: "Disputes_API" must be an RFC 1123 label/);
    assert.match(text, /migrations\[0\]\.pathPrefix: "monolith\/x" must start with '\/'/);
    assert.match(text, /migrations\[0\]\.weight: 101 must be from 0 to 100/);
    assert.match(text, /migrations\[2\]\.name: "ok" is used by an earlier migration/);
  });

  it("reports every problem together, one per line", () => {
    const found = problems(
      valid({
        "aws:region": "mars-1",
        [P("phase")]: "x",
        [P("adminCidrs")]: ["0.0.0.0/0", "bad"],
        [P("monolith")]: { image: { tag: "latest" }, port: 0 },
      }),
      [],
    );
    assert.ok(found.length >= 6, found.join("\n"));
    const message = new ConfigError(found).message;
    assert.match(message, /^The stack config has \d+ problem\(s\):\n {2}- /);
    assert.ok(!/\n\s+at /.test(message), "no stack trace");
  });

  it("existing on-prem hosts need the SSH private key as a secret", () => {
    const found = problems(
      valid({
        [P("onPrem")]: {
          mode: "existing",
          hosts: { monolith: { address: "192.0.2.10" }, gateway: { address: "192.0.2.11" } },
        },
      }),
    );
    assert.equal(found.length, 1, found.join("\n"));
    assert.match(found[0], /^cloud-migration-journey:onPremSshPrivateKey: is required with onPrem\.mode existing/);
  });
});
