import * as assert from "node:assert/strict";
import { HostSoftware } from "../../components/hostSoftware";
import { MeshSidecar, MeshSidecarArgs } from "../../components/meshSidecar";
import { PROJECT } from "../../config/schema";
import { toYaml } from "../../lib/yaml";
import { DYNAMIC_PREFIX } from "../../offline/resourceTypes";
import { Dataplane, gatewayDataplane, monolithDataplane } from "../../render/kuma";
import { dockerHost } from "../../render/hosts";
import {
  installedFiles,
  isSecret,
  pick,
  recordComponent,
  typesAndNames,
  unknownOutput,
  unwrapSecret,
} from "../support/components";

const DIR = "/etc/kuma/dataplane";
const ZONE_API = { url: "https://10.0.1.5:5682", token: "zone-admin-token" };
const ARGS: MeshSidecarArgs = {
  host: "monolith",
  connection: { host: "203.0.113.10", user: "ubuntu", privateKey: "ssh-key" },
  dataplane: monolithDataplane({ name: "monolith-1", address: "10.0.1.10" }),
  zone: { dpServerAddress: "https://10.0.1.5:5678", api: ZONE_API },
  caCertPem: "CA PEM",
  image: "kong/kuma-dp:2.13.0",
  tokenValidity: "720h",
};

const record = (args: Partial<MeshSidecarArgs> = {}) =>
  recordComponent(MeshSidecar, () => new MeshSidecar("sidecar", { ...ARGS, ...args }));

describe(`${MeshSidecar.TYPE} alone`, () => {
  it("is a dataplane token and kuma-dp installed on the host", async () => {
    const s = await record();
    assert.deepEqual(s.component.inputs, { host: "monolith" });
    assert.deepEqual(typesAndNames(s.children), [
      [HostSoftware.TYPE, "sidecar-software"],
      [`${DYNAMIC_PREFIX}kuma:DataplaneToken`, "sidecar-token"],
    ]);
    assert.deepEqual(s.resource("sidecar-software").inputs, {
      host: "monolith",
      services: ["kuma-dp.service"],
      bootstrap: dockerHost("monolith"),
    });
  });

  it("opens a simulated host's group on the inbound port: the rule under the sidecar, aliased to its URN at the stack's top (where it was: no replacement)", async () => {
    const inbound = { securityGroupId: "sg-monolith", port: 5000, fromCidr: "10.0.0.0/16", tags: { Project: "test" } };
    const s = await record({ inbound });
    const type = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
    assert.deepEqual(typesAndNames(s.children), [
      [type, "sidecar-in-mesh"],
      [HostSoftware.TYPE, "sidecar-software"],
      [`${DYNAMIC_PREFIX}kuma:DataplaneToken`, "sidecar-token"],
    ]);
    const rule = s.resource("sidecar-in-mesh");
    assert.equal(rule.urn, `urn:pulumi:test::${PROJECT}::${MeshSidecar.TYPE}$${type}::sidecar-in-mesh`);
    assert.deepEqual(rule.aliases, [`urn:pulumi:test::${PROJECT}::pulumi:pulumi:Stack$${type}::sidecar-in-mesh`]);
    assert.deepEqual(pick(rule, "securityGroupId", "ipProtocol", "fromPort", "toPort", "cidrIpv4"), {
      securityGroupId: "sg-monolith",
      ipProtocol: "tcp",
      fromPort: 5000,
      toPort: 5000,
      cidrIpv4: "10.0.0.0/16",
    });
    const named = await recordComponent(
      MeshSidecar,
      () => new MeshSidecar("kmj-monolith-sidecar", { ...ARGS, inbound }),
    );
    assert.ok(named.resource("kmj-monolith-in-mesh"), "named after the host, as before the sidecar owned it");
  });

  it("asks the zone for a token bound to the dataplane's mesh, name and service", async () => {
    const token = (await record()).resource("sidecar-token");
    assert.deepEqual(pick(token, "mesh", "name", "tags", "validFor"), {
      mesh: "default",
      name: "monolith-1",
      tags: { "kuma.io/service": ["monolith"] },
      validFor: "720h",
    });
    assert.ok(isSecret(token.inputs.connection));
    assert.deepEqual(unwrapSecret(token.inputs.connection), ZONE_API);
  });

  it("binds a gateway's token to the gateway's service", async () => {
    const dataplane = gatewayDataplane({ name: "kong-gateway-1", address: "10.0.1.20" });
    const token = (await record({ host: "gateway", dataplane })).resource("sidecar-token");
    assert.deepEqual(token.inputs.tags, { "kuma.io/service": [dataplane.networking.gateway!.tags["kuma.io/service"]] });
  });

  it("lands the Dataplane, the secret token (kuma's, 0600), the CA and a unit that dials the zone", async () => {
    const installed = installedFiles(await record());
    const dataplane = installed[`${DIR}/dataplane.yaml`];
    assert.deepEqual([dataplane.content, dataplane.kumaResource], [toYaml(ARGS.dataplane as Dataplane), true]);
    const token = installed[`${DIR}/token`];
    assert.deepEqual(
      [token.mode, token.owner, unwrapSecret(token.content)],
      ["0600", "5678", unknownOutput("sidecar-token", "token")],
    );
    assert.ok(isSecret(token.content));
    assert.equal(installed[`${DIR}/ca.crt`].content, "CA PEM");
    assert.match(
      installed["/etc/systemd/system/kuma-dp.service"].content as string,
      /--cp-address=https:\/\/10\.0\.1\.5:5678 /,
    );
  });

  it("refuses a Dataplane without a service, and a zone address that is not https://<host>:<port>", async () => {
    const bare = { ...(ARGS.dataplane as Dataplane), networking: { address: "10.0.1.10" } } as Dataplane;
    await assert.rejects(
      record({ dataplane: bare }),
      /Dataplane monolith-1 has neither an inbound nor a gateway service tag/,
    );
    await assert.rejects(
      record({ zone: { ...ARGS.zone, dpServerAddress: "http://10.0.1.5:5678" } }),
      /cpAddress "http:\/\/10.0.1.5:5678" must be https:\/\/<zone CP>:<port>/,
    );
  });
});
