import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { HostSoftware, HostSoftwareArgs, InstalledFile, serviceCommands } from "../../components/hostSoftware";
import { dockerHost } from "../../render/hosts";
import { renderBootstrapScript } from "../../render/cloudInit";
import { isSecret, recordComponent, typesAndNames, unknownOutput, unwrapSecret } from "../support/components";

const COMMAND = "command:remote:Command";
const ARGS: HostSoftwareArgs = {
  connection: { host: "203.0.113.10", user: "ubuntu", privateKey: "ssh-key" },
  host: "gateway",
  bootstrap: dockerHost("gateway"),
  files: [
    { path: "/etc/app/app.env", content: "A=1\n", mode: "0644" },
    { path: "/etc/app/tls.key", content: pulumi.secret("KEY"), mode: "0600", owner: "5678" },
  ],
  services: ["app.service", "helper.service"],
};

const record = (args: Partial<HostSoftwareArgs> = {}) =>
  recordComponent(
    HostSoftware,
    () => new HostSoftware("sw", { ...ARGS, ...args }),
    (s) => ({ servicesReady: s.servicesReady }),
  );

describe(`${HostSoftware.TYPE} alone`, () => {
  it("bootstraps, installs each file as its own component, then starts the services", async () => {
    const s = await record();
    assert.deepEqual(s.component.inputs, { host: "gateway", services: ARGS.services, bootstrap: ARGS.bootstrap });
    assert.deepEqual(typesAndNames(s.children), [
      [COMMAND, "sw-bootstrap"],
      [InstalledFile.TYPE, "sw-file-etc-app-app-env"],
      [InstalledFile.TYPE, "sw-file-etc-app-tls-key"],
      [COMMAND, "sw-services"],
    ]);
    const [bootstrap, env, key, services] = [
      "sw-bootstrap",
      "sw-file-etc-app-app-env",
      "sw-file-etc-app-tls-key",
      "sw-services",
    ].map(s.resource);
    assert.ok(s.waitsFor(env, bootstrap) && s.waitsFor(key, bootstrap), "files land after the bootstrap");
    assert.ok(s.waitsFor(services, env) && s.waitsFor(services, key), "services start after every file");
    assert.deepEqual(s.outputs, { servicesReady: unknownOutput("sw-services", "stdout") });
  });

  it("runs the bootstrap script as root over SSH stdin, then the downloads", async () => {
    const download = { url: "https://truststore.example.com/bundle.pem", path: "/etc/app/ca.pem" };
    const { resource } = await record({ downloads: [download] });
    const bootstrap = resource("sw-bootstrap").inputs;
    assert.equal(bootstrap.create, "sudo bash -s");
    const stdin = bootstrap.stdin as string;
    assert.ok(stdin.startsWith(renderBootstrapScript(ARGS.bootstrap)));
    assert.match(
      stdin,
      /curl --fail .*--proto =https .* -o \/etc\/app\/ca\.pem\.new https:\/\/truststore\.example\.com\/bundle\.pem/,
    );
  });

  it("sends file contents on stdin only, a secret one kept secret, with its mode and owner", async () => {
    const { resource } = await record();
    const key = resource("sw-file-etc-app-tls-key");
    assert.deepEqual(unwrapSecret(key.inputs.content), "KEY");
    assert.ok(isSecret(key.inputs.content), "the component shows the content as a secret");
    const install = resource("sw-file-etc-app-tls-key-install").inputs;
    assert.ok(isSecret(install.stdin));
    assert.equal(install.create, "sudo install -D -m 0600 -o 5678 -g 5678 /dev/stdin /etc/app/tls.key");
    assert.equal(install.delete, "sudo rm -f /etc/app/tls.key");
    assert.equal(install.logging, "none");
  });

  it("restarts the services in place when any file changes", async () => {
    const services = async (content: string) =>
      (await record({ files: [{ ...ARGS.files[0], content }] })).resource("sw-services").inputs;
    const before = await services("A=1\n");
    assert.deepEqual(
      { ...before, triggers: undefined, connection: undefined },
      {
        ...serviceCommands(ARGS.services),
        logging: "stdoutAndStderr",
        triggers: undefined,
        connection: undefined,
      },
    );
    assert.deepEqual(await services("A=1\n"), before, "same files, same triggers");
    assert.notDeepEqual((await services("A=2\n")).triggers, before.triggers);
  });

  it("refuses a download that is not plain HTTPS or not to an absolute path", async () => {
    await assert.rejects(record({ downloads: [{ url: "http://example.com/ca.pem", path: "/etc/ca.pem" }] }), {
      message: /download "http:\/\/example.com\/ca.pem" must be a plain https URL/,
    });
    await assert.rejects(record({ downloads: [{ url: "https://example.com/ca.pem", path: "etc/ca.pem" }] }), {
      message: /download path "etc\/ca.pem" must be an absolute path/,
    });
  });
});
