import { strict as assert } from "assert";
import * as fs from "fs";
import { Namespace, Secret } from "kubernetes-models/v1";
import { ResourceRequirements } from "kubernetes-models/v1/ResourceRequirements";
import * as YAML from "yaml";
import {
  CP_TOKEN_SECRET_KEY,
  KDS_CA_SECRET_KEY,
  KONG_MESH_NAMESPACE,
  KongMeshZoneArgs,
  kdsGlobalCaSecret,
  kongMeshSystemNamespace,
  kongMeshZoneValues,
  zoneCpTokenSecret,
} from "../../render/k8s";
import { describeWithUpstream, upstreamPath } from "../support/upstream";

const ARGS: KongMeshZoneArgs = {
  zone: "cloud",
  kdsGlobalAddress: "grpcs://global-cp.kmj.internal:5685",
  kdsCaSecretName: "kong-mesh-kds-global-ca",
  cpTokenSecretName: "kong-mesh-zone-cp-token",
};
const CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUTEST\n-----END CERTIFICATE-----\n";
const ZONE_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJab25lIjoiY2xvdWQifQ.c2lnbmF0dXJl";

const values = () => kongMeshZoneValues(ARGS);
const zoneProxies = () => [values().kuma.ingress, values().kuma.egress];

describe("k8s: Kong Mesh zone (cloud)", () => {
  describe("Helm values", () => {
    it("runs the control plane in zone mode against the global CP", () => {
      const { controlPlane } = values().kuma;
      assert.equal(controlPlane.mode, "zone");
      assert.equal(controlPlane.zone, "cloud");
      assert.equal(controlPlane.kdsGlobalAddress, "grpcs://global-cp.kmj.internal:5685");
    });

    it("fails pod creation when the injector is down instead of starting pods outside the mesh", () => {
      assert.equal(values().kuma.controlPlane.injectorFailurePolicy, "Fail");
    });

    it("verifies the global CP's KDS certificate against the CA Secret", () => {
      assert.deepEqual(values().kuma.controlPlane.tls.kdsZoneClient, {
        secretName: "kong-mesh-kds-global-ca",
        skipVerify: false,
      });
    });

    it("authenticates to the global CP with the cp-scoped zone token from its Secret, never inline", () => {
      const { controlPlane } = values().kuma;
      assert.deepEqual(controlPlane.secrets, [
        {
          Env: "KMESH_MULTIZONE_ZONE_KDS_AUTH_CP_TOKEN_INLINE",
          Secret: "kong-mesh-zone-cp-token",
          Key: CP_TOKEN_SECRET_KEY,
        },
      ]);
      assert.ok(!Object.keys(controlPlane.envVars).some((name) => name.includes("TOKEN")));
    });

    it("puts the zone ingress behind an internal NLB for the in-tree provider and the AWS Load Balancer Controller alike", () => {
      const { service } = values().kuma.ingress;
      assert.equal(service.type, "LoadBalancer");
      assert.equal(service.annotations["service.beta.kubernetes.io/aws-load-balancer-type"], "nlb");
      assert.equal(service.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"], "internal");
      assert.equal(service.annotations["service.beta.kubernetes.io/aws-load-balancer-internal"], "true");
      assert.doesNotMatch(JSON.stringify(values()), /internet-facing/);
    });

    it("lets only the given networks through the ingress NLB, when given", () => {
      assert.equal(values().kuma.ingress.service.loadBalancerSourceRanges, undefined);
      const restricted = kongMeshZoneValues({ ...ARGS, ingressAllowedCidrs: ["10.0.0.0/23"] }).kuma.ingress.service;
      assert.deepEqual(restricted.loadBalancerSourceRanges, ["10.0.0.0/23"]);
    });

    it("enables the zone ingress and the zone egress", () => {
      for (const proxy of zoneProxies()) assert.equal(proxy.enabled, true);
    });

    it("runs fixed replicas with a PodDisruptionBudget and no autoscaler (there is no metrics-server)", () => {
      for (const component of [values().kuma.controlPlane, ...zoneProxies()]) {
        assert.equal(component.replicas, 2);
        assert.deepEqual(component.autoscaling, { enabled: false });
        assert.deepEqual(component.podDisruptionBudget, { enabled: true, maxUnavailable: 1 });
      }
      const scaled = kongMeshZoneValues({ ...ARGS, replicas: 3 }).kuma;
      assert.deepEqual([scaled.controlPlane.replicas, scaled.ingress.replicas, scaled.egress.replicas], [3, 3, 3]);
    });

    it("gives every component valid requests and limits for cpu and memory", () => {
      for (const { resources } of [values().kuma.controlPlane, ...zoneProxies()]) {
        new ResourceRequirements(resources).validate();
        for (const bound of [resources.requests, resources.limits])
          assert.deepEqual(Object.keys(bound).sort(), ["cpu", "memory"]);
      }
    });
  });

  describe("objects", () => {
    it("labels the system namespace the way the chart requires from Kuma 2.11 on", () => {
      const namespace = kongMeshSystemNamespace();
      new Namespace(namespace).validate();
      assert.equal(namespace.metadata?.name, "kong-mesh-system");
      assert.deepEqual(namespace.metadata?.labels, { "kuma.io/sidecar-injection": "false" });
    });

    it("renders the KDS CA and zone token Secrets in the release namespace under the keys the chart reads", () => {
      const ca = kdsGlobalCaSecret(ARGS.kdsCaSecretName, CA_PEM);
      const token = zoneCpTokenSecret(ARGS.cpTokenSecretName, ZONE_TOKEN);
      for (const secret of [ca, token]) {
        new Secret(secret).validate();
        assert.equal(secret.metadata?.namespace, KONG_MESH_NAMESPACE);
      }
      assert.deepEqual(ca.stringData, { [KDS_CA_SECRET_KEY]: CA_PEM });
      assert.deepEqual(token.stringData, { [CP_TOKEN_SECRET_KEY]: ZONE_TOKEN });
    });

    it("passes values it cannot inspect (Pulumi outputs) through untouched", () => {
      const pending = { pending: true };
      assert.equal(zoneCpTokenSecret("kong-mesh-zone-cp-token", pending).stringData.token, pending);
    });
  });

  describe("input validation", () => {
    const rejects = (overrides: Partial<KongMeshZoneArgs>, message: RegExp) =>
      assert.throws(() => kongMeshZoneValues({ ...ARGS, ...overrides }), message);

    it("refuses zone names that are not RFC 1123 labels", () => {
      rejects({ zone: "on_prem" }, /^KumaInputError: zone is "on_prem": a zone name must be an RFC 1123 label/);
      rejects({ zone: "Cloud" }, /zone is "Cloud": a zone name must be an RFC 1123 label/);
    });

    it("accepts only grpcs://<host>:<port> as the KDS address", () => {
      for (const address of [
        "grpc://global-cp:5685",
        "https://global-cp:5685",
        "grpcs://global-cp",
        "grpcs://global-cp:5685/kds",
        "grpcs://user:pw@global-cp:5685",
        "global-cp:5685",
        "grpcs://bad_host:5685",
      ]) {
        assert.throws(
          () => kongMeshZoneValues({ ...ARGS, kdsGlobalAddress: address }),
          (error: Error) => error.message.startsWith(`kdsGlobalAddress is "${address}": must be grpcs://`),
        );
      }
      assert.equal(
        kongMeshZoneValues({ ...ARGS, kdsGlobalAddress: "grpcs://10.1.2.3:5685" }).kuma.controlPlane.kdsGlobalAddress,
        "grpcs://10.1.2.3:5685",
      );
      assert.equal(
        kongMeshZoneValues({ ...ARGS, kdsGlobalAddress: "grpcs://[fd00::1]:5685" }).kuma.controlPlane.kdsGlobalAddress,
        "grpcs://[fd00::1]:5685",
      );
    });

    it("refuses Secret names Kubernetes would refuse", () => {
      rejects(
        { kdsCaSecretName: "KDS_CA" },
        /^KumaInputError: kdsCaSecretName is "KDS_CA": must be a DNS-1123 subdomain/,
      );
      rejects({ cpTokenSecretName: "" }, /cpTokenSecretName is "": must be a DNS-1123 subdomain/);
    });

    it("refuses allowed networks that are not IPv4 CIDR blocks", () => {
      rejects(
        { ingressAllowedCidrs: ["10.0.0.0/23", "10.0.0.1/23"] },
        /^KumaInputError: ingressAllowedCidrs\[1\] is "10.0.0.1\/23": must be an IPv4 CIDR block/,
      );
      rejects(
        { ingressAllowedCidrs: ["on-prem"] },
        /ingressAllowedCidrs\[0\] is "on-prem": must be an IPv4 CIDR block/,
      );
    });

    it("refuses replica counts that are not whole numbers from 1 to 10", () => {
      rejects({ replicas: 0 }, /^KumaInputError: replicas is 0: must be an integer from 1 to 10$/);
      rejects({ replicas: 1.5 }, /replicas is 1.5: must be an integer from 1 to 10/);
    });

    it("refuses a CA that is not a PEM certificate and a token that is not a JWT, without echoing the token", () => {
      assert.throws(
        () => kdsGlobalCaSecret("kds-ca", "not a certificate"),
        /caCertificatePem is "not a certificate": must be a PEM certificate/,
      );
      assert.throws(
        () => zoneCpTokenSecret("zone-token", "s3cr3t-but-not-a-jwt"),
        (error: Error) =>
          /token is "<20 characters>": must be a zone token/.test(error.message) && !error.message.includes("s3cr3t"),
      );
    });
  });
});

/** Values the chart hands over whole (toYaml, or a range over entries): their keys are not chart keys. */
const FREE_FORM_PATHS = new Set([
  "controlPlane.envVars", // env name -> value
  "controlPlane.secrets", // list of { Env, Secret, Key }
  "controlPlane.resources", // a container's ResourceRequirements
  "ingress.resources",
  "egress.resources",
  "ingress.service.annotations", // Service annotations
]);

type Tree = Record<string, unknown>;
const isTree = (value: unknown): value is Tree => typeof value === "object" && value !== null && !Array.isArray(value);

/** Key paths of the values, stopping at free-form values and at anything that is not a map. */
function keyPaths(value: unknown, path: string[] = []): string[][] {
  if (!isTree(value) || FREE_FORM_PATHS.has(path.join("."))) return [path];
  return Object.entries(value).flatMap(([key, child]) => keyPaths(child, [...path, key]));
}

/** The chart's default at `path`, or `missing` where the chart has no such key. */
function chartDefault(defaults: Tree, path: string[]): { missing: true } | { missing: false; value: unknown } {
  let node: unknown = defaults;
  for (const key of path) {
    if (!isTree(node) || !Object.prototype.hasOwnProperty.call(node, key)) return { missing: true };
    node = node[key];
  }
  return { missing: false, value: node };
}

const kindOf = (value: unknown) => (Array.isArray(value) ? "list" : isTree(value) ? "map" : typeof value);

describeWithUpstream("k8s: Kong Mesh zone values against the kuma 2.14.3 chart", () => {
  /** Every optional argument set, so every key the renderer can write is checked. */
  const fullValues = () => kongMeshZoneValues({ ...ARGS, replicas: 3, ingressAllowedCidrs: ["10.0.0.0/23"] });
  let defaults: Tree;
  before(() => {
    defaults = YAML.parse(fs.readFileSync(upstreamPath("kuma-2.14.3", "chart-values.yaml"), "utf8"));
  });

  it("nests every Kuma value under kuma:, as the kong-mesh chart expects", () => {
    assert.deepEqual(Object.keys(fullValues()), ["kuma"]);
  });

  it("sets only keys the chart has, with the type of the chart's default", () => {
    const ourValues = fullValues().kuma as unknown as Tree;
    const problems: string[] = [];
    for (const path of keyPaths(ourValues)) {
      const key = path.join(".");
      const ours = chartDefault(ourValues, path);
      const theirs = chartDefault(defaults, path);
      if (theirs.missing) problems.push(`${key}: not in chart-values.yaml`);
      else if (!ours.missing && theirs.value !== null && kindOf(theirs.value) !== kindOf(ours.value)) {
        problems.push(`${key}: ${kindOf(ours.value)} where the chart has ${kindOf(theirs.value)}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it("fills the free-form values with what the chart templates read", () => {
    const { kuma } = fullValues();
    for (const entry of kuma.controlPlane.secrets)
      assert.deepEqual(Object.keys(entry).sort(), ["Env", "Key", "Secret"]);
    for (const map of [kuma.controlPlane.envVars, kuma.ingress.service.annotations]) {
      for (const value of Object.values(map)) assert.equal(typeof value, "string");
    }
  });
});
