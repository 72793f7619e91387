import { strict as assert } from "assert";
import * as YAML from "yaml";
import { Deployment } from "kubernetes-models/apps/v1";
import { Namespace, Secret, Service } from "kubernetes-models/v1";
import { isAnywhere } from "../lib/cidr";
import { PhaseEvaluation, RecordedResource } from "../offline/evaluator";
import { phaseArtifacts } from "../automation/planReport";
import { KumaType, toKubernetes } from "../render/kuma";
import { findSecretMaterial } from "../render/secretMaterial";
import { crdFor } from "./kuma/crds";
import { CANARY, evaluateJourney, isSecret, ofType, unwrapSecret } from "./support/journey";
import { isAllowed } from "./kuma/meshSemantics";
import { validateKumaItem } from "./support/kumaServer";
import { describeWithUpstream } from "./support/upstream";
import { InstalledFile } from "../components/hostSoftware";
import { MeshGlobalControlPlane } from "../components/meshGlobalControlPlane";
import { MeshSidecar } from "../components/meshSidecar";
import { OnPremZone } from "../components/onPremZone";
import { unknownOutput } from "./support/components";

const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const FILE = InstalledFile.TYPE;

const file = (walk: PhaseEvaluation, host: string, path: string): Record<string, unknown> => {
  const found = ofType(walk.resources, FILE).find((f) => f.inputs.host === host && f.inputs.path === path);
  if (!found) throw new Error(`no file ${path} on ${host}`);
  return found.inputs;
};

/** Every Kuma resource walk applies: REST resources on the global CP and proxy manifests on hosts. */
function kumaResources(walk: PhaseEvaluation): Array<{ type: string; name: string; [k: string]: unknown }> {
  const applied = ofType(walk.resources, "pulumi-nodejs:dynamic/kuma:Resource").map(
    (r) => r.inputs.resource as { type: string; name: string },
  );
  const manifests = ofType(walk.resources, FILE)
    .filter((f) => f.inputs.kumaResource)
    .map((f) => YAML.parse(String(f.inputs.content)));
  return [...applied, ...manifests];
}

