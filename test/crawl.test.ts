import { strict as assert } from "assert";
import * as YAML from "yaml";
import { cidrContains, isAnywhere } from "../lib/cidr";
import { PhaseEvaluation, RecordedResource } from "../offline/evaluator";
import { isUnknownPlaceholder } from "../offline/mocks";
import { findSecretMaterial } from "../render/secretMaterial";
import { CANARY, evaluateJourney, isSecret, named, ofType, unwrapSecret } from "./support/journey";
import { InstalledFile } from "../components/hostSoftware";
import { unknownOutput } from "./support/components";

const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const INSTANCE = "aws:ec2/instance:Instance";
const TAGGABLE = /^aws:(ec2|vpc|rds|eks|iam|elasticloadbalancingv2)\//;

function rulesOf(crawl: PhaseEvaluation, role: string): Array<Record<string, any>> {
  const group = named(crawl.resources, `kmj-onprem-${role}-sg`);
  return ofType(crawl.resources, INGRESS)
    .filter((r) => r.inputs.securityGroupId === unknownOutput(group.name, "id"))
    .map((r) => r.inputs);
}

describe("crawl phase (offline, under the shared mocks)", () => {
  let crawl: PhaseEvaluation;
  before(async () => {
    crawl = (await evaluateJourney("crawl")).crawl;
  });

  it("declares the on-prem baseline: network in 2 AZs, two hosts, Konnect, the monolith route", () => {
    const subnets = ofType(crawl.resources, "aws:ec2/subnet:Subnet");
    assert.equal(subnets.length, 2);
    assert.deepEqual(subnets.map((s) => s.inputs.availabilityZone).sort(), ["us-west-2a", "us-west-2b"]);
    assert.ok(subnets.every((s) => cidrContains("10.0.0.0/23", s.inputs.cidrBlock as string)));
    assert.equal(ofType(crawl.resources, INSTANCE).length, 2);
    assert.equal(ofType(crawl.resources, "aws:ec2/internetGateway:InternetGateway").length, 1);
    for (const t of ["ControlPlane", "DataPlaneCertificate", "GatewayService", "Route"]) {
      assert.equal(ofType(crawl.resources, `pulumi-nodejs:dynamic/konnect:${t}`).length, 1, t);
    }
  });

  it("puts the two hosts in different availability zones, at planned private addresses", () => {
    const instances = ofType(crawl.resources, INSTANCE);
    const subnetOf = (i: RecordedResource) => String(i.inputs.subnetId);
    assert.notEqual(subnetOf(instances[0]), subnetOf(instances[1]));
    assert.deepEqual(instances.map((i) => i.inputs.privateIp).sort(), ["10.0.0.10", "10.0.0.74"]);
  });

  describe("security invariants over the whole graph", () => {
    it("SSH only from adminCidrs", () => {
      const ssh = ofType(crawl.resources, INGRESS).filter((r) => r.inputs.fromPort === 22);
      assert.equal(ssh.length, 2);
      for (const rule of ssh) assert.equal(rule.inputs.cidrIpv4, "203.0.113.0/24");
    });

    it("no rule opens anything but the gateway proxy to the internet", () => {
      for (const rule of ofType(crawl.resources, INGRESS)) {
        if (rule.inputs.cidrIpv4 && isAnywhere(rule.inputs.cidrIpv4 as string))
          assert.ok([8000, 8443].includes(rule.inputs.fromPort as number), rule.name);
      }
    });

    it("gateway proxy 8000/8443 only from clientCidrs", () => {
      const proxy = rulesOf(crawl, "gateway").filter((r) => r.fromPort !== 22);
      assert.deepEqual(proxy.map((r) => [r.fromPort, r.toPort, r.cidrIpv4]).sort(), [
        [8000, 8000, "0.0.0.0/0"],
        [8443, 8443, "0.0.0.0/0"],
      ]);
    });

    it("monolith 8080 only from the gateway's security group", () => {
      const app = rulesOf(crawl, "monolith").filter((r) => r.fromPort === 8080);
      assert.equal(app.length, 1);
      assert.equal(app[0].referencedSecurityGroupId, unknownOutput("kmj-onprem-gateway-sg", "id"));
      assert.equal(app[0].cidrIpv4, undefined);
    });

    it("one security group per role", () => {
      assert.deepEqual(
        ofType(crawl.resources, SG)
          .map((g) => g.inputs.tags && (g.inputs.tags as any).Role)
          .sort(),
        ["gateway", "monolith"],
      );
      for (const i of ofType(crawl.resources, INSTANCE))
        assert.equal((i.inputs.vpcSecurityGroupIds as string[]).length, 1);
    });

    it("IMDSv2 required, encrypted gp3 root volumes, Canonical's Ubuntu image", () => {
      for (const i of ofType(crawl.resources, INSTANCE)) {
        assert.equal((i.inputs.metadataOptions as any).httpTokens, "required");
        assert.equal((i.inputs.rootBlockDevice as any).encrypted, true);
        assert.equal((i.inputs.rootBlockDevice as any).volumeType, "gp3");
        assert.equal(i.inputs.ami, unknownOutput("ubuntu-ami", "id"));
      }
    });

    it("every taggable AWS resource carries the project, phase and owner tags", () => {
      for (const r of crawl.resources.filter(
        (x) => TAGGABLE.test(x.type) && !/RouteTableAssociation|ec2\/route:Route/.test(x.type),
      )) {
        const tags = r.inputs.tags as Record<string, string>;
        assert.ok(tags, `${r.type} ${r.name} has no tags`);
        assert.deepEqual(
          [tags.Project, tags.Phase, tags.Owner],
          ["cloud-migration-journey", "crawl", "platform-team"],
          r.name,
        );
      }
    });

    it("no secret in plaintext: user-data, commands, file contents and outputs", () => {
      for (const r of crawl.resources) {
        const plain = JSON.stringify(r.inputs, (_k, v) => (isSecret(v) ? "[secret]" : v));
        assert.equal(findSecretMaterial(plain), undefined, `${r.type} ${r.name}`);
        assert.ok(!plain.includes(CANARY.konnectToken), `${r.name} carries the Konnect token`);
      }
      const outputs = JSON.stringify(crawl.outputs, (_k, v) => (isSecret(v) ? "[secret]" : v));
      assert.ok(!outputs.includes(CANARY.konnectToken));
    });

    it("the SSH private key and the cluster key exist only as secrets", () => {
      assert.ok(isSecret(crawl.outputs.sshPrivateKey), "sshPrivateKey output must be secret");
      const key = ofType(crawl.resources, InstalledFile.TYPE).find(
        (f) => f.inputs.path === "/etc/kong/cluster/tls.key",
      )!;
      assert.ok(isSecret(key.inputs.content), "cluster key content must be secret");
      assert.equal(key.inputs.mode, "0600");
    });

    it("the Konnect token is in no resource input (the provider reads it from secret config)", () => {
      for (const r of ofType(crawl.resources, "pulumi-nodejs:dynamic/konnect:ControlPlane")) {
        assert.ok(!("token" in r.inputs));
      }
    });
  });

  describe("software on the hosts", () => {
    it("the monolith runs under systemd from a pinned image, restart always", () => {
      const unit = ofType(crawl.resources, InstalledFile.TYPE).find(
        (f) => f.inputs.path === "/etc/systemd/system/monolith.service",
      )!;
      assert.match(
        String(unit.inputs.content),
        /registry\.invalid\/mirror-of\/djfreese\/monolith:offline/,
        "the offline stand-in for the image the stack file leaves to mirror",
      );
      assert.match(String(unit.inputs.content), /^Restart=always$/m);
      assert.match(String(unit.inputs.content), /--publish 8080:8080/);
    });

    it("the gateway runs Kong in the data-plane role with the pinned version", () => {
      const unit = ofType(crawl.resources, InstalledFile.TYPE).find(
        (f) => f.inputs.path === "/etc/systemd/system/kong-gateway.service",
      )!;
      assert.match(String(unit.inputs.content), /docker\.io\/kong\/kong-gateway:3\.14\.0\.13/);
      assert.match(String(unit.inputs.content), /--network host/);
      const env = String(
        ofType(crawl.resources, InstalledFile.TYPE).find((f) => f.inputs.path === "/etc/kong/kong.env")!.inputs.content,
      );
      assert.match(env, /^KONG_ROLE=data_plane$/m);
      assert.match(
        env,
        /^KONG_CLUSTER_CONTROL_PLANE=\[unknown\.kmj-gateway-control-plane\.controlPlaneEndpoint\]:443$/m,
      );
    });

    it("secret files travel on stdin, never on a command line", () => {
      for (const c of ofType(crawl.resources, "command:remote:Command")) {
        assert.ok(!String(c.inputs.create).includes("BEGIN"), c.name);
        if (/tls-key-install$/.test(c.name)) {
          assert.ok(isSecret(c.inputs.stdin), "key stdin is secret");
          assert.match(
            String(c.inputs.create),
            /install -D -m 0600 -o root -g root \/dev\/stdin \/etc\/kong\/cluster\/tls\.key/,
          );
          assert.equal(c.inputs.logging, "none");
        }
      }
    });

    it("cloud-init user-data is valid YAML and carries no secret", () => {
      for (const i of ofType(crawl.resources, INSTANCE)) {
        const userData = String(i.inputs.userData);
        assert.ok(YAML.parse(userData).packages.includes("docker.io"));
        assert.equal(findSecretMaterial(userData), undefined);
      }
    });
  });

  describe("Konnect objects", () => {
    it("a hybrid control plane with pinned client certificates", () => {
      const cp = ofType(crawl.resources, "pulumi-nodejs:dynamic/konnect:ControlPlane")[0];
      assert.equal(cp.inputs.name, "kmj-migration");
      assert.equal(cp.inputs.region, "us");
      assert.equal(cp.inputs.adoptExisting, false);
    });

    it("gateway service monolith -> http://<monolith private IP>:8080/monolith/resources/ and route /onprem", () => {
      const service = ofType(crawl.resources, "pulumi-nodejs:dynamic/konnect:GatewayService")[0].inputs;
      assert.deepEqual(
        [service.name, service.protocol, service.host, service.port, service.path],
        ["monolith", "http", "10.0.0.74", 8080, "/monolith/resources/"],
      );
      const route = ofType(crawl.resources, "pulumi-nodejs:dynamic/konnect:Route")[0].inputs;
      assert.deepEqual(route.paths, ["/onprem"]);
      assert.equal(route.serviceId, unknownOutput("kmj-onprem-route-service", "id"));
      assert.equal(route.stripPath, true);
    });

    it("orders Konnect objects: control plane, certificate, service, route (reversed on destroy)", () => {
      const konnect = (t: string) => ofType(crawl.resources, `pulumi-nodejs:dynamic/konnect:${t}`)[0];
      assert.ok(konnect("DataPlaneCertificate").dependencies.includes(konnect("ControlPlane").urn));
      assert.ok(konnect("GatewayService").dependencies.includes(konnect("DataPlaneCertificate").urn));
      assert.ok(konnect("Route").dependencies.includes(konnect("GatewayService").urn));
    });

    it("pins the certificate the gateway presents", () => {
      const pin = ofType(crawl.resources, "pulumi-nodejs:dynamic/konnect:DataPlaneCertificate")[0].inputs;
      assert.equal(pin.cert, unknownOutput("kmj-gateway-cluster-cert", "certPem"));
      assert.equal(pin.controlPlaneId, unknownOutput("kmj-gateway-control-plane", "id"));
    });
  });

  describe("outputs per the contract", () => {
    it("exports network, hosts, Konnect endpoints, proxy URL and smoke checks", () => {
      const o = crawl.outputs as Record<string, any>;
      assert.equal(o.phase, "crawl");
      assert.equal(o.network.vpcCidr, "10.0.0.0/23");
      assert.equal(o.hosts.monolith.privateAddress, "10.0.0.74");
      assert.ok(isUnknownPlaceholder(o.hosts.gateway.publicAddress));
      assert.ok(isUnknownPlaceholder(o.konnect.controlPlaneEndpoint));
      assert.equal(o.monolithUrl, "http://10.0.0.74:8080/monolith/resources/");
      assert.equal(o.gatewayProxyUrl, `http://${unknownOutput("kmj-onprem-gateway-eip", "publicIp")}:8000`);
    });

    it("smoke checks are the anchor's five GETs on /onprem, all 200", () => {
      const checks = (crawl.outputs as any).smokeChecks as Array<{ url: string; expectStatus: number; method: string }>;
      assert.deepEqual(
        checks.map((c) => c.url.replace(/^.*:8000/, "")),
        [
          "/onprem/card/1",
          "/onprem/card/balance/1",
          "/onprem/card/balance/1/charges",
          "/onprem/card/payment",
          "/onprem/card/dispute",
        ],
      );
      assert.ok(checks.every((c) => c.expectStatus === 200 && c.method === "GET"));
    });
  });

  describe("onPrem.mode existing", () => {
    let existing: PhaseEvaluation;
    before(async () => {
      existing = (
        await evaluateJourney("crawl", {
          config: {
            crawl: {
              onPrem: {
                mode: "existing",
                hosts: {
                  monolith: { address: "192.0.2.10", privateAddress: "10.20.0.10" },
                  gateway: { address: "192.0.2.11" },
                },
              },
            },
          },
          secrets: { onPremSshPrivateKey: CANARY.onPremSshPrivateKey },
        })
      ).crawl;
    });

    it("creates no network and no EC2", () => {
      assert.deepEqual(
        existing.resources.filter((r) => r.type.startsWith("aws:")),
        [],
      );
    });

    it("reaches the named hosts over SSH with the secret key and points Konnect at them", () => {
      const commands = ofType(existing.resources, "command:remote:Command");
      assert.ok(commands.length > 0);
      for (const c of commands) {
        const connection = unwrapSecret(c.inputs.connection) as Record<string, unknown>;
        assert.ok(["192.0.2.10", "192.0.2.11"].includes(connection.host as string));
        assert.ok(isSecret(c.inputs.connection) || isSecret(connection.privateKey), "the SSH key is secret");
      }
      const service = ofType(existing.resources, "pulumi-nodejs:dynamic/konnect:GatewayService")[0].inputs;
      assert.equal(service.host, "10.20.0.10");
      assert.equal((existing.outputs as any).gatewayProxyUrl, "http://192.0.2.11:8000");
    });
  });
});
