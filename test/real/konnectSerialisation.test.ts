// Runs in `npm run test:real`, not `npm test` (moved from test/konnect/): pulumi.runtime.serializeFunction
// walks each provider's closure (about 3 s of CPU) and a second Node process runs the result.
// test/real/konnect.test.ts has the real engine do the same (the SDK serialises the providers, the
// real dynamic-provider plugin runs them) and finds the token in no state file; this file keeps the
// exact checks of the serialised text and of the provider host's create/read/delete.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { recordProgram } from "../../offline/evaluator";
import { controlPlaneProvider } from "../../providers/konnect/providers";
import {
  KonnectControlPlane,
  KonnectDataPlaneCertificate,
  KonnectGatewayService,
  KonnectRoute,
} from "../../providers/konnect/resources";
import { describeWithUpstream } from "../support/upstream";
import { KONNECT_PROVIDERS, TOKEN, configureProviders, stackConfig, useKonnectServer } from "../konnect/fixtures";
import { runInPlainNode } from "../support/plainNode";
import { unknownOutput } from "../support/components";

const PROJECT_DIR = path.resolve(__dirname, "..", "..");
const PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCATmgAwIBAgIUKong\n-----END CERTIFICATE-----\n";

/**
 * What Pulumi's dynamic-provider host does with a serialised provider (cmd/dynamic-provider:
 * `requireFromString(text).handler()`, then `configure`), followed by a create/read/delete of each
 * kind. Plain JavaScript in a fresh Node process: no ts-node, no module of this repository loaded.
 */
const PROVIDER_HOST = String.raw`
const Module = require("module");
const path = require("path");
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => run(JSON.parse(input)).then(
  (result) => process.stdout.write(JSON.stringify(result)),
  (err) => { process.stderr.write(String(err && err.stack || err)); process.exit(1); },
));

function load(projectDir, name, text) {
  const filename = path.join(projectDir, "__serialised_" + name + ".js");
  const m = new Module(filename, module);
  m.filename = filename;
  m.paths = Module._nodeModulePaths(projectDir);
  m._compile(text, filename);
  return m.exports.handler();
}

async function run({ projectDir, texts, token, baseUrl, cert }) {
  const [controlPlanes, certificates, services, routes] = texts.map((text, i) => load(projectDir, String(i), text));
  const config = { get: (key) => (key === "cloud-migration-journey:konnectToken" ? token : undefined), require: (key) => { throw new Error(key); } };
  for (const provider of [controlPlanes, certificates, services, routes]) await provider.configure({ config });
  const at = { region: "us", baseUrl };

  const cp = await controlPlanes.create({ name: "serialised-cp", ...at });
  const pinned = await certificates.create({ controlPlaneId: cp.id, cert, ...at });
  const service = await services.create({ controlPlaneId: cp.id, name: "monolith", protocol: "http", host: "10.0.0.5", port: 8080, ...at });
  const route = await routes.create({ controlPlaneId: cp.id, serviceId: service.id, name: "monolith", paths: ["/monolith"], ...at });
  const reads = [
    await controlPlanes.read(cp.id, cp.outs),
    await certificates.read(pinned.id, pinned.outs),
    await services.read(service.id, service.outs),
    await routes.read(route.id, route.outs),
  ];
  await routes.delete(route.id, route.outs);
  await services.delete(service.id, service.outs);
  await certificates.delete(pinned.id, pinned.outs);
  await controlPlanes.delete(cp.id, cp.outs);
  const afterDelete = await controlPlanes.read(cp.id, cp.outs);
  const loadedFromRepo = Object.keys(require.cache).filter((file) => file.startsWith(projectDir) && !file.includes("node_modules"));
  return { created: [cp, pinned, service, route], reads, afterDelete, loadedFromRepo, tsNode: Boolean(require.extensions[".ts"]) };
}
`;

function runProviderHost(payload: unknown): Promise<any> {
  return runInPlainNode(PROVIDER_HOST, payload, PROJECT_DIR);
}

