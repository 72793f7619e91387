import * as assert from "node:assert/strict";
import { ControlPlanePki } from "../../components/controlPlanePki";
import { Host } from "../../components/host";
import { HostSoftware } from "../../components/hostSoftware";
import { OnPremZone, OnPremZoneArgs, ZoneHostPlacement } from "../../components/onPremZone";
import { DYNAMIC_PREFIX } from "../../offline/resourceTypes";
import {
  installedFiles,
  isSecret,
  pick,
  recordComponent,
  typesAndNames,
  unknownOutput,
  unwrapSecret,
} from "../support/components";

const SIMULATED: ZoneHostPlacement = {
  mode: "simulated",
  vpcId: "vpc-onprem",
  vpcCidr: "10.0.0.0/16",
  subnetId: "subnet-onprem-1",
  privateIp: "10.0.0.20",
  ami: { id: "ami-pinned", pinned: true },
  keyName: "onprem-key",
  instanceType: "t3.medium",
  peerCidr: "10.1.0.0/16",
};
const EXISTING: ZoneHostPlacement = {
  mode: "existing",
  address: "198.51.100.7",
  privateAddress: "192.168.1.7",
  sshUser: "ops",
};
const GLOBAL_API = { url: "https://203.0.113.40:5682", token: "global-admin-token" };
const ARGS: Omit<OnPremZoneArgs, "pki"> = {
  zone: "on-prem",
  placement: SIMULATED,
  sshPrivateKey: "ssh-key",
  adminCidrs: ["198.51.100.0/24"],
  global: { kdsAddress: "grpcs://10.1.0.10:5685", api: GLOBAL_API },
  images: { controlPlane: "kong/kuma-cp:2.13.0", dataplane: "kong/kuma-dp:2.13.0", postgres: "postgres:16.9" },
  tokenValidity: "720h",
  tags: { Project: "test" },
};

const record = (args: Partial<OnPremZoneArgs> = {}) =>
  recordComponent(
    OnPremZone,
    () => new OnPremZone("zone", { ...ARGS, pki: new ControlPlanePki("pki", { organization: "acme" }), ...args }),
    (z) => ({
      dpServerAddress: z.dpServerAddress,
      api: z.api,
      privateAddress: z.privateAddress,
      securityGroupId: z.securityGroupId,
    }),
  );

describe(`${OnPremZone.TYPE} alone`, () => {
  it("simulated: a host of its own, the zone's tokens, its store password, its software and admin token", async () => {
    const z = await record();
    assert.deepEqual(z.component.inputs, { zone: "on-prem", mode: "simulated" });
    assert.deepEqual(typesAndNames(z.children), [
      ["command:remote:Command", "zone-admin-token"],
      [`${DYNAMIC_PREFIX}kuma:ZoneToken`, "zone-cp-token"],
      ["random:index/randomPassword:RandomPassword", "zone-db-password"],
      [Host.TYPE, "zone-host"],
      [`${DYNAMIC_PREFIX}kuma:ZoneToken`, "zone-proxy-token"],
      [HostSoftware.TYPE, "zone-software"],
    ]);
    const eip = unknownOutput("zone-host-eip", "publicIp");
    assert.ok(isSecret(z.outputs.api), "the zone API carries its admin token");
    assert.deepEqual(unwrapSecret(z.outputs.api), {
      url: `https://${eip}:5682`,
      token: unknownOutput("zone-admin-token", "stdout"),
      caCertPem: unknownOutput("pki-ca", "certPem"),
    });
    assert.deepEqual(
      { ...z.outputs, api: undefined },
      {
        dpServerAddress: "https://10.0.0.20:5678",
        privateAddress: "10.0.0.20",
        securityGroupId: unknownOutput("zone-host-sg", "id"),
        api: undefined,
      },
    );
  });

  it("simulated: opens the API to the admins, the DP server to its VPC, the ingress to the peer", async () => {
    const z = await record();
    const rule = (name: string) => pick(z.resource(name), "fromPort", "cidrIpv4");
    assert.deepEqual(rule("zone-host-in-5682-1"), { fromPort: 5682, cidrIpv4: "198.51.100.0/24" });
    assert.deepEqual(rule("zone-host-in-5678-1"), { fromPort: 5678, cidrIpv4: "10.0.0.0/16" });
    const ingress = z.descendants.filter((r) => r.type.endsWith(":SecurityGroupIngressRule"));
    assert.ok(
      ingress.some((r) => r.inputs.cidrIpv4 === "10.1.0.0/16"),
      "other zones reach the zone ingress",
    );
    assert.ok(
      z.descendants.some((r) => r.type.endsWith(":SecurityGroupEgressRule") && r.inputs.cidrIpv4 === "10.1.0.0/16"),
    );
  });

  it("scopes one zone token to the CP and one to the ingress and egress, both from the global CP", async () => {
    const z = await record();
    assert.deepEqual(pick(z.resource("zone-cp-token"), "zone", "scope", "validFor"), {
      zone: "on-prem",
      scope: ["cp"],
      validFor: "720h",
    });
    assert.deepEqual(pick(z.resource("zone-proxy-token"), "zone", "scope"), {
      zone: "on-prem",
      scope: ["ingress", "egress"],
    });
    for (const token of ["zone-cp-token", "zone-proxy-token"])
      assert.deepEqual(unwrapSecret(z.resource(token).inputs.connection), GLOBAL_API);
  });

  it("lands every token, key and env file as a secret of mode 0600, and registers with the global CP's KDS", async () => {
    const installed = installedFiles(await record());
    const secrets = Object.entries(installed).filter(([path]) => /(token|\.key|\.env)$/.test(path));
    assert.equal(secrets.length, 6, secrets.map(([path]) => path).join(", "));
    for (const [path, file] of secrets) {
      assert.equal(file.mode, "0600", path);
      assert.ok(isSecret(file.content), path);
    }
    const env = unwrapSecret(installed["/etc/kuma/zone-cp/kuma-cp.env"].content) as string;
    assert.match(env, /^KUMA_MULTIZONE_ZONE_GLOBAL_ADDRESS=grpcs:\/\/10\.1\.0\.10:5685$/m);
    assert.match(env, /^KUMA_MULTIZONE_ZONE_NAME=on-prem$/m);
  });

  it("existing: creates no host and works over SSH to the configured one", async () => {
    const z = await record({ placement: EXISTING });
    assert.deepEqual(z.component.inputs, { zone: "on-prem", mode: "existing" });
    assert.ok(!z.descendants.some((r) => r.type === Host.TYPE || r.type.startsWith("aws:")));
    assert.equal(z.outputs.dpServerAddress, "https://192.168.1.7:5678");
    assert.equal(z.outputs.securityGroupId, undefined);
    const bootstrap = z.resource("zone-software-bootstrap").inputs.connection;
    assert.deepEqual(pick({ inputs: unwrapSecret(bootstrap) } as never, "host", "user"), {
      host: "198.51.100.7",
      user: "ops",
    });
    const csr = z.all.find((r) => r.name === "zone-tls-csr")!;
    assert.deepEqual(csr.inputs.ipAddresses, ["198.51.100.7", "192.168.1.7"]);
  });

  it("refuses a global KDS address that is not grpcs://<host>:<port>", async () => {
    await assert.rejects(
      record({ global: { kdsAddress: "https://10.1.0.10:5685", api: GLOBAL_API } }),
      /globalKdsAddress "https:\/\/10.1.0.10:5685" must be grpcs:\/\/<host>:<port>/,
    );
  });
});
