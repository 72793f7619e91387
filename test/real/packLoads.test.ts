// Runs in `npm run test:real`, not `npm test` (moved from test/policy/): the pack process compiles
// the pack through ts-node with type-checking, as the CLI's language host has it do (about 4 s of
// CPU). The rules themselves are tested in-process in test/policy/ (rules, crossguard, journey).
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { PROJECT_DIR } from "../../offline/stackConfig";
import { RULES } from "../../policy/rules";
import { mesh } from "../../render/kuma";
import { UNKNOWN_STRING_SENTINEL } from "../policy/support";
import { InstalledFile } from "../../components/hostSoftware";

/**
 * The pack as `pulumi preview --policy-pack policy` starts it: the nodejs language host resolves
 * `@pulumi/pulumi/cmd/run-policy-pack` from the pack folder (here: the project's node_modules) and runs
 * `node <run-policy-pack> <engine> .` in that folder, which loads package.json's main through ts-node
 * and serves the Analyzer gRPC service on the port it prints. This test does the same and talks to it
 * with the SDK's own Analyzer client, the way the engine does.
 */

const PACK_DIR = path.join(PROJECT_DIR, "policy");
const fromSdk = (module: string) =>
  require(require.resolve(module, { paths: [path.dirname(require.resolve("@pulumi/pulumi/proto/analyzer_pb"))] }));
const grpc = fromSdk("@grpc/grpc-js");
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const { Struct } = fromSdk("google-protobuf/google/protobuf/struct_pb");
const { Empty } = fromSdk("google-protobuf/google/protobuf/empty_pb");

const SECRET_SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
const LICENCE = '{"license":"CANARY-licence-for-the-pack"}';
const MANDATORY = 1;

function call<T>(client: any, method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) =>
    client[method](request, (err: Error | null, response: T) => (err ? reject(err) : resolve(response))),
  );
}

/** A resource as the engine describes it to the analyzer: an AnalyzeRequest (one resource) or an AnalyzerResource (the stack's). */
function describeResource(message: any, type: string, name: string, props: Record<string, unknown>) {
  message.setUrn(`urn:pulumi:walk::cloud-migration-journey::${type}::${name}`);
  message.setType(type);
  message.setName(name);
  message.setProperties(Struct.fromJavaScript(props));
  message.setOptions(new analyzerPb.AnalyzerResourceOptions());
  return message;
}

const analyzeRequest = (type: string, name: string, props: Record<string, unknown>) =>
  describeResource(new analyzerPb.AnalyzeRequest(), type, name, props);
const stackResource = (type: string, name: string, props: Record<string, unknown>) =>
  describeResource(new analyzerPb.AnalyzerResource(), type, name, props);

/** The policy server prefixes each message with the policy's description; the rule's own message is the last line. */
const diagnostics = (response: any) =>
  response.getDiagnosticsList().map((d: any) => ({
    policy: d.getPolicyname(),
    level: d.getEnforcementlevel(),
    message: String(d.getMessage()).split("\n").pop(),
  }));