describe("walk phase (offline, crawl's outputs through StackReference)", () => {
  let crawl: PhaseEvaluation;
  let walk: PhaseEvaluation;
  before(async () => {
    ({ crawl, walk } = await evaluateJourney("walk", { secrets: { meshLicense: CANARY.meshLicense } }));
  });

  it("declares the cloud network, EKS, the mesh control planes, sidecars, the microservice and the /mesh route", () => {
    const types = new Set(walk.resources.map((r) => r.type));
    for (const t of [
      "eks:index:Cluster",
      "eks:index:ManagedNodeGroup",
      "aws:ec2/natGateway:NatGateway",
      "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
      "aws:rds/instance:Instance",
      MeshGlobalControlPlane.TYPE,
      OnPremZone.TYPE,
      MeshSidecar.TYPE,
      "kubernetes:helm.sh/v3:Release",
      "kubernetes:apps/v1:Deployment",
      "pulumi-nodejs:dynamic/konnect:Route",
    ]) {
      assert.ok(types.has(t), `walk declares ${t}`);
    }
    assert.equal(ofType(walk.resources, MeshSidecar.TYPE).length, 2);
  });

  describe("crawl untouched", () => {
    it("walk declares none of crawl's resources and only adds rules to crawl's groups", () => {
      const crawlNames = new Set(crawl.resources.map((r) => r.name));
      for (const r of walk.resources)
        assert.ok(!crawlNames.has(r.name) || r.type === "pulumi:pulumi:Stack", `walk redeclares crawl's ${r.name}`);
      assert.ok(walk.resources.every((r) => r.urn.startsWith("urn:pulumi:walk::")));
      const onCrawlGroups = ofType(walk.resources, INGRESS).filter((r) =>
        String(r.inputs.securityGroupId).includes("kmj-onprem-"),
      );
      assert.deepEqual(
        onCrawlGroups.map((r) => [r.inputs.securityGroupId, r.inputs.fromPort]),
        [[unknownOutput("kmj-onprem-monolith-sg", "id"), 5000]],
      );
    });
  });

  describe("security invariants", () => {
    const rules = () => ofType(walk.resources, INGRESS).map((r) => r.inputs as Record<string, any>);

    it("no port is open to the internet", () => {
      for (const rule of rules())
        assert.ok(
          !rule.cidrIpv4 || !isAnywhere(rule.cidrIpv4),
          `rule on port ${rule.fromPort} opens to ${rule.cidrIpv4}`,
        );
    });

    it("SSH and control-plane APIs only from adminCidrs; KDS only from the zones; the store only from the global CP", () => {
      for (const rule of rules()) {
        if ([22, 5682].includes(rule.fromPort)) assert.equal(rule.cidrIpv4, "203.0.113.0/24");
        if (rule.fromPort === 5685) assert.ok(["10.1.0.0/16", "10.0.0.0/23"].includes(rule.cidrIpv4));
        if (rule.fromPort === 5432)
          assert.equal(rule.referencedSecurityGroupId, unknownOutput("kmj-mesh-global-host-sg", "id"));
      }
      assert.ok(!rules().some((r) => r.fromPort === 5681), "the plain-HTTP API and GUI stay on loopback");
    });

    it("stores encrypted and private; EKS secrets encrypted, endpoint limited to admins", () => {
      const [db] = ofType(walk.resources, "aws:rds/instance:Instance");
      assert.equal(db.inputs.storageEncrypted, true);
      assert.equal(db.inputs.publiclyAccessible, false);
      assert.ok(isSecret(db.inputs.password));
      for (const i of ofType(walk.resources, "aws:ec2/instance:Instance")) {
        assert.equal((i.inputs.rootBlockDevice as any).encrypted, true);
        assert.equal((i.inputs.metadataOptions as any).httpTokens, "required");
      }
      const [eks] = ofType(walk.resources, "eks:index:Cluster");
      assert.equal(eks.inputs.encryptionConfigKeyArn, unknownOutput("kmj-mesh-cloud-secrets-key", "arn"));
      assert.deepEqual(eks.inputs.publicAccessCidrs, ["203.0.113.0/24"]);
      assert.equal(eks.inputs.endpointPrivateAccess, true);
      assert.equal(eks.inputs.skipDefaultNodeGroup, true);
      const [nodes] = ofType(walk.resources, "eks:index:ManagedNodeGroup");
      assert.deepEqual(nodes.inputs.subnetIds, [
        unknownOutput("kmj-cloud-private-1", "id"),
        unknownOutput("kmj-cloud-private-2", "id"),
      ]);
    });

    it("tokens, passwords, keys and the licence are secrets; files holding them are 0600", () => {
      for (const t of [
        ...ofType(walk.resources, "pulumi-nodejs:dynamic/kuma:ZoneToken"),
        ...ofType(walk.resources, "pulumi-nodejs:dynamic/kuma:DataplaneToken"),
      ]) {
        assert.ok(t.secretOutputs.includes("token"), `${t.name} keeps its token secret`);
        assert.ok(isSecret(t.inputs.connection), `${t.name}'s connection (admin token) is secret`);
      }
      const sensitive = ofType(walk.resources, FILE).filter((f) =>
        /(token|\.env|\.key|license\.json)$/.test(String(f.inputs.path)),
      );
      assert.ok(sensitive.length >= 10);
      for (const f of sensitive) {
        assert.ok(isSecret(f.inputs.content), `${f.inputs.host}:${f.inputs.path} is secret`);
        assert.equal(f.inputs.mode, "0600", `${f.inputs.path} is mode 0600`);
      }
      assert.ok(isSecret(walk.outputs.kubeconfig));
      assert.ok(isSecret(walk.outputs.kumaApi));
    });

    it("no secret in plaintext anywhere in the graph or the outputs", () => {
      const plain = JSON.stringify([walk.resources.map((r) => r.inputs), walk.outputs], (_k, v) =>
        isSecret(v) ? "[secret]" : v,
      );
      assert.equal(findSecretMaterial(plain), undefined);
      for (const canary of [CANARY.konnectToken, "CANARYmeshlicence"]) assert.ok(!plain.includes(canary), canary);
    });

    it("control planes and sidecars run as the kuma user, restart always, and verify the CP certificate", () => {
      const units = ofType(walk.resources, FILE).filter((f) =>
        /kuma-(cp|dp|zone-ingress|zone-egress)\.service$/.test(String(f.inputs.path)),
      );
      assert.equal(units.length, 6);
      for (const u of units) {
        const text = String(u.inputs.content);
        assert.match(text, /--user 5678:5678/, String(u.inputs.path));
        assert.match(text, /^Restart=always$/m);
        if (/kuma-(dp|zone)/.test(String(u.inputs.path))) assert.match(text, /--ca-cert-file=\/etc\/kuma\/ca\.crt/);
      }
      const zoneEnv = String(unwrapSecret(file(walk, "mesh-zone", "/etc/kuma/zone-cp/kuma-cp.env").content));
      assert.match(zoneEnv, /^KUMA_MULTIZONE_ZONE_KDS_ROOT_CA_FILE=\/etc\/kuma\/kds-ca\.crt$/m);
      assert.match(zoneEnv, /^KUMA_MULTIZONE_ZONE_GLOBAL_ADDRESS=grpcs:\/\/10\.1\.0\.10:5685$/m);
      assert.match(zoneEnv, /^KUMA_MULTIZONE_ZONE_NAME=on-prem$/m);
      assert.match(zoneEnv, /^KUMA_STORE_TYPE=postgres$/m);
      assert.doesNotMatch(zoneEnv, /SKIP_VERIFY/);
      const globalEnv = String(unwrapSecret(file(walk, "mesh-global-cp", "/etc/kuma/global-cp/kuma-cp.env").content));
      assert.match(globalEnv, /^KUMA_MODE=global$/m);
      assert.match(globalEnv, /^KUMA_STORE_TYPE=postgres$/m);
      assert.match(globalEnv, /^KMESH_MULTIZONE_GLOBAL_KDS_AUTH_TYPE=cpToken$/m);
      assert.match(globalEnv, /^KMESH_LICENSE_PATH=\/etc\/kuma\/license\.json$/m);
    });

    it("the cloud zone: injector failure policy Fail, verified KDS, pinned chart", () => {
      const [release] = ofType(walk.resources, "kubernetes:helm.sh/v3:Release");
      assert.equal(release.inputs.version, "2.13.10");
      const kuma = (release.inputs.values as any).kuma;
      assert.equal(kuma.controlPlane.mode, "zone");
      assert.equal(kuma.controlPlane.zone, "cloud");
      assert.equal(kuma.controlPlane.kdsGlobalAddress, "grpcs://10.1.0.10:5685");
      assert.equal(kuma.controlPlane.injectorFailurePolicy, "Fail");
      assert.equal(kuma.controlPlane.tls.kdsZoneClient.skipVerify, false);
      assert.deepEqual(kuma.ingress.service.loadBalancerSourceRanges, ["10.0.0.0/23"]);
    });
  });

  describe("the mesh", () => {
    it("zones are RFC 1123 (on-prem, cloud) and the monolith's sidecar maps 5000 -> 8080", () => {
      const monolith = kumaResources(walk).find((r) => r.type === "Dataplane" && r.name === "monolith-1") as any;
      assert.deepEqual(monolith.networking.inbound[0].port, 5000);
      assert.deepEqual(monolith.networking.inbound[0].servicePort, 8080);
      assert.equal(monolith.networking.inbound[0].tags["kuma.io/service"], "monolith");
      assert.equal(monolith.networking.address, "10.0.0.74");
    });

    it("the gateway is a DELEGATED gateway with outbounds 33033 -> monolith, 33034 -> microservice", () => {
      const gateway = kumaResources(walk).find((r) => r.type === "Dataplane" && r.name === "kong-gateway-1") as any;
      assert.equal(gateway.networking.gateway.type, "DELEGATED");
      assert.deepEqual(
        gateway.networking.outbound.map((o: any) => [o.address, o.port, o.tags["kuma.io/service"]]),
        [
          ["127.0.0.1", 33033, "monolith"],
          ["127.0.0.1", 33034, "microservice_microservice_svc_8080"],
        ],
      );
    });

    it("mTLS on, and traffic permissions allow exactly gateway -> monolith and gateway -> microservice", () => {
      const resources = kumaResources(walk);
      const theMesh = resources.find((r) => r.type === "Mesh") as any;
      assert.equal(theMesh.mtls.enabledBackend, theMesh.mtls.backends[0].name);
      assert.equal(theMesh.mtls.backends[0].type, "builtin");
      const permissions = resources.filter((r) => r.type === "MeshTrafficPermission") as any[];
      assert.equal(permissions.length, 2);
      const services = ["kong-gateway", "monolith", "microservice_microservice_svc_8080", "some-other-service"];
      const allowed = services.flatMap((from) =>
        services.filter((to) => isAllowed(permissions, from, to)).map((to) => `${from} -> ${to}`),
      );
      assert.deepEqual(allowed, ["kong-gateway -> monolith", "kong-gateway -> microservice_microservice_svc_8080"]);
    });

    it("the Konnect service monolith-mesh goes through the sidecar: http://127.0.0.1:33033/monolith/resources/, route /mesh", () => {
      const [service] = ofType(walk.resources, "pulumi-nodejs:dynamic/konnect:GatewayService");
      assert.deepEqual(
        [service.inputs.name, service.inputs.host, service.inputs.port, service.inputs.path],
        ["monolith-mesh", "127.0.0.1", 33033, "/monolith/resources/"],
      );
      assert.equal(service.inputs.controlPlaneId, unknownOutput("kmj-gateway-control-plane", "id"));
      const [route] = ofType(walk.resources, "pulumi-nodejs:dynamic/konnect:Route");
      assert.deepEqual(route.inputs.paths, ["/mesh"]);
    });

    it("smoke checks: the five /mesh calls through the mesh and GET /disputes inside the cluster", () => {
      const checks = (walk.outputs as any).smokeChecks as Array<{ url: string; from: string }>;
      assert.deepEqual(
        checks.filter((c) => c.from === "client").map((c) => c.url.replace(/^.*:8000/, "")),
        [
          "/mesh/card/1",
          "/mesh/card/balance/1",
          "/mesh/card/balance/1/charges",
          "/mesh/card/payment",
          "/mesh/card/dispute",
        ],
      );
      assert.deepEqual(
        checks.filter((c) => c.from === "cluster").map((c) => c.url),
        ["http://microservice.microservice.svc.cluster.local:8080/disputes"],
      );
    });
  });

  describeWithUpstream("artefacts against the published schemas", () => {
    it("every Kuma resource validates against the REST API's <Type>Item schema and its CRD", () => {
      const resources = kumaResources(walk);
      assert.ok(resources.length >= 7);
      for (const resource of resources) {
        assert.deepEqual(
          validateKumaItem(resource.type as KumaType, resource),
          [],
          `${resource.type} ${resource.name} (REST)`,
        );
        const object = toKubernetes(resource as never);
        assert.deepEqual(
          crdFor(resource.type as KumaType).validateStrict(object),
          [],
          `${resource.type} ${resource.name} (CRD)`,
        );
      }
    });

    it("every Kubernetes object validates with kubernetes-models", () => {
      const models: Record<string, (o: any) => { validate(): void }> = {
        "kubernetes:core/v1:Namespace": (o) => new Namespace(o),
        "kubernetes:core/v1:Service": (o) => new Service(o),
        "kubernetes:core/v1:Secret": (o) => new Secret({ ...o, stringData: { key: "value" } }),
        "kubernetes:apps/v1:Deployment": (o) => new Deployment(o),
      };
      const objects = walk.resources.filter((r: RecordedResource) => models[r.type]);
      assert.equal(objects.length, 6);
      for (const r of objects) assert.doesNotThrow(() => models[r.type](r.inputs).validate(), r.name);
    });

    it("--out writes each Kuma resource as kuma/<Type>-<name>.yaml and Kubernetes objects under k8s/", () => {
      const paths = phaseArtifacts(walk.resources).map((a) => a.path);
      for (const p of [
        "kuma/Mesh-default.yaml",
        "kuma/Dataplane-monolith-1.yaml",
        "kuma/Dataplane-kong-gateway-1.yaml",
        "kuma/ZoneIngress-on-prem-ingress.yaml",
        "kuma/ZoneEgress-on-prem-egress.yaml",
        "k8s/Deployment-microservice.yaml",
        "k8s/HelmRelease-kong-mesh.yaml",
      ]) {
        assert.ok(paths.includes(p), `${p} in ${paths.filter((x) => !x.startsWith("hosts")).join(", ")}`);
      }
    });
  });
});
