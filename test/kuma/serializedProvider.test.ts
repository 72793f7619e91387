import { strict as assert } from "assert";
import * as path from "path";
import { KumaDataplaneToken, KumaResource, KumaZoneToken } from "../../providers/kuma/resources";
import { mesh, meshHttpRoute } from "../../render/kuma";
import { KumaServer, startKumaServer } from "../support/kumaServer";
import { describeWithUpstream } from "../support/upstream";
import { disputes } from "./fixtures";
import { recordProgram } from "../../offline/evaluator";
import { runInPlainNode } from "../support/plainNode";

const PROJECT_DIR = path.resolve(__dirname, "..", "..");

/**
 * What the pulumi-nodejs dynamic provider host does with a serialised provider
 * (cmd/dynamic-provider: `requireFromString(text).handler()`, from the program's directory), then
 * a Kuma resource's whole life and two tokens. Plain Node: no ts-node, no module of this repository.
 */
const PROVIDER_HOST = String.raw`
const path = require("path");
// The copy @pulumi/pulumi's provider host uses, wherever npm put it.
const requireFromString = require(require.resolve("require-from-string", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] }));
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => run(JSON.parse(input)).then(
  (result) => process.stdout.write(JSON.stringify(result), () => process.exit(0)),
  (err) => { process.stderr.write(String((err && err.stack) || err)); process.exit(1); },
));

async function run({ texts, connection, meshResource, route, reroute, projectDir }) {
  const [resources, zoneTokens, dataplaneTokens] = texts.map((text) => requireFromString(text).handler());
  await resources.create({ connection, resource: meshResource });
  const created = await resources.create({ connection, resource: route });
  const read = await resources.read(created.id, created.outs);
  const diff = await resources.diff(created.id, read.props, { connection, resource: reroute });
  await resources.update(created.id, read.props, { connection, resource: reroute });
  const reread = await resources.read(created.id, created.outs);
  await resources.delete(created.id, created.outs);
  const afterDelete = await resources.read(created.id, created.outs);
  const zoneToken = await zoneTokens.create({ connection, zone: "on-prem", scope: ["ingress", "egress"], validFor: "720h", rotation: "" });
  const dataplaneToken = await dataplaneTokens.create({ connection, mesh: "default", name: "monolith-1", tags: { "kuma.io/service": ["monolith"] }, validFor: "720h", rotation: "" });
  return {
    id: created.id, read: read.props.resource, diff, reread: reread.props.resource, afterDelete,
    tokens: [zoneToken.outs.token, dataplaneToken.outs.token],
    tsNode: Boolean(require.extensions[".ts"]),
    loadedFromRepo: Object.keys(require.cache).filter((file) => file.startsWith(projectDir) && !file.includes("node_modules")),
  };
}
`;

function runProviderHost(payload: unknown): Promise<any> {
  return runInPlainNode(PROVIDER_HOST, payload, PROJECT_DIR);
}

describeWithUpstream("Kuma providers survive Pulumi's serialisation", function () {
  this.timeout(20_000);
  let server: KumaServer;

  before(async () => {
    server = await startKumaServer();
  });
  after(async () => {
    await server.close();
  });

  it("serialised by Pulumi (runtime.serializeFunction), they create, read, update and delete in another process", async () => {
    // The texts Pulumi registers for the three resource classes (dynamic.Resource serialises each
    // provider with runtime.serializeFunction, once per process).
    const connection = { url: server.url, token: server.adminToken };
    const { resources: registrations } = await recordProgram(
      () => {
        new KumaResource("serialised-route", { connection, resource: meshHttpRoute(disputes(10)) });
        new KumaZoneToken("serialised-zone-token", { connection, zone: "on-prem", scope: ["ingress"], validFor: "1h" });
        new KumaDataplaneToken("serialised-dp-token", { connection, mesh: "default", tags: {}, validFor: "1h" });
      },
      { serializeDynamicProviders: true },
    );
    const texts = ["Resource", "ZoneToken", "DataplaneToken"].map((kind) => {
      const text = String(
        registrations.find((r) => r.type === `pulumi-nodejs:dynamic/kuma:${kind}`)?.inputs.__provider,
      );
      assert.ok(text.startsWith("exports.handler") || text.includes("handler"), kind);
      assert.ok(!text.includes(server.adminToken), "no credential is captured in the provider");
      return text as string;
    });

    const route = meshHttpRoute(disputes(10));
    const reroute = meshHttpRoute(disputes(50));
    const result = await runProviderHost({
      texts,
      connection,
      meshResource: mesh(),
      route,
      reroute,
      projectDir: PROJECT_DIR,
    });

    assert.equal(result.tsNode, false, "ran without ts-node");
    assert.deepEqual(
      result.loadedFromRepo,
      [],
      "loaded nothing from the repository: the provider text is self-contained",
    );
    assert.equal(result.id, "/meshes/default/meshhttproutes/disputes");
    assert.deepEqual(result.read, route);
    assert.deepEqual(result.diff, { changes: true, replaces: [], deleteBeforeReplace: false });
    assert.deepEqual(result.reread, reroute);
    assert.deepEqual(result.afterDelete, {});
    assert.deepEqual(
      result.tokens,
      server.tokens.map((t) => t.token),
    );
    assert.deepEqual(server.paths(), ["/meshes/default"]);
    assert.deepEqual(server.violations, []);
  });
});