describe("policy pack loads as the Pulumi CLI starts it", function () {
  this.timeout(120_000);
  let pack: ChildProcess;
  let client: any;
  let stderr = "";

  before(async () => {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PACK_DIR] });
    assert.ok(runner.startsWith(path.join(PROJECT_DIR, "node_modules")), "the pack reuses the project's node_modules");
    pack = spawn(process.execPath, [runner, "127.0.0.1:0", "."], {
      cwd: PACK_DIR,
      env: {
        ...process.env,
        PULUMI_CONFIG: JSON.stringify({ "cloud-migration-journey:meshLicense": LICENCE }),
        TS_NODE_PROJECT: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    pack.stderr!.on("data", (d) => (stderr += String(d)));
    const port = await new Promise<string>((resolve, reject) => {
      pack.stdout!.once("data", (d) => resolve(String(d).trim()));
      pack.once("exit", (code) => reject(new Error(`the pack exited with ${code}: ${stderr}`)));
    });
    assert.match(port, /^\d+$/);
    client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    pack?.kill();
  });

  it("announces the pack cloud-migration-journey with every rule at its level", async () => {
    const info: any = await call(client, "getAnalyzerInfo", new Empty());
    assert.equal(info.getName(), "cloud-migration-journey");
    assert.equal(info.getVersion(), require(path.join(PACK_DIR, "package.json")).version);
    const policies = info.getPoliciesList().map((p: any) => [p.getName(), p.getEnforcementlevel()]);
    assert.deepEqual(
      policies,
      RULES.map((r) => [r.name, r.enforcement === "mandatory" ? MANDATORY : 0]),
    );
  });

  it("analyzes a resource: a world-open SSH rule is a mandatory violation, an unknown CIDR is no error", async () => {
    const open = await call(
      client,
      "analyze",
      analyzeRequest("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "ssh", {
        ipProtocol: "tcp",
        fromPort: 22,
        toPort: 22,
        cidrIpv4: "0.0.0.0/0",
        tags: { Project: "p", Phase: "walk", Owner: "o" },
      }),
    );
    assert.deepEqual(diagnostics(open), [
      { policy: "no-world-admin-ingress", level: MANDATORY, message: "opens SSH (22) to 0.0.0.0/0" },
    ]);
    const unknown = await call(
      client,
      "analyze",
      analyzeRequest("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "ssh", {
        ipProtocol: "tcp",
        fromPort: 22,
        toPort: 22,
        cidrIpv4: UNKNOWN_STRING_SENTINEL,
        tags: { Project: "p", Phase: "walk", Owner: "o" },
      }),
    );
    assert.deepEqual(diagnostics(unknown), []);
  });

  it("sees secrets unwrapped: a key in user-data is flagged though the engine marks it secret", async () => {
    const pem = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----";
    const response = await call(
      client,
      "analyze",
      analyzeRequest("aws:ec2/instance:Instance", "host", {
        userData: { ...SECRET_SIG, value: `#cloud-config\nwrite_files: [{content: "${pem}"}]` },
        metadataOptions: { httpTokens: "required" },
        rootBlockDevice: { encrypted: true },
        tags: { Project: "p", Phase: "walk", Owner: "o" },
      }),
    );
    assert.deepEqual(
      diagnostics(response).map((d: any) => d.policy),
      ["no-plaintext-secrets"],
    );
  });

  it("knows the stack's secret config from PULUMI_CONFIG and never echoes it", async () => {
    const response = await call(
      client,
      "analyze",
      analyzeRequest(InstalledFile.TYPE, "licence", {
        host: "mesh-global-cp",
        path: "/etc/kuma/license.json",
        mode: "0644",
        content: LICENCE,
      }),
    );
    const [found] = diagnostics(response);
    assert.equal(found.policy, "no-plaintext-secrets");
    assert.match(found.message, /the secret config cloud-migration-journey:meshLicense/);
    assert.ok(!found.message.includes("CANARY"));
  });

  it("analyzes the stack: an allow-all permission is blamed on its resource", async () => {
    const request = new analyzerPb.AnalyzeStackRequest();
    const allowAll = {
      type: "MeshTrafficPermission",
      mesh: "default",
      name: "allow-all",
      spec: { targetRef: { kind: "Mesh" }, from: [{ targetRef: { kind: "Mesh" }, default: { action: "Allow" } }] },
    };
    request.setResourcesList([
      stackResource("pulumi-nodejs:dynamic/kuma:Resource", "mesh", { resource: mesh() }),
      stackResource("pulumi-nodejs:dynamic/kuma:Resource", "allow-all", { resource: allowAll }),
    ]);
    const response: any = await call(client, "analyzeStack", request);
    const [d] = response.getDiagnosticsList();
    assert.equal(d.getPolicyname(), "kuma-no-allow-all-traffic");
    assert.equal(
      d.getUrn(),
      "urn:pulumi:walk::cloud-migration-journey::pulumi-nodejs:dynamic/kuma:Resource::allow-all",
    );
    assert.equal(response.getDiagnosticsList().length, 1);
  });
});
