import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { offlineJourney } from "../../automation/journey";
import { isUnknownPlaceholder, unknownValue } from "../../offline/mocks";
import { isSecretValue, SECRET } from "../../offline/evaluator";
import type { OfflinePlan } from "../../offline/plan";
import { phaseArtifacts, planJson, renderPlanText, writeArtifacts } from "../../automation/planReport";
import { main } from "../../cli/journey";
import type { Phase } from "../../config/schema";
import { evaluatePolicies } from "../../policy/offline";
import { CANARY, journeyStackFiles, PhaseOverrides } from "../support/journey";
import { journeyPlan } from "./support";
import { InstalledFile } from "../../components/hostSoftware";

/**
 * The secrets audit: the journey evaluated with a distinct canary for every secret of the stack config,
 * and every generated secret (SSH, TLS and CA keys, database passwords, zone/dataplane/admin tokens) as
 * its mock placeholder `[unknown.<resource>.<prop>]`. None may reach the plan JSON, the --out artefacts,
 * anything `journey plan` prints, or a stack output not marked secret; and, in the recorded plan itself,
 * none may sit outside a secret envelope.
 */

const CANARY_MARK = "CANARY";
assert.ok(
  Object.values(CANARY).every((v) => v.includes(CANARY_MARK)),
  "every canary carries the mark the audit greps for",
);

const HOSTS = {
  monolith: { address: "192.0.2.10", sshUser: "ubuntu" },
  gateway: { address: "192.0.2.11", sshUser: "ubuntu" },
  zone: { address: "192.0.2.12", sshUser: "ubuntu" },
};

/** Simulated data center with a supplied key pair, so that the on-prem SSH key is config, through all three phases. */
const SUPPLIED_KEY: PhaseOverrides = {
  secrets: { ...CANARY },
  config: {
    crawl: {
      onPrem: {
        mode: "simulated",
        vpcCidr: "10.0.0.0/23",
        instanceType: "t3.small",
        sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPublicHalfOfTheAuditKey audit@journey",
      },
    },
  },
};
/** Real hosts: the key reaches every SSH connection, through all three phases. */
const EXISTING_HOSTS: PhaseOverrides = {
  secrets: { ...CANARY },
  config: {
    crawl: { onPrem: { mode: "existing", hosts: HOSTS } },
    walk: { onPrem: { mode: "existing", hosts: HOSTS } },
  },
};

/** Strings in a recorded value that no secret envelope covers, and the ones one does. */
function split(value: unknown, out = { plain: [] as string[], secret: [] as string[] }, inSecret = false) {
  if (isSecretValue(value)) split(value[SECRET], out, true);
  else if (typeof value === "string") (inSecret ? out.secret : out.plain).push(value);
  else if (Array.isArray(value)) value.forEach((v) => split(v, out, inSecret));
  else if (value && typeof value === "object") Object.values(value).forEach((v) => split(v, out, inSecret));
  return out;
}

/**
 * Placeholders of generated secrets: declared secret outputs, and placeholders the engine hands on as a
 * secret of their own (a secret object's members, e.g. a connection's host, are not secrets by themselves).
 */
function secretPlaceholders(plan: OfflinePlan): Set<string> {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (isSecretValue(node)) {
      if (isUnknownPlaceholder(node[SECRET])) found.add(node[SECRET] as string);
      visit(node[SECRET]);
    } else if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === "object") Object.values(node).forEach(visit);
  };
  for (const p of plan.phases) {
    for (const r of p.resources) for (const prop of r.secretOutputs) found.add(unknownValue(r.name, prop));
    p.resources.forEach((r) => visit(r.inputs));
    visit(p.outputs);
  }
  return found;
}

function assertClean(where: string, text: string, placeholders: Iterable<string> = []) {
  for (const [key, value] of Object.entries(CANARY)) {
    // As written, and as JSON writes it (the PEM canary has newlines; the licence has quotes).
    assert.ok(
      !text.includes(value) && !text.includes(JSON.stringify(value).slice(1, -1)),
      `${where} leaks the ${key} canary`,
    );
  }
  assert.ok(!text.includes(CANARY_MARK), `${where} leaks part of a canary`);
  for (const placeholder of placeholders)
    assert.ok(!text.includes(placeholder), `${where} carries ${placeholder}, a secret output's value`);
}

function readTree(dir: string): Array<{ file: string; content: string }> {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile())
    .map((file) => ({ file, content: fs.readFileSync(file, "utf8") }));
}

/** `journey plan` through the CLI's own main(), on a journey whose plan is the canary journey. */
async function cli(args: string[], overrides: PhaseOverrides, upTo: Phase): Promise<{ code: number; logs: string }> {
  let logs = "";
  const io = { out: (s: string) => void (logs += s), err: (s: string) => void (logs += s) };
  const code = await main(["node", "journey", "plan", ...args], io, {
    env: {},
    terminal: { write: () => true },
    journey: () => offlineJourney({ stackFiles: journeyStackFiles(upTo, overrides) }),
  });
  return { code, logs };
}

