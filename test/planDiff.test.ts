import { strict as assert } from "assert";
import { main } from "../cli/journey";
import { PHASES, Phase, PROJECT } from "../config/schema";
import { offlinePlan } from "../offline/plan";
import {
  basePlan,
  BasePlanError,
  diffPlans,
  fieldChanges,
  MARKER,
  PlanDiff,
  PlanDocument,
  planDocument,
  refProblem,
  renderPlanDiffMarkdown,
  ResourceChange,
} from "../automation/planDiff";
import { stackConfigFromObject, StackFile } from "../offline/stackConfig";
import { CANARY, repoStackConfig } from "./support/journey";
import { Host } from "../components/host";
import { MeshSidecar, MeshSidecarArgs } from "../components/meshSidecar";
import { recordProgram } from "../offline/evaluator";
import { monolithDataplane } from "../render/kuma";
import * as pulumi from "@pulumi/pulumi";

const SIDECAR: MeshSidecarArgs = {
  host: "monolith",
  connection: { host: "203.0.113.10", user: "ubuntu", privateKey: "ssh-key" },
  dataplane: monolithDataplane({ name: "monolith-1", address: "10.0.1.10" }),
  zone: { dpServerAddress: "https://10.0.1.5:5678", api: { url: "https://10.0.1.5:5682", token: "t" } },
  caCertPem: "CA PEM",
  image: "kong/kuma-dp:2.13.0",
  tokenValidity: "720h",
  inbound: { securityGroupId: "sg-monolith", port: 5000, fromCidr: "10.0.0.0/16", tags: {} },
};

type Overrides = Partial<Record<Phase, Record<string, unknown>>>;

/** The real program's offline plan with the repository's stack config plus overrides. */
async function plan(overrides: Overrides = {}, phases: readonly Phase[] = PHASES): Promise<PlanDocument> {
  const stackFiles: Partial<Record<Phase, StackFile>> = {};
  for (const phase of phases) {
    const config = { ...repoStackConfig(phase), ...(overrides[phase] ?? {}) };
    const prefixed = Object.fromEntries(
      Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `${PROJECT}:${k}`, v]),
    );
    stackFiles[phase] = stackConfigFromObject(phase, prefixed, `Pulumi.${phase}.yaml`, {
      konnectToken: CANARY.konnectToken,
    });
  }
  return planDocument(await offlinePlan({ phases: [...phases], stackFiles }));
}

const repo = (phase: Phase, key: string) => repoStackConfig(phase)[key] as Record<string, any>;
const phaseOf = (diff: PlanDiff, phase: Phase) => diff.phases.find((p) => p.phase === phase)!;
const summary = (c: ResourceChange) => `${c.kind} ${c.type} ${c.name}`;
const render = (diff: PlanDiff) => renderPlanDiffMarkdown(diff, { base: "main (abc123)", head: "this checkout" });

