import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PhaseEvaluation } from "../offline/evaluator";
import { offlinePlan } from "../offline/plan";
import { renderPlanText } from "../automation/planReport";
import { PROJECT_DIR } from "../offline/stackConfig";
import { InstalledFile, serviceCommands } from "../components/hostSoftware";
import { RDS_CA_IDENTIFIER, rdsEngineSettings } from "../components/meshGlobalControlPlane";
import { KONG_KEY_OWNER_SCRIPT } from "../render/kong";
import { kumaControlPlaneEnv } from "../render/meshHost";
import { CANARY, evaluateJourney, named, ofType, unwrapSecret } from "./support/journey";
import { Host } from "../components/host";
import { unknownOutput } from "./support/components";

/**
 * What the second `pulumi up` must not break. AWS and the SSH hosts cannot run here, so each test
 * names the provider behaviour it relies on and where that behaviour is documented.
 */

const COMMAND = "command:remote:Command";
const INSTANCE = "aws:ec2/instance:Instance";
const fileOn = (phase: PhaseEvaluation, host: string, filePath: string) => {
  const found = ofType(phase.resources, InstalledFile.TYPE).find(
    (f) => f.inputs.host === host && f.inputs.path === filePath,
  );
  if (!found) throw new Error(`no ${filePath} on ${host}`);
  return String(unwrapSecret(found.inputs.content));
};