function audit(name: string, overrides: PhaseOverrides, upTo: Phase, reachesProgram: (plan: OfflinePlan) => void) {
  describe(name, () => {
    let plan: OfflinePlan;
    let placeholders: Set<string>;
    const tmp: string[] = [];
    before(async () => {
      plan = await journeyPlan(overrides, upTo);
      placeholders = secretPlaceholders(plan);
    });
    after(() => tmp.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

    it("the canaries and generated secrets reach the program, as secrets (the audit is not vacuous)", () => {
      reachesProgram(plan);
      assert.ok(placeholders.size >= 5, `secret outputs found: ${[...placeholders].join(", ")}`);
    });

    it("would catch a leak: a canary or a secret output's value unwrapped into a host file (control)", () => {
      const leaky = structuredClone(plan);
      const file = leaky.phases[0].resources.find(
        (r) => r.type === InstalledFile.TYPE && !isSecretValue(r.inputs.content),
      )!;
      file.inputs.content = `${String(file.inputs.content)}\n${CANARY.onPremSshPrivateKey}`;
      assert.throws(
        () => assertClean("planJson", JSON.stringify(planJson(leaky))),
        /leaks the onPremSshPrivateKey canary/,
      );
      const [placeholder] = [...placeholders];
      assert.throws(
        () => assertClean("raw", split({ content: `x ${placeholder}` }).plain.join("\n"), placeholders),
        /a secret output's value/,
      );
    });

    it("the recorded plan holds no canary and no secret output's value outside a secret envelope", () => {
      for (const p of plan.phases) {
        for (const r of p.resources) {
          const { __provider, ...inputs } = r.inputs;
          void __provider;
          assertClean(
            `${p.phase} ${r.type} ${r.name} (inputs not marked secret)`,
            split(inputs).plain.join("\n"),
            placeholders,
          );
        }
        assertClean(`${p.phase} stack outputs not marked secret`, split(p.outputs).plain.join("\n"), placeholders);
      }
    });

    it("the plan JSON, the text plan and the --out artefacts hold none", () => {
      assertClean("planJson", JSON.stringify(planJson(plan)), placeholders);
      assertClean("the text plan", renderPlanText(plan), placeholders);
      for (const p of plan.phases)
        for (const a of phaseArtifacts(p.resources)) assertClean(`${p.phase}/${a.path}`, a.content, placeholders);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "audit-artefacts-"));
      tmp.push(dir);
      const written = writeArtifacts(plan, dir);
      assert.ok(written.length > 0);
      for (const { file, content } of readTree(dir)) assertClean(file, content, placeholders);
    });

    it("nothing `journey plan` prints or writes holds one (plain, --json, --out, --policy)", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "audit-cli-"));
      tmp.push(dir);
      for (const args of [[], ["--json"], ["--out", dir], ["--policy"], ["--policy", "--json"]]) {
        const { code, logs } = await cli(args, overrides, upTo);
        assert.equal(code, 0, logs);
        assert.match(logs, /(OFFLINE PLAN|"mode": "offline")/);
        assertClean(`journey plan ${args.join(" ")}`, logs, placeholders);
      }
      const files = readTree(dir);
      assert.ok(files.some((f) => f.file.includes(path.join("crawl", "hosts"))));
      for (const { file, content } of files) assertClean(file, content, placeholders);
    });

    it("the policy pack passes with the canaries as known secrets, and its report names no secret", () => {
      const report = evaluatePolicies(plan, {
        secretValues: Object.entries(CANARY).map(([key, value]) => ({ label: `the canary ${key}`, value })),
      });
      assert.deepEqual(
        report.phases.flatMap((p) => p.violations.filter((v) => v.enforcement === "mandatory")),
        [],
      );
      assertClean("the policy report", JSON.stringify(report), placeholders);
    });
  });
}

describe("secrets audit", () => {
  audit(
    "crawl, walk and run with a supplied SSH key, the Konnect token and the mesh licence",
    SUPPLIED_KEY,
    "run",
    (plan) => {
      const [crawl, walk] = plan.phases;
      const secretStrings = (p: OfflinePlan["phases"][number]) =>
        split(p.resources.map((r) => r.inputs)).secret.join("\n");
      assert.ok(
        secretStrings(crawl).includes(CANARY.onPremSshPrivateKey),
        "crawl connects over SSH with the configured key, as a secret",
      );
      assert.ok(
        secretStrings(walk).includes(CANARY.onPremSshPrivateKey),
        "walk reads the key from crawl and keeps it secret",
      );
      assert.ok(secretStrings(walk).includes(CANARY.meshLicense), "the licence file is secret");
      assert.ok(
        split(crawl.outputs).secret.includes(CANARY.onPremSshPrivateKey),
        "crawl exports the key as a secret output",
      );
      // The Konnect token is read by the Konnect providers from config at deploy time; it is in no resource input.
    },
  );

  audit("the journey on existing hosts", EXISTING_HOSTS, "run", (plan) => {
    const onPremCommands = plan.phases
      .flatMap((p) => p.resources)
      .filter((r) => r.type === "command:remote:Command" && /192\.0\.2\./.test(JSON.stringify(r.inputs.connection)));
    assert.ok(onPremCommands.length > 10, "crawl and walk reach the real hosts");
    for (const c of onPremCommands)
      assert.ok(
        isSecretValue(c.inputs.connection) && JSON.stringify(c.inputs.connection).includes(CANARY_MARK),
        `${c.name} uses the configured key`,
      );
    const walk = plan.phases.find((p) => p.phase === "walk")!;
    assert.ok(
      !walk.resources.some((r) => r.type === "aws:ec2/instance:Instance" && r.name.includes("onprem")),
      "no on-prem EC2 in existing mode",
    );
  });
});