describeWithUpstream("Konnect providers survive Pulumi's serialisation", () => {
  const server = useKonnectServer();

  it("serialised with pulumi.runtime.serializeFunction, they run create/read/delete in another process", async () => {
    // Configured here first, as a test or a careless program might: the token must still stay out of the text.
    await configureProviders();
    // What pulumi.dynamic.Resource does: the module exports `handler = () => provider`.
    const texts: string[] = [];
    for (const provider of KONNECT_PROVIDERS) {
      const serialised = await pulumi.runtime.serializeFunction(() => provider, {
        isFactoryFunction: false,
        allowSecrets: true,
      });
      assert.ok(!serialised.text.includes(TOKEN), "the token is not in the serialised provider");
      assert.equal(serialised.containsSecrets, false);
      assert.doesNotMatch(serialised.text, /require\("\.{1,2}\//, "no require of a repository module");
      texts.push(serialised.text);
    }

    const result = await runProviderHost({
      projectDir: PROJECT_DIR,
      texts,
      token: TOKEN,
      baseUrl: server().baseUrl,
      cert: PEM,
    });

    assert.deepEqual(result.loadedFromRepo, []);
    assert.equal(result.tsNode, false);
    const [cp, pinned, service, route] = result.created;
    assert.match(cp.outs.controlPlaneEndpoint, /^https:\/\/\w+\.us\.cp\.konghq\.com$/);
    assert.equal(pinned.outs.certificateId, pinned.id);
    assert.equal(service.outs.serviceId, service.id);
    assert.equal(route.outs.serviceId, service.id);
    assert.deepEqual(
      result.reads.map((r: { id: string }) => r.id),
      [cp.id, pinned.id, service.id, route.id],
    );
    assert.deepEqual(result.afterDelete, {});
    assert.deepEqual(
      [server().controlPlanes.size, server().certificates.size, server().services.size, server().routes.size],
      [0, 0, 0, 0],
    );
    assert.deepEqual(
      server().requests.map((r) => r.method),
      ["POST", "POST", "POST", "POST", "GET", "GET", "GET", "GET", "DELETE", "DELETE", "DELETE", "DELETE", "GET"],
    );
  });
});

describe("Konnect resources", () => {
  it("register as pulumi-nodejs:dynamic/konnect:* with the token nowhere in their inputs", async () => {
    // As in a program's process after a test configured them: nothing of that may reach the resources.
    await controlPlaneProvider.configure(stackConfig());
    const region = "eu" as const;
    const { resources } = await recordProgram(
      () => {
        const cp = new KonnectControlPlane("cp", { name: "crawl-cp", region, adoptExisting: true });
        new KonnectDataPlaneCertificate("cert", { controlPlaneId: cp.controlPlaneId, cert: PEM, region });
        const service = new KonnectGatewayService("svc", {
          controlPlaneId: cp.controlPlaneId,
          name: "monolith",
          protocol: "http",
          host: "10.0.0.5",
          port: 8080,
          region,
        });
        new KonnectRoute("route", {
          controlPlaneId: cp.controlPlaneId,
          serviceId: service.serviceId,
          name: "monolith",
          paths: ["/monolith"],
          region,
        });
      },
      { serializeDynamicProviders: true },
    );
    const registered = resources.filter((r) => r.custom);

    assert.deepEqual(registered.map((r) => r.type).sort(), [
      "pulumi-nodejs:dynamic/konnect:ControlPlane",
      "pulumi-nodejs:dynamic/konnect:DataPlaneCertificate",
      "pulumi-nodejs:dynamic/konnect:GatewayService",
      "pulumi-nodejs:dynamic/konnect:Route",
    ]);
    for (const { inputs } of registered) {
      assert.equal(typeof inputs.__provider, "string");
      assert.ok(!JSON.stringify(inputs).includes(TOKEN));
    }
    const routeInputs = registered.find((r) => r.type.endsWith(":Route"))!.inputs;
    assert.equal(
      routeInputs.controlPlaneId,
      unknownOutput("cp", "id"),
      "a parent's id arrives as its resource id, so Pulumi orders the two and knows it in a preview of an update",
    );
    assert.equal(routeInputs.serviceId, unknownOutput("svc", "id"));
  });
});
