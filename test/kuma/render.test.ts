import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import {
  DEFAULT_CIRCUIT_BREAKING,
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUTS,
  KUMA_SYSTEM_NAMESPACE,
  KumaInputError,
  MICROSERVICE,
  gatewayDataplane,
  isValidZoneName,
  kubernetesServiceTag,
  mesh,
  meshCircuitBreaker,
  meshHttpRoute,
  meshRetry,
  meshTimeout,
  monolithDataplane,
  serviceDataplane,
  serviceTag,
  toKubernetes,
  zoneEgress,
  zoneIngress,
  zoneTokenRequest,
  dataplaneTokenRequest,
} from "../../render/kuma";
import { disputes } from "./fixtures";

const GATEWAY_PROXIES = { kind: "MeshSubset", tags: { "kuma.io/service": "kong-gateway" } };

describe("Kuma renderers", () => {
  describe("mesh", () => {
    it("is the default mesh with builtin mTLS, legacy service mode and cross-zone traffic through egress", () => {
      assert.deepEqual(mesh(), {
        type: "Mesh",
        name: "default",
        meshServices: { mode: "Disabled" },
        mtls: {
          enabledBackend: "ca-1",
          backends: [
            {
              name: "ca-1",
              type: "builtin",
              mode: "STRICT",
              dpCert: { rotation: { expiration: "1d" } },
              conf: { caCert: { RSAbits: 2048, expiration: "10y" } },
            },
          ],
        },
        routing: { zoneEgress: true },
        skipCreatingInitialPolicies: ["TrafficPermission", "TrafficRoute"],
      });
    });

    it("takes its CA settings from args", () => {
      const m = mesh({
        caBackend: "vault-ca",
        caCertRsaBits: 4096,
        caCertExpiration: "5y",
        dataplaneCertExpiration: "12h",
        mtlsMode: "PERMISSIVE",
        zoneEgress: false,
      });
      assert.equal(m.mtls.enabledBackend, "vault-ca");
      assert.deepEqual(m.mtls.backends[0].conf.caCert, { RSAbits: 4096, expiration: "5y" });
      assert.equal(m.mtls.backends[0].dpCert.rotation.expiration, "12h");
      assert.equal(m.mtls.backends[0].mode, "PERMISSIVE");
      assert.equal(m.routing.zoneEgress, false);
    });
  });

  describe("service names", () => {
    it("builds the Kubernetes service tag from name, namespace and port", () => {
      assert.equal(kubernetesServiceTag(MICROSERVICE), "microservice_microservice_svc_8080");
      assert.equal(serviceTag({ name: "orders", namespace: "shop", port: 9090 }), "orders_shop_svc_9090");
    });

    it("is the only place such a tag is spelt: no render source holds one in code", () => {
      const dir = path.resolve(__dirname, "../../render/kuma");
      for (const file of fs.readdirSync(dir)) {
        const code = fs.readFileSync(path.join(dir, file), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
        assert.doesNotMatch(code, /[a-z0-9-]+_[a-z0-9-]+_svc_\d+/, file);
      }
    });

    it("refuses a hand-written Kubernetes tag", () => {
      assert.throws(
        () => serviceTag("microservice_microservice_svc_8080", "to"),
        /to is "microservice_microservice_svc_8080": looks like a generated Kubernetes service tag; pass \{ name, namespace, port \}/,
      );
    });
  });

  describe("dataplanes", () => {
    it("monolith: inbound 5000 -> 8080, service monolith, protocol http", () => {
      assert.deepEqual(monolithDataplane({ name: "monolith-1", address: "10.0.1.10" }), {
        type: "Dataplane",
        mesh: "default",
        name: "monolith-1",
        networking: {
          address: "10.0.1.10",
          inbound: [
            { port: 5000, servicePort: 8080, tags: { "kuma.io/service": "monolith", "kuma.io/protocol": "http" } },
          ],
        },
      });
    });

    it("Kong: a delegated gateway with outbounds on 127.0.0.1:33033 (monolith) and :33034 (microservice)", () => {
      assert.deepEqual(gatewayDataplane({ name: "kong-gateway-1", address: "10.0.1.30" }).networking, {
        address: "10.0.1.30",
        gateway: { type: "DELEGATED", tags: { "kuma.io/service": "kong-gateway" } },
        outbound: [
          { address: "127.0.0.1", port: 33033, tags: { "kuma.io/service": "monolith" } },
          { address: "127.0.0.1", port: 33034, tags: { "kuma.io/service": kubernetesServiceTag(MICROSERVICE) } },
        ],
      });
    });

    it("zone ingress on 10001 advertises where other zones reach it; zone egress on 10002", () => {
      assert.deepEqual(
        zoneIngress({
          name: "on-prem-ingress",
          address: "10.0.1.20",
          advertisedAddress: "zi.example.internal",
          advertisedPort: 443,
        }).networking,
        {
          address: "10.0.1.20",
          port: 10001,
          advertisedAddress: "zi.example.internal",
          advertisedPort: 443,
        },
      );
      assert.deepEqual(zoneEgress({ name: "on-prem-egress", address: "10.0.1.21" }).networking, {
        address: "10.0.1.21",
        port: 10002,
      });
    });
  });

  describe("zone names", () => {
    it("are RFC 1123 labels", () => {
      for (const good of ["on-prem", "cloud", "zone-1", "a"]) assert.ok(isValidZoneName(good), good);
      for (const bad of ["on_prem", "On-Prem", "-cloud", "cloud-", "", "a".repeat(64), "on.prem", 7])
        assert.ok(!isValidZoneName(bad), String(bad));
    });
  });

  describe("resilience on the gateway -> microservice path", () => {
    const route = meshHttpRoute(disputes(10)).name;
    const microservice = { kind: "MeshService", name: kubernetesServiceTag(MICROSERVICE) };

    it("MeshTimeout: cluster and request timeouts for the microservice, request timeout for the cutover route", () => {
      const t = meshTimeout({ name: "gw-ms", microservice: MICROSERVICE, routes: [route] });
      assert.deepEqual(t.spec, {
        targetRef: GATEWAY_PROXIES,
        to: [
          {
            targetRef: microservice,
            default: {
              connectionTimeout: DEFAULT_TIMEOUTS.connectionTimeout,
              idleTimeout: DEFAULT_TIMEOUTS.idleTimeout,
              http: { requestTimeout: DEFAULT_TIMEOUTS.requestTimeout },
            },
          },
          {
            targetRef: { kind: "MeshHTTPRoute", name: route },
            default: { http: { requestTimeout: DEFAULT_TIMEOUTS.requestTimeout } },
          },
        ],
      });
      assert.equal(
        meshTimeout({ name: "gw-ms", microservice: MICROSERVICE, timeouts: { requestTimeout: "2s" } }).spec.to[0]
          .default.http?.requestTimeout,
        "2s",
      );
    });

    it("MeshRetry: only failures that cannot have reached the application, by default", () => {
      const r = meshRetry({ name: "gw-ms", microservice: MICROSERVICE, routes: [route] });
      assert.deepEqual(
        r.spec.to.map((t) => t.targetRef),
        [microservice, { kind: "MeshHTTPRoute", name: route }],
      );
      assert.deepEqual(r.spec.to[0].default.http, DEFAULT_RETRIES);
      assert.equal(
        meshRetry({ name: "gw-ms", microservice: MICROSERVICE, retries: { numRetries: 5 } }).spec.to[0].default.http
          .numRetries,
        5,
      );
    });

    it("MeshCircuitBreaker: outlier detection on the microservice's cluster", () => {
      const c = meshCircuitBreaker({
        name: "gw-ms",
        microservice: MICROSERVICE,
        circuitBreaking: { consecutiveFailures: 3 },
      });
      assert.deepEqual(c.spec.targetRef, GATEWAY_PROXIES);
      assert.deepEqual(
        c.spec.to.map((t) => t.targetRef),
        [microservice],
      );
      assert.deepEqual(c.spec.to[0].default.outlierDetection, {
        disabled: false,
        interval: DEFAULT_CIRCUIT_BREAKING.interval,
        baseEjectionTime: DEFAULT_CIRCUIT_BREAKING.baseEjectionTime,
        maxEjectionPercent: DEFAULT_CIRCUIT_BREAKING.maxEjectionPercent,
        detectors: {
          totalFailures: { consecutive: 3 },
          gatewayFailures: { consecutive: DEFAULT_CIRCUIT_BREAKING.consecutiveGatewayFailures },
        },
      });
    });
  });

  describe("toKubernetes", () => {
    it("puts policies in kong-mesh-system, labelled with their mesh", () => {
      const route = meshHttpRoute(disputes(10));
      assert.deepEqual(toKubernetes(route), {
        apiVersion: "kuma.io/v1alpha1",
        kind: "MeshHTTPRoute",
        metadata: { name: "disputes", namespace: KUMA_SYSTEM_NAMESPACE, labels: { "kuma.io/mesh": "default" } },
        spec: route.spec,
      });
    });

    it("keeps the Mesh cluster-scoped with its fields under spec", () => {
      const { type, name, ...fields } = mesh();
      assert.deepEqual(toKubernetes(mesh()), {
        apiVersion: "kuma.io/v1alpha1",
        kind: type,
        metadata: { name },
        spec: fields,
      });
    });

    it("gives a Dataplane its mesh at the top, as the legacy CRDs have it", () => {
      const dp = toKubernetes(monolithDataplane({ name: "monolith-1", address: "10.0.1.10" }), "monolith");
      assert.equal(dp.mesh, "default");
      assert.deepEqual(dp.metadata, {
        name: "monolith-1",
        namespace: "monolith",
        labels: { "kuma.io/mesh": "default" },
      });
      assert.deepEqual(Object.keys(dp.spec), ["networking"]);
    });
  });

  describe("input errors name the field, the value and what is allowed", () => {
    const cases: [string, () => unknown, RegExp][] = [
      [
        "mesh rsa bits",
        () => mesh({ caCertRsaBits: 1024 as 2048 }),
        /^mesh\.caCertRsaBits is 1024: must be one of 2048, 3072, 4096$/,
      ],
      [
        "mesh cert expiration",
        () => mesh({ dataplaneCertExpiration: "one day" }),
        /^mesh\.dataplaneCertExpiration is "one day": must be a number and one unit/,
      ],
      ["mesh name", () => mesh({ name: "Default" }), /^mesh\.name is "Default": must be a DNS-1123 subdomain/],
      [
        "dataplane port",
        () => monolithDataplane({ name: "m", address: "10.0.0.1", adminPort: 5000 }),
        /^dataplane\.adminPort is 5000: must differ from the inbound and service ports$/,
      ],
      [
        "dataplane address",
        () => monolithDataplane({ name: "m", address: "not an address" }),
        /^dataplane\.address is "not an address": must be an IPv4\/IPv6 address or a DNS hostname$/,
      ],
      [
        "dataplane inbound port",
        () => serviceDataplane({ name: "m", address: "10.0.0.1", service: "m", inboundPort: 70000, servicePort: 8080 }),
        /^dataplane\.inboundPort is 70000: must be an integer port between 1 and 65535$/,
      ],
      [
        "dataplane protocol",
        () =>
          serviceDataplane({
            name: "m",
            address: "10.0.0.1",
            service: "m",
            inboundPort: 1,
            servicePort: 2,
            protocol: "udp" as "tcp",
          }),
        /^dataplane\.protocol is "udp": must be one of "http", "http2", "grpc", "tcp"$/,
      ],
      [
        "gateway outbounds",
        () =>
          gatewayDataplane({
            name: "g",
            address: "10.0.0.1",
            outbounds: [
              { port: 1, service: "a" },
              { port: 1, service: "b" },
            ],
          }),
        /^gatewayDataplane\.outbounds \(ports\) is .*: must not list 1 twice$/,
      ],
      [
        "ingress advertised address",
        () => zoneIngress({ name: "zi", address: "10.0.0.1", advertisedAddress: "", advertisedPort: 10001 }),
        /^zoneIngress\.advertisedAddress is "": is required: other zones ignore a ZoneIngress without an advertised address and port$/,
      ],
      [
        "ingress advertised port",
        () =>
          zoneIngress({
            name: "zi",
            address: "10.0.0.1",
            advertisedAddress: "zi.example",
            advertisedPort: undefined as unknown as number,
          }),
        /^zoneIngress\.advertisedPort is undefined: is required/,
      ],
      [
        "k8s service namespace",
        () => kubernetesServiceTag({ name: "ms", namespace: "Bad_NS", port: 8080 }),
        /^service\.namespace is "Bad_NS": must be an RFC 1123 label/,
      ],
      [
        "route weight",
        () => meshHttpRoute(disputes(101)),
        /^migration\("disputes"\)\.weight is 101: must be an integer from 0 to 100$/,
      ],
      [
        "route fractional weight",
        () => meshHttpRoute(disputes(12.5)),
        /^migration\("disputes"\)\.weight is 12\.5: must be an integer from 0 to 100$/,
      ],
      [
        "route prefix",
        () => meshHttpRoute(disputes(10, { pathPrefix: "/monolith/" })),
        /^migration\("disputes"\)\.pathPrefix is "\/monolith\/": must be an absolute path .* without a trailing "\/"/,
      ],
      [
        "route rewrite",
        () => meshHttpRoute(disputes(10, { rewritePrefix: "disputes" })),
        /^migration\("disputes"\)\.rewritePrefix is "disputes": must be an absolute path/,
      ],
      [
        "route target",
        () => meshHttpRoute(disputes(10, { to: "monolith" })),
        /^migration\("disputes"\)\.to is "monolith": must be a different service from the monolith$/,
      ],
      [
        "route name",
        () => meshHttpRoute(disputes(10, { name: "Disputes!" })),
        /^migration\("Disputes!"\)\.name is "Disputes!": must be a DNS-1123 subdomain/,
      ],
      [
        "route split header",
        () => meshHttpRoute(disputes(10, { splitHeader: "X-Id" })),
        /^migration\("disputes"\)\.splitHeader is "X-Id": must be a lower-case HTTP header name$/,
      ],
      [
        "timeout duration",
        () => meshTimeout({ name: "t", microservice: MICROSERVICE, timeouts: { requestTimeout: "10 seconds" } }),
        /^meshTimeout\.timeouts\.requestTimeout is "10 seconds": must be a Go duration/,
      ],
      [
        "retry condition",
        () => meshRetry({ name: "r", microservice: MICROSERVICE, retries: { retryOn: ["sometimes"] } }),
        /^meshRetry\.retries\.retryOn\[0\] is "sometimes": must be one of 5xx, GatewayError/,
      ],
      [
        "retry routes",
        () => meshRetry({ name: "r", microservice: MICROSERVICE, routes: ["a", "a"] }),
        /^meshRetry\.routes is \["a","a"\]: must not list a twice$/,
      ],
      [
        "circuit breaker percent",
        () =>
          meshCircuitBreaker({ name: "c", microservice: MICROSERVICE, circuitBreaking: { maxEjectionPercent: 150 } }),
        /^meshCircuitBreaker\.circuitBreaking\.maxEjectionPercent is 150: must be an integer from 1 to 100$/,
      ],
      [
        "zone token zone",
        () => zoneTokenRequest({ zone: "on_prem", scope: ["cp"], validFor: "720h" }),
        /^zoneToken\.zone is "on_prem": a zone name must be an RFC 1123 label/,
      ],
      [
        "zone token scope",
        () => zoneTokenRequest({ zone: "on-prem", scope: ["admin" as "cp"], validFor: "720h" }),
        /^zoneToken\.scope\[0\] is "admin": must be one of "cp", "ingress", "egress"$/,
      ],
      [
        "zone token validity",
        () => zoneTokenRequest({ zone: "on-prem", scope: ["cp"], validFor: "30d" }),
        /^zoneToken\.validFor is "30d": must be a Go duration/,
      ],
      [
        "dataplane token tags",
        () => dataplaneTokenRequest({ mesh: "default", tags: { "kuma.io/service": [] }, validFor: "1h" }),
        /^dataplaneToken\.tags\["kuma\.io\/service"\] is \[\]: must be a non-empty list of tag values$/,
      ],
      [
        "toKubernetes type",
        () => toKubernetes({ type: "TrafficRoute" as "Mesh", name: "x" }),
        /^resource\.type is "TrafficRoute": is not a Kuma type this program renders$/,
      ],
    ];
    for (const [title, render, message] of cases) {
      it(title, () => {
        assert.throws(render, (err: unknown) => err instanceof KumaInputError && message.test(err.message));
      });
    }
  });
});