describe("plan diff (journey plan --diff-base)", function () {
  this.timeout(60_000);
  let base: PlanDocument;

  before(async () => {
    base = await plan();
  });

  it("the same config: nothing changed", async () => {
    const diff = await diffPlans(base, await plan());
    for (const p of diff.phases)
      assert.deepEqual([p.added.length, p.removed.length, p.changed.length, p.outputs.length], [0, 0, 0, 0], p.phase);
    const markdown = render(diff);
    assert.ok(markdown.startsWith(`${MARKER}\n## Offline plan diff: \`main (abc123)\` → \`this checkout\``));
    assert.match(markdown, /### crawl\n\nNo changes \(\d+ resources unchanged\)\./);
    assert.ok(!markdown.includes("Replacements"));
  });

  it("a weight change in run: one route changed, in place by the Kuma provider's own diff", async () => {
    const migration = { ...repo("run", "migrations")[0], weight: 50 };
    const diff = await diffPlans(base, await plan({ run: { migrations: [migration] } }));
    assert.deepEqual(phaseOf(diff, "crawl").changed, []);
    assert.deepEqual(phaseOf(diff, "walk").changed, []);
    const run = phaseOf(diff, "run");
    assert.deepEqual(run.changed.map(summary), [
      "update pulumi-nodejs:dynamic/kuma:Resource kmj-cutover-disputes-route",
    ]);
    assert.equal(run.changed[0].basis, "diffKumaResource");
    assert.ok(
      run.changed[0].fields.every((f) => f.path.startsWith("resource.spec.")),
      JSON.stringify(run.changed[0].fields),
    );
    assert.deepEqual([run.added, run.removed], [[], []]);
    assert.deepEqual(run.outputs, ["migrations", "smokeChecks"]);

    const markdown = render(diff);
    assert.match(markdown, /\| run \| 0 \| 0 \| 0 \| 1 \| 4 \|/);
    assert.match(
      markdown,
      /### run\n\n\*\*Changed \(1\)\*\*\n\n- `kuma:Resource` \*\*kmj-cutover-disputes-route\*\*: update in place \(the provider's own `diffKumaResource`\); `resource\.spec\./,
    );
    assert.ok(!markdown.includes("Replacements"));
  });

  it("a new onPrem.instanceType: both instances changed, update or replace left to the provider", async () => {
    const diff = await diffPlans(
      base,
      await plan({ crawl: { onPrem: { ...repo("crawl", "onPrem"), instanceType: "t3.medium" } } }),
    );
    const crawl = phaseOf(diff, "crawl");
    assert.deepEqual(crawl.changed.map(summary), [
      "undecided aws:ec2/instance:Instance kmj-onprem-gateway-instance",
      "undecided aws:ec2/instance:Instance kmj-onprem-monolith-instance",
    ]);
    assert.deepEqual(crawl.changed[0].fields, [{ path: "instanceType", from: "t3.small", to: "t3.medium" }]);
    assert.match(
      render(diff),
      /- `aws:ec2:Instance` \*\*kmj-onprem-gateway-instance\*\*: changed \(update or replace decided by the provider at preview\); `instanceType` \(`"t3\.small"` → `"t3\.medium"`\)/,
    );
  });

  it("a new cloud vpcCidr: the replacements, called out first", async () => {
    const diff = await diffPlans(
      base,
      await plan({ walk: { cloud: { ...repo("walk", "cloud"), vpcCidr: "10.2.0.0/16" } } }),
    );
    const walk = phaseOf(diff, "walk");
    const replaced = walk.changed.filter((c) => c.kind === "replace");
    assert.ok(replaced.length >= 6, replaced.map(summary).join("\n"));
    assert.deepEqual(walk.changed.slice(0, replaced.length), replaced, "replacements first");
    const byName = Object.fromEntries(replaced.map((c) => [c.name, c.replaceFields]));
    assert.deepEqual(byName["kmj-cloud-vpc"], ["cidrBlock"]);
    assert.deepEqual(byName["kmj-cloud-private-1"], ["cidrBlock"]);
    assert.deepEqual(
      byName["kmj-mesh-global-host-instance"],
      ["privateIp"],
      "the global CP's planned address moves with the VPC",
    );
    assert.ok(
      walk.changed.some(
        (c) => c.kind === "undecided" && c.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      ),
      "rule CIDRs: decided by the provider",
    );

    const markdown = render(diff);
    assert.match(markdown, /\| walk \| \*\*\d+\*\* \|/);
    const [replacements, crawl, walkSection] = ["### ⚠️ Replacements", "### crawl", "### walk"].map((h) =>
      markdown.indexOf(h),
    );
    assert.ok(
      replacements > 0 && replacements < crawl && crawl < walkSection,
      "the replacements come before the phases",
    );
    assert.match(
      markdown,
      /- \*\*walk\*\* `aws:ec2:Vpc` \*\*kmj-cloud-vpc\*\*: `cidrBlock` \(`"10\.1\.0\.0\/16"` → `"10\.2\.0\.0\/16"`\) forces a replacement \(replace-on-change table\)/,
    );
    const section = markdown.slice(walkSection);
    assert.ok(section.indexOf("**Replaced") < section.indexOf("**Changed"), "within the phase too");
  });

  it("a Konnect control plane renamed: replaced, by the provider's own diffControlPlane", async () => {
    const diff = await diffPlans(
      base,
      await plan({ crawl: { konnect: { ...repo("crawl", "konnect"), controlPlaneName: "kmj-journey" } } }),
    );
    assert.deepEqual(
      phaseOf(diff, "crawl").changed.map((c) => [summary(c), c.replaceFields, c.basis]),
      [["replace pulumi-nodejs:dynamic/konnect:ControlPlane kmj-gateway-control-plane", ["name"], "diffControlPlane"]],
    );
    assert.match(
      render(diff),
      /`name` \(`"kmj-migration"` → `"kmj-journey"`\) forces a replacement \(the provider's own `diffControlPlane`\)/,
    );
  });

  it("a new migration adds its resources; a phase without a stack file on the base is new", async () => {
    const [disputes] = repo("run", "migrations") as unknown as object[];
    const payments = {
      name: "payments",
      pathPrefix: "/monolith/resources/card/payment",
      rewritePrefix: "/payments",
      to: "microservice",
      weight: 0,
    };
    const diff = await diffPlans(base, await plan({ run: { migrations: [disputes, payments] } }));
    const run = phaseOf(diff, "run");
    assert.deepEqual(run.added.map((r) => r.name).sort(), [
      "kmj-cutover-payments-retry",
      "kmj-cutover-payments-route",
      "kmj-cutover-payments-timeout",
    ]);
    assert.match(render(diff), /\*\*Added \(3\)\*\*\n\n- `kuma:Resource` \*\*kmj-cutover-payments-/);

    const withoutRun = await plan({}, ["crawl", "walk"]);
    const grown = await diffPlans(withoutRun, base);
    assert.equal(phaseOf(grown, "run").presence, "added");
    assert.equal(
      phaseOf(grown, "run").added.length,
      base.phases.find((p) => p.phase === "run")!.resources.filter((r) => !r.type.startsWith("journey:")).length,
    );
    assert.match(render(grown), /\| run \(new phase\) \| 0 \| 5 \| 0 \| 0 \| 0 \|/);
  });

  describe("resources moved by an alias (a new parent or name, the old URN in `aliases`)", () => {
    const WALK = `urn:pulumi:walk::${PROJECT}::`;
    // The two resources as plans before they moved recorded them (commit 89046e9): at the stack's top.
    const BEFORE = {
      "kmj-mesh-cloud-cp-token": `${WALK}pulumi:pulumi:Stack$pulumi-nodejs:dynamic/kuma:ZoneToken::kmj-mesh-cloud-cp-token`,
      "kmj-monolith-in-mesh": `${WALK}pulumi:pulumi:Stack$aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::kmj-monolith-in-mesh`,
    } as Record<string, string>;
    const STACK = `${WALK}pulumi:pulumi:Stack::${PROJECT}-walk`;
    const asBefore = (head: PlanDocument): PlanDocument => {
      const before = structuredClone(head);
      const walk = before.phases.find((p) => p.phase === "walk")!;
      walk.resources = walk.resources.map(({ aliases: _, ...r }) =>
        BEFORE[r.name] && BEFORE[r.name].includes(`$${r.type}::`) ? { ...r, urn: BEFORE[r.name], parent: STACK } : r,
      );
      return before;
    };

    it("the cloud zone's cp token and the monolith's mesh rule, from the stack's top to under their components: moved, neither deleted nor created", async () => {
      const walk = base.phases.find((p) => p.phase === "walk")!;
      const byName = (name: string) =>
        walk.resources.find((r) => r.name === name && r.type !== "kubernetes:core/v1:Secret")!;
      assert.deepEqual(
        Object.keys(BEFORE).map((name) => [byName(name).parent, byName(name).aliases]),
        [
          [`${WALK}pulumi:pulumi:Stack$journey:cloud:Zone::kmj-mesh-cloud`, [BEFORE["kmj-mesh-cloud-cp-token"]]],
          [`${WALK}pulumi:pulumi:Stack$journey:mesh:Sidecar::kmj-monolith-sidecar`, [BEFORE["kmj-monolith-in-mesh"]]],
        ],
      );
      assert.ok(
        walk.resources.some((r) => r.parent === STACK),
        "the stack's URN as recorded",
      );

      const diff = await diffPlans(asBefore(base), base);
      const moved = phaseOf(diff, "walk");
      assert.deepEqual([moved.added, moved.removed, moved.changed], [[], [], []]);
      assert.deepEqual(
        moved.moved.map((m) => [m.name, m.from, m.to]),
        Object.keys(BEFORE).map((name) => [name, BEFORE[name], byName(name).urn]),
      );
      assert.match(
        render(diff),
        /\*\*Moved by an alias \(2\): a new URN, neither deleted nor created\*\*\n\n- `kuma:ZoneToken` \*\*kmj-mesh-cloud-cp-token\*\*: from `urn:pulumi:walk::/,
      );

      // Without the aliases, the same move is a deletion and a creation.
      const unaliased = structuredClone(base);
      for (const p of unaliased.phases) for (const r of p.resources) delete r.aliases;
      const replaced = phaseOf(await diffPlans(asBefore(base), unaliased), "walk");
      assert.deepEqual(
        [replaced.added.map((r) => r.name), replaced.removed.map((r) => r.name)],
        [Object.keys(BEFORE), Object.keys(BEFORE)],
      );
    });

    it("a renamed component's children follow it (the engine's inherited aliases), grandchildren too; a child named otherwise does not", async () => {
      const sidecar = (name: string, opts?: pulumi.ComponentResourceOptions) => async () =>
        planDocument({
          mode: "offline",
          phases: [
            {
              phase: "walk",
              stack: "test",
              placeholderSecrets: [],
              durationMs: 0,
              ...(await recordProgram(() => {
                new MeshSidecar(name, SIDECAR, opts);
              })),
            },
          ],
        });
      const before = await sidecar("kmj-monolith-sidecar")();
      const after = await sidecar("kmj-app-sidecar", { aliases: [{ name: "kmj-monolith-sidecar" }] })();
      const walk = phaseOf(await diffPlans(before, after), "walk");
      const rule = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
      const own = after.phases[0].resources.filter((r) => !r.type.startsWith("journey:"));
      assert.ok(own.length >= 5, own.map((r) => r.name).join(", "));
      assert.deepEqual(
        walk.moved.map((m) => [m.name, m.from]),
        own.filter((r) => r.type !== rule).map((r) => [r.name, r.urn.replaceAll("kmj-app-", "kmj-monolith-")]),
        "the token, and the software's commands and files under the sidecar's own child",
      );
      assert.ok(walk.moved.some((m) => m.name === "kmj-app-sidecar-token"));
      // The engine carries a parent's new name over to a child's only where the child's name starts
      // with it: `kmj-app-in-mesh` does not start with `kmj-app-sidecar`, so a renamed sidecar replaces its rule.
      assert.deepEqual(
        [walk.added.map((r) => r.name), walk.removed.map((r) => r.name)],
        [["kmj-app-in-mesh"], ["kmj-monolith-in-mesh"]],
      );
    });
  });

  describe("the rules, on synthetic plans", () => {
    const doc = (resources: Array<{ type: string; name: string; inputs: Record<string, unknown> }>): PlanDocument => ({
      mode: "offline",
      phases: [
        {
          phase: "crawl",
          stack: "crawl",
          outputs: {},
          resources: resources.map((r) => ({ ...r, urn: `urn:pulumi:crawl::p::${r.type}::${r.name}`, parent: null })),
        },
      ],
    });
    const one = async (type: string, olds: Record<string, unknown>, news: Record<string, unknown>) =>
      (await diffPlans(doc([{ type, name: "r", inputs: olds }]), doc([{ type, name: "r", inputs: news }]))).phases[0]
        .changed[0];

    it("user data replaces an instance only with userDataReplaceOnChange", async () => {
      const type = "aws:ec2/instance:Instance";
      assert.equal(
        (
          await one(
            type,
            { userData: "a", userDataReplaceOnChange: false },
            { userData: "b", userDataReplaceOnChange: false },
          )
        ).kind,
        "undecided",
      );
      assert.deepEqual(
        (
          await one(
            type,
            { userData: "a", userDataReplaceOnChange: true },
            { userData: "b", userDataReplaceOnChange: true },
          )
        ).replaceFields,
        ["userData"],
      );
      assert.deepEqual(
        (await one(type, { subnetId: "s-1", tags: { a: "1" } }, { subnetId: "s-2", tags: { a: "2" } })).replaceFields,
        ["subnetId"],
      );
    });

    it("a provider's diff that ignores an input is no change; nested Kubernetes identity replaces; unknown types stay undecided", async () => {
      const noop = await one(
        "pulumi-nodejs:dynamic/konnect:ControlPlane",
        { name: "cp", region: "us", adoptExisting: false },
        { name: "cp", region: "us", adoptExisting: true },
      );
      assert.deepEqual([noop.kind, noop.basis], ["no-op", "diffControlPlane"]);
      assert.match(
        renderPlanDiffMarkdown(
          {
            phases: [
              {
                phase: "crawl",
                presence: "both",
                added: [],
                removed: [],
                moved: [],
                changed: [noop],
                unchanged: 0,
                outputs: [],
              },
            ],
          },
          { base: "b", head: "h" },
        ),
        /no change for the provider \(1\)\*\*\n\n- `konnect:ControlPlane` \*\*cp\*\*|no change for the provider/,
      );
      const update = await one(
        "pulumi-nodejs:dynamic/konnect:Route",
        { name: "onprem", paths: ["/onprem"] },
        { name: "onprem", paths: ["/legacy"] },
      );
      assert.deepEqual([update.kind, update.basis], ["update", "diffRoute"]);
      assert.deepEqual(
        (await one("kubernetes:core/v1:Service", { metadata: { name: "a" } }, { metadata: { name: "b" } }))
          .replaceFields,
        ["metadata.name"],
      );
      assert.equal(
        (
          await one(
            "kubernetes:core/v1:Service",
            { metadata: { name: "a", labels: { x: "1" } } },
            { metadata: { name: "a", labels: { x: "2" } } },
          )
        ).kind,
        "undecided",
      );
      assert.equal(
        (await one("eks:index:Cluster", { version: "1.33" }, { version: "1.34" })).kind,
        "undecided",
        "nothing is claimed for a type not in the table",
      );
      const components = await diffPlans(
        doc([{ type: Host.TYPE, name: "h", inputs: { instanceType: "a" } }]),
        doc([{ type: Host.TYPE, name: "h", inputs: { instanceType: "b" } }]),
      );
      assert.deepEqual(components.phases[0].changed, [], "components declare no resource of their own");
    });

    it("field paths name odd keys and array items; markdown escapes names", async () => {
      assert.deepEqual(
        fieldChanges(
          { tags: { "kuma.io/service": "a", keep: 1 }, list: [1, 2] },
          { tags: { "kuma.io/service": "b", keep: 1 }, list: [1, 3] },
        ),
        [
          { path: "list[1]", from: 2, to: 3 },
          { path: 'tags["kuma.io/service"]', from: "a", to: "b" },
        ],
      );
      assert.deepEqual(fieldChanges({ list: [1] }, { list: [1, 2] }), [{ path: "list", from: [1], to: [1, 2] }]);
      const diff = await diffPlans(doc([]), doc([{ type: "aws:ec2/vpc:Vpc", name: "a*b`c", inputs: {} }]));
      assert.match(render(diff), /- `aws:ec2:Vpc` \*\*a\\\*b\\`c\*\*/);
    });
  });

  describe("the base: its own plan in a temporary git worktree", () => {
    it("refuses refs that could be taken for options or carry spaces, before running git", async () => {
      for (const ref of ["-rf", "--output=/tmp/x", "main branch", "a\nb", ""])
        assert.ok(refProblem(ref), JSON.stringify(ref));
      for (const ref of ["main", "origin/main", "v1.2.3", "HEAD~1", "HEAD^", "0123abcd", "feature/x-y_z"])
        assert.equal(refProblem(ref), undefined, ref);
      await assert.rejects(
        basePlan({ ref: "--upload-pack=touch /tmp/pwned" }),
        (err: unknown) => err instanceof BasePlanError && /is not a git ref/.test(err.message),
      );

      let out = "";
      let err = "";
      const io = { out: (s: string) => void (out += s), err: (s: string) => void (err += s) };
      assert.equal(await main(["node", "journey", "plan", "--diff-base=--exec=id"], io), 2);
      assert.match(err, /--diff-base: "--exec=id" is not a git ref/);
      assert.equal(
        await main(["node", "journey", "plan", "--phase", "crawl", "--diff-base", "no-such-ref-0b5e"], io),
        1,
      );
      assert.match(err, /git knows no commit no-such-ref-0b5e here; fetch it first/);
      assert.equal(out, "");
    });
  });
});
