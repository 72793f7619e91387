import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runJourney } from "./support/cli";
import { InstalledFile } from "../components/hostSoftware";

/** As a person runs it: their environment, their terminal. */
const journey = (...args: string[]) => runJourney(args, { env: process.env, terminal: process.stderr });

describe("journey plan (offline plan CLI)", () => {
  it("prints a readable tree per phase that says plainly it is offline", async () => {
    const { code, out } = await journey("plan", "--phase", "crawl");
    assert.equal(code, 0);
    assert.match(out, /^OFFLINE PLAN: the real program evaluated in-process under mocks\. Nothing was deployed/);
    assert.match(out, /== crawl \(stack crawl\): \d+ resources/);
    assert.match(out, /├─ kmj-onprem {2}journey:onprem:Site/);
    assert.match(out, /== summary\n {3}crawl adds \d+ resources: /);
    assert.match(out, /gatewayProxyUrl: "http:\/\/\[unknown\]:8000"/);
  });

  it("--json prints one document: mode offline, phases with resources and outputs", async () => {
    const { code, out } = await journey("plan", "--phase", "crawl", "--json");
    assert.equal(code, 0);
    const doc = JSON.parse(out);
    assert.equal(doc.mode, "offline");
    assert.deepEqual(
      doc.phases.map((p: any) => p.phase),
      ["crawl"],
    );
    const [crawl] = doc.phases;
    for (const r of crawl.resources) {
      assert.deepEqual(Object.keys(r).sort(), ["inputs", "name", "parent", "type", "urn"]);
      assert.ok(!("__provider" in r.inputs), "dynamic provider code is not part of the plan");
    }
    assert.equal(crawl.outputs.sshPrivateKey, "[secret]");
    assert.equal(crawl.outputs.hosts.gateway.publicAddress, "[unknown]");
    assert.equal(crawl.outputs.hosts.monolith.privateAddress, "10.0.0.74");
    const key = crawl.resources.find(
      (r: any) => r.type === InstalledFile.TYPE && r.inputs.path === "/etc/kong/cluster/tls.key",
    );
    assert.equal(key.inputs.content, "[secret]");
    assert.ok(!out.includes("[unknown."), "every placeholder is printed as [unknown]");
  });

  it("--out writes host files, cloud-init and Konnect request bodies", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-out-"));
    try {
      const { code } = await journey("plan", "--phase", "crawl", "--out", dir);
      assert.equal(code, 0);
      const files = (sub: string) =>
        fs
          .readdirSync(path.join(dir, "crawl", sub), { recursive: true })
          .map(String)
          .sort();
      assert.deepEqual(files("konnect"), [
        "control-plane-kmj-migration.json",
        "dp-certificate-kmj-gateway-dp-certificate.json",
        "route-onprem.json",
        "service-monolith.json",
      ]);
      assert.ok(files("hosts").includes(path.join("gateway", "etc", "kong", "kong.env")));
      assert.ok(files("hosts").includes(path.join("monolith", "cloud-init.yaml")));
      const service = JSON.parse(fs.readFileSync(path.join(dir, "crawl", "konnect", "service-monolith.json"), "utf8"));
      assert.deepEqual(service, {
        name: "monolith",
        protocol: "http",
        host: "10.0.0.74",
        port: 8080,
        path: "/monolith/resources/",
      });
      assert.match(
        fs.readFileSync(path.join(dir, "crawl", "hosts", "gateway", "etc", "kong", "cluster", "tls.key"), "utf8"),
        /^\[secret\]/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the journey bin pipes the whole JSON document (stdout is flushed before exit)", function () {
    this.timeout(60_000);
    const run = spawnSync(process.execPath, [path.join(__dirname, "..", "bin", "journey.js"), "plan", "--json"], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(run.status, 0, run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.deepEqual(
      doc.phases.map((p: { phase: string }) => p.phase),
      ["crawl", "walk", "run"],
    );
    assert.ok(run.stdout.length > 65536, "larger than one pipe buffer");
  });

  it("--policy runs the guardrails on the plan: zero mandatory violations, exit 0; a rule made mandatory by config fails it", async () => {
    const clean = await journey("plan", "--policy", "--json");
    assert.equal(clean.code, 0);
    const report = JSON.parse(clean.out).policy;
    assert.equal(report.summary.mandatory, 0);
    assert.ok(report.summary.advisory > 0, "advisory findings are reported, not fatal");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-"));
    try {
      fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify({ "single-nat-gateway": "mandatory" }));
      const strict = await journey("plan", "--policy", "--policy-config", path.join(dir, "config.json"));
      assert.equal(strict.code, 1);
      assert.match(strict.out, /MANDATORY single-nat-gateway: kmj-cloud-nat/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("bad usage exits 2 with a message", async () => {
    const { code, err } = await journey("plan", "--phase", "sprint");
    assert.equal(code, 2);
    assert.match(err, /argument 'sprint' is invalid\. Allowed choices are crawl, walk, run/);
  });
});
