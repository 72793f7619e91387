import * as assert from "node:assert/strict";
import { HostSoftware, InstalledFile } from "../../components/hostSoftware";
import { Monolith, MonolithArgs } from "../../components/monolith";
import { dockerHost } from "../../render/hosts";
import { recordComponent, typesAndNames } from "../support/components";

const ARGS: MonolithArgs = {
  connection: { host: "203.0.113.10", user: "ubuntu", privateKey: "ssh-key" },
  privateAddress: "10.0.1.10",
  image: "registry.example.com/card-monolith:1.0.0",
  port: 8080,
  basePath: "/card",
};

const record = (args: Partial<MonolithArgs> = {}) =>
  recordComponent(
    Monolith,
    () => new Monolith("app", { ...ARGS, ...args }),
    (m) => ({ upstreamUrl: m.upstreamUrl }),
  );

describe(`${Monolith.TYPE} alone`, () => {
  it("is one container under systemd on its host, installed by one HostSoftware", async () => {
    const m = await record();
    assert.deepEqual(m.component.inputs, { image: ARGS.image, port: 8080 });
    assert.deepEqual(typesAndNames(m.children), [[HostSoftware.TYPE, "app-software"]]);
    const software = m.children[0];
    assert.deepEqual(software.inputs, {
      host: "monolith",
      services: ["monolith.service"],
      bootstrap: dockerHost("monolith"),
    });
    const units = m.descendants.filter((r) => r.type === InstalledFile.TYPE);
    assert.deepEqual(
      units.map((u) => u.inputs.path),
      ["/etc/systemd/system/monolith.service"],
    );
  });

  it("publishes the configured port on the container's 8080 and runs the given image", async () => {
    const m = await record({ port: 9090, image: "registry.example.com/card-monolith:2.0.0" });
    const unit = m.descendants.find((r) => r.type === InstalledFile.TYPE)!.inputs.content as string;
    assert.match(unit, /--publish 9090:8080 /);
    assert.match(unit, /docker run .* registry\.example\.com\/card-monolith:2\.0\.0\n/);
    assert.match(unit, /^Restart=always$/m);
  });

  it("tells the gateway where it listens: private address, port and base path", async () => {
    const m = await record();
    assert.deepEqual(m.outputs, { upstreamUrl: "http://10.0.1.10:8080/card" });
  });

  it("refuses a base path without its leading / (config refuses it too; this is the component's own contract)", async () => {
    await assert.rejects(record({ basePath: "card" }), {
      message:
        'Monolith app: basePath is "card": must start with "/" (it follows the port in http://<address>:<port><basePath>)',
    });
  });
});