describe("day 2: the second `pulumi up`", () => {
  let crawl: PhaseEvaluation;
  let walk: PhaseEvaluation;
  before(async () => {
    ({ crawl, walk } = await evaluateJourney("walk"));
  });
  const all = () => [...crawl.resources, ...walk.resources];

  it("a changed file restarts its host's units in place and leaves them enabled; only a removal disables them (@pulumi/command 1.2.1 remote.Command `triggers`: with `update` set the resource is updated, without it replaced)", () => {
    const services = all().filter((r) => r.type === COMMAND && r.name.endsWith("-services"));
    assert.ok(services.length >= 4, services.map((s) => s.name).join(", "));
    for (const s of services) {
      assert.ok(
        typeof s.inputs.update === "string" && s.inputs.update === s.inputs.create,
        `${s.name} must have an update command`,
      );
      assert.match(String(s.inputs.update), /systemctl enable .* && sudo systemctl restart /);
      assert.ok(!/disable/.test(String(s.inputs.update)), `${s.name}: an update never disables`);
      assert.match(String(s.inputs.delete), /systemctl disable --now/);
      const triggers = unwrapSecret(s.inputs.triggers);
      assert.ok(Array.isArray(triggers) && triggers.length === 1, `${s.name}: file contents trigger the update`);
    }
    assert.deepEqual(
      serviceCommands(["a.service", "b.service"]).update,
      serviceCommands(["a.service", "b.service"]).create,
    );
  });

  it("hosts: a looked-up AMI is kept once a host exists, and a host with a fixed address is deleted before its replacement (AWS refuses a second interface with the same private IP: ec2 RunInstances InvalidIPAddress.InUse)", () => {
    const instances = all().filter((r) => r.type === INSTANCE);
    assert.equal(instances.length, 4);
    for (const i of instances) {
      assert.ok(i.inputs.privateIp, `${i.name} has a fixed private address`);
      assert.deepEqual(i.replacement, { deleteBeforeReplace: true, ignoreChanges: ["ami"] }, i.name);
    }
  });

  it("hosts: config amiId pins the image everywhere (a change is then a deliberate replacement) and is shown in the plan", async () => {
    const ami = "ami-0123456789abcdef0";
    const pinned = await evaluateJourney("walk", { config: { crawl: { amiId: ami }, walk: { amiId: ami } } });
    const instances = [...pinned.crawl.resources, ...pinned.walk.resources].filter((r) => r.type === INSTANCE);
    for (const i of instances) {
      assert.equal(i.inputs.ami, ami, i.name);
      assert.deepEqual(i.replacement, { deleteBeforeReplace: true }, i.name);
    }
    const hosts = ofType(pinned.crawl.resources, Host.TYPE);
    assert.ok(hosts.every((h) => h.inputs.ami === ami));
    assert.match(
      String(ofType(crawl.resources, Host.TYPE)[0].inputs.ami),
      /newest Ubuntu 24\.04 at first deployment, then kept \(set amiId to pin\)/,
    );
  });

  it("route tables have no inline routes; every route is an aws.ec2.Route (@pulumi/aws 7.48.0 ec2.RouteTable `routes`: inline routes cannot be combined with Route resources and overwrite them)", () => {
    for (const table of all().filter((r) => r.type === "aws:ec2/routeTable:RouteTable"))
      assert.equal(table.inputs.routes, undefined, table.name);
    const defaults = all().filter(
      (r) => r.type === "aws:ec2/route:Route" && r.inputs.destinationCidrBlock === "0.0.0.0/0",
    );
    assert.deepEqual(defaults.map((r) => r.name).sort(), [
      "kmj-cloud-private-default",
      "kmj-cloud-public-default",
      "kmj-onprem-network-public-default",
    ]);
  });

  it("RDS: the major is pinned and AWS keeps the minor current, or a minor is pinned with upgrades off (@pulumi/aws 7.48.0 rds.Instance `engineVersion`: a prefix such as 8.0 is accepted when autoMinorVersionUpgrade is on)", async () => {
    assert.deepEqual(rdsEngineSettings("16"), { engineVersion: "16", autoMinorVersionUpgrade: true });
    assert.deepEqual(rdsEngineSettings("16.9"), { engineVersion: "16.9", autoMinorVersionUpgrade: false });
    const db = ofType(walk.resources, "aws:rds/instance:Instance")[0];
    assert.deepEqual([db.inputs.engineVersion, db.inputs.autoMinorVersionUpgrade], ["16", true]);
    const pinned = await evaluateJourney("walk", {
      config: { walk: { mesh: { trial: true, databaseEngineVersion: "16.9" } } },
    });
    const pinnedDb = ofType(pinned.walk.resources, "aws:rds/instance:Instance")[0];
    assert.deepEqual([pinnedDb.inputs.engineVersion, pinnedDb.inputs.autoMinorVersionUpgrade], ["16.9", false]);
  });

  it("Elastic IPs for the hosts whose address is published or certified: the gateway (proxy URL), the global CP and the zone CP (certificate SANs, API URLs); the monolith keeps its instance address", () => {
    const eips = all().filter((r) => r.type === "aws:ec2/eip:Eip" && r.inputs.instance);
    assert.deepEqual(eips.map((e) => e.name).sort(), [
      "kmj-mesh-global-host-eip",
      "kmj-mesh-onprem-host-eip",
      "kmj-onprem-gateway-eip",
    ]);
    for (const e of eips) assert.equal(e.inputs.domain, "vpc");
    assert.equal(
      (crawl.outputs as any).gatewayProxyUrl,
      `http://${unknownOutput("kmj-onprem-gateway-eip", "publicIp")}:8000`,
    );
    const globalCsr = named(walk.resources, "kmj-mesh-global-tls-csr");
    assert.ok(
      (globalCsr.inputs.ipAddresses as string[]).includes(unknownOutput("kmj-mesh-global-host-eip", "publicIp")),
    );
    const zoneCsr = named(walk.resources, "kmj-mesh-onprem-tls-csr");
    assert.ok((zoneCsr.inputs.ipAddresses as string[]).includes(unknownOutput("kmj-mesh-onprem-host-eip", "publicIp")));
  });

  it("Kong's cluster key goes to the user the pinned image runs as, read from the image at every start (no uid assumed)", () => {
    const unit = fileOn(crawl, "gateway", "/etc/systemd/system/kong-gateway.service");
    const pre = unit.split("\n").filter((l) => l.startsWith("ExecStartPre="));
    assert.deepEqual(pre.slice(1, 3), [
      "ExecStartPre=-/usr/bin/docker pull docker.io/kong/kong-gateway:3.14.0.13",
      `ExecStartPre=${KONG_KEY_OWNER_SCRIPT} docker.io/kong/kong-gateway:3.14.0.13 /etc/kong/cluster/tls.key`,
    ]);
    const script = fileOn(crawl, "gateway", KONG_KEY_OWNER_SCRIPT);
    assert.match(script, /docker run --rm --entrypoint id "\$1" -u/);
    assert.match(script, /chown "\$uid:\$gid" "\$2"/);
    const install = all().find((r) => r.type === COMMAND && r.name.endsWith("kong-cluster-tls-key-install"))!;
    assert.match(
      String(install.inputs.create),
      /install -D -m 0600 -o root -g root \/dev\/stdin \/etc\/kong\/cluster\/tls\.key/,
    );
  });

  it("Kong Mesh licence: walk runs on the trial only when mesh.trial says so, and the plan says a trial is in use", async () => {
    assert.match(
      String((walk.outputs as any).mesh.licence),
      /^TRIAL: Kong Mesh's bundled trial licence .*5 data plane proxies for 30 days/,
    );
    const plan = await offlinePlan({ phases: ["walk"] });
    assert.match(renderPlanText(plan), /licence":"TRIAL: /);
    const licensed = await evaluateJourney("walk", {
      config: { walk: { mesh: { trial: false } } },
      secrets: { meshLicense: CANARY.meshLicense },
    });
    assert.equal((licensed.walk.outputs as any).mesh.licence, "licensed: the meshLicense secret");
  });

  it(`RDS TLS: the store's server certificate is verified (verifyFull) against AWS's regional RDS bundle, the instance pinned to ${RDS_CA_IDENTIFIER}`, () => {
    const env = fileOn(walk, "mesh-global-cp", "/etc/kuma/global-cp/kuma-cp.env");
    assert.match(env, /^KUMA_STORE_POSTGRES_TLS_MODE=verifyFull$/m);
    assert.match(env, /^KUMA_STORE_POSTGRES_TLS_CA_PATH=\/etc\/kuma\/rds-ca\.pem$/m);
    const db = ofType(walk.resources, "aws:rds/instance:Instance")[0];
    assert.equal(db.inputs.caCertIdentifier, RDS_CA_IDENTIFIER);
    const bootstrap = named(walk.resources, "kmj-mesh-global-software-bootstrap");
    assert.match(
      String(bootstrap.inputs.stdin),
      /curl --fail --silent --show-error --proto =https --tlsv1\.2 -o \/etc\/kuma\/global-cp\/rds-ca\.pem\.new https:\/\/truststore\.pki\.rds\.amazonaws\.com\/us-west-2\/us-west-2-bundle\.pem/,
    );
    const store = { host: "db", port: 5432, user: "kuma", password: "p", database: "d" };
    const tls = { certFile: "/c", keyFile: "/k" };
    assert.throws(
      () => kumaControlPlaneEnv({ mode: "global", store: { ...store, tlsMode: "verifyFull" }, tls }),
      /needs caFile/,
    );
  });

  it("shipped stack files pin no image that does not exist upstream; the plan says which images to mirror", async () => {
    for (const phase of ["crawl", "walk", "run"]) {
      const text = fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${phase}.yaml`), "utf8");
      const config = YAML.parse(text).config as Record<string, any>;
      assert.equal(config["cloud-migration-journey:monolith"]?.image, undefined, phase);
      assert.equal(config["cloud-migration-journey:microservice"]?.image, undefined, phase);
    }
    const plan = await offlinePlan({ phases: ["crawl"] });
    assert.match(renderPlanText(plan), /images to mirror and pin before deploying, stood in for: monolith\.image/);
  });
});

describe("day 2: Pulumi.yaml registers ts-node once", () => {
  const project = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));

  it("typescript: true and no --require ts-node/register in nodeargs", () => {
    assert.equal(project.runtime.options.typescript, true);
    assert.ok(
      !/ts-node/.test(String(project.runtime.options.nodeargs ?? "")),
      "nodeargs must not register ts-node a second time",
    );
  });

  it("the SDK's own registration (@pulumi/pulumi cmd/run: transpileOnly from compilerOptions.noCheck, project tsconfig.json) still picks up tsconfig.json's ts-node section (swc, transpileOnly)", () => {
    const tsNode = require("ts-node") as typeof import("ts-node");
    const service = tsNode.create({
      compiler: "typescript",
      transpileOnly: undefined,
      project: path.join(PROJECT_DIR, "tsconfig.json"),
      skipProject: false,
      compilerOptions: {},
    });
    assert.equal(service.options.swc, true);
    assert.equal(service.options.transpileOnly, true);
  });
});
