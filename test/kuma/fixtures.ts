import {
  KumaResource,
  MICROSERVICE,
  Migration,
  gatewayDataplane,
  mesh,
  meshCircuitBreaker,
  meshHttpRoute,
  meshMetric,
  meshRetry,
  meshTimeout,
  meshTrafficPermissions,
  monolithCatchAllRoute,
  monolithDataplane,
  zoneEgress,
  zoneIngress,
} from "../../render/kuma";

/** The disputes cutover of the run phase, at a given weight. */
export function disputes(weight: number, overrides: Partial<Migration> = {}): Migration {
  return {
    name: "disputes",
    pathPrefix: "/monolith/resources/card/dispute",
    rewritePrefix: "/disputes",
    to: MICROSERVICE,
    weight,
    ...overrides,
  };
}

/** One of everything the program renders, named for test titles. */
export function everyRenderedResource(): { title: string; resource: KumaResource }[] {
  const route = meshHttpRoute(disputes(10));
  return [
    { title: "mesh()", resource: mesh() },
    {
      title: "monolithDataplane()",
      resource: monolithDataplane({
        name: "monolith-1",
        address: "10.0.1.10",
        serviceAddress: "127.0.0.1",
        adminPort: 9901,
      }),
    },
    { title: "gatewayDataplane()", resource: gatewayDataplane({ name: "kong-gateway-1", address: "10.0.1.30" }) },
    {
      title: "zoneIngress()",
      resource: zoneIngress({
        name: "on-prem-ingress-1",
        address: "10.0.1.20",
        advertisedAddress: "zi.on-prem.example.internal",
        advertisedPort: 10001,
        adminPort: 30002,
      }),
    },
    {
      title: "zoneEgress()",
      resource: zoneEgress({ name: "on-prem-egress-1", address: "10.0.1.21", adminPort: 30003 }),
    },
    ...meshTrafficPermissions().map((resource) => ({ title: `meshTrafficPermissions() ${resource.name}`, resource })),
    ...[0, 10, 50, 100].map((weight) => ({
      title: `meshHttpRoute(weight ${weight})`,
      resource: meshHttpRoute(disputes(weight)),
    })),
    {
      title: "meshHttpRoute(weight 30, no rewrite)",
      resource: meshHttpRoute(disputes(30, { rewritePrefix: "/monolith/resources/card/dispute" })),
    },
    { title: "monolithCatchAllRoute()", resource: monolithCatchAllRoute() },
    {
      title: "meshTimeout()",
      resource: meshTimeout({ name: "gateway-to-microservice", microservice: MICROSERVICE, routes: [route.name] }),
    },
    {
      title: "meshRetry()",
      resource: meshRetry({ name: "gateway-to-microservice", microservice: MICROSERVICE, routes: [route.name] }),
    },
    {
      title: "meshCircuitBreaker()",
      resource: meshCircuitBreaker({ name: "gateway-to-microservice", microservice: MICROSERVICE }),
    },
    { title: "meshMetric()", resource: meshMetric() },
    {
      title: "meshHttpRoute(weight 0, early access)",
      resource: meshHttpRoute(disputes(0, { earlyAccess: { header: "x-journey-early-access", values: ["qa"] } })),
    },
  ];
}
