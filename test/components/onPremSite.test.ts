import * as assert from "node:assert/strict";
import { Host } from "../../components/host";
import { Network } from "../../components/network";
import { OnPremSite, OnPremSiteArgs } from "../../components/onPremSite";
import { SshKeyPair } from "../../components/sshKeyPair";
import { isSecret, pick, recordComponent, typesAndNames, unknownOutput, unwrapSecret } from "../support/components";

const SIMULATED = { mode: "simulated", vpcCidr: "10.0.0.0/23", instanceType: "t3.small", rootVolumeGiB: 20 };
const EXISTING = {
  mode: "existing",
  hosts: {
    gateway: { address: "198.51.100.10", privateAddress: "192.168.1.10", sshUser: "ops" },
    monolith: { address: "198.51.100.11", sshUser: "ops" },
  },
};
const ARGS = {
  adminCidrs: ["198.51.100.0/24"],
  clientCidrs: ["203.0.113.0/24"],
  monolithPort: 8080,
  amiId: "ami-pinned",
  tags: { Project: "test" },
};

const record = (onPrem: object, args: Partial<OnPremSiteArgs> = {}) =>
  recordComponent(
    OnPremSite,
    () => new OnPremSite("site", { ...ARGS, onPrem: onPrem as OnPremSiteArgs["onPrem"], ...args }),
    (s) => ({
      hosts: Object.fromEntries(
        Object.entries(s.hosts).map(([role, h]) => [
          role,
          { private: h.privateAddress, public: h.publicAddress, sg: h.securityGroupId },
        ]),
      ),
      sshPrivateKey: s.sshPrivateKey,
    }),
  );

describe(`${OnPremSite.TYPE} alone`, () => {
  it("simulated: a network, a key pair, and a host each for the gateway and the monolith", async () => {
    const s = await record(SIMULATED);
    assert.deepEqual(s.component.inputs, { mode: "simulated", roles: ["gateway", "monolith"] });
    assert.deepEqual(typesAndNames(s.children), [
      [Host.TYPE, "site-gateway"],
      [Host.TYPE, "site-monolith"],
      [Network.TYPE, "site-network"],
      [SshKeyPair.TYPE, "site-ssh"],
    ]);
    assert.deepEqual((s.outputs.hosts as Record<string, unknown>).gateway, {
      private: "10.0.0.10",
      public: unknownOutput("site-gateway-eip", "publicIp"),
      sg: unknownOutput("site-gateway-sg", "id"),
    });
    assert.equal(
      (s.outputs.hosts as Record<string, any>).monolith.private,
      "10.0.0.74",
      "second subnet, the address plan's offset",
    );
    assert.ok(isSecret(s.outputs.sshPrivateKey));
  });

  it("simulated: the gateway's proxy is open to the API consumers, the monolith's port to the gateway only", async () => {
    const s = await record(SIMULATED);
    const ingress = (host: string) =>
      s.descendants
        .filter(
          (r) =>
            r.type.endsWith(":SecurityGroupIngressRule") &&
            r.name.startsWith(`site-${host}-in-`) &&
            r.inputs.fromPort !== 22,
        )
        .map((r) => pick(r, "fromPort", "cidrIpv4", "referencedSecurityGroupId"));
    assert.deepEqual(ingress("gateway"), [
      { fromPort: 8000, cidrIpv4: "203.0.113.0/24", referencedSecurityGroupId: undefined },
      { fromPort: 8443, cidrIpv4: "203.0.113.0/24", referencedSecurityGroupId: undefined },
    ]);
    assert.deepEqual(ingress("monolith"), [
      { fromPort: 8080, cidrIpv4: undefined, referencedSecurityGroupId: unknownOutput("site-gateway-sg", "id") },
    ]);
  });

  it("existing: creates nothing and reaches the configured hosts over SSH with the secret key", async () => {
    const s = await record(EXISTING, { sshPrivateKey: "PRIVATE" });
    assert.deepEqual(s.children, []);
    assert.deepEqual(s.outputs.hosts, {
      gateway: { private: "192.168.1.10", public: "198.51.100.10" },
      monolith: { private: "198.51.100.11", public: "198.51.100.11" },
    });
    assert.equal(unwrapSecret(s.outputs.sshPrivateKey), "PRIVATE");
  });

  it("refuses existing hosts without the private key", async () => {
    await assert.rejects(record(EXISTING), { message: "onPrem.mode existing needs the secret onPremSshPrivateKey" });
  });
});
