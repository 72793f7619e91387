/**
 * The Kong Mesh zone control plane of the EKS `cloud` zone (walk phase): Helm values for the
 * `kong-mesh` chart, its system namespace and the two Secrets the values point at.
 *
 * Against the tutorial's values (values-kong-mesh-zone.yaml.j2) the injector fails closed instead of
 * starting pods outside the mesh, KDS verifies the global CP against its CA and authenticates with a
 * cp-scoped zone token, the zone ingress sits behind an internal NLB instead of a public ELB, and every
 * component runs a fixed number of replicas with a PodDisruptionBudget instead of an HPA that has no
 * metrics-server behind it.
 */
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { ISecret } from "kubernetes-models/v1/Secret";
import { isCidr } from "../../lib/cidr";
import { KUMA_SYSTEM_NAMESPACE } from "../kuma/kubernetes";
import { KumaInputError, assertHost, assertInteger, assertResourceName, assertZoneName } from "../kuma/validate";

export const KONG_MESH_CHART_REPO = "https://kong.github.io/kong-mesh-charts";
export const KONG_MESH_CHART = "kong-mesh";
export const KONG_MESH_RELEASE = "kong-mesh";
export const KONG_MESH_NAMESPACE = KUMA_SYSTEM_NAMESPACE;

/** The key the chart reads from the `controlPlane.tls.kdsZoneClient.secretName` Secret. */
export const KDS_CA_SECRET_KEY = "ca.crt";
export const CP_TOKEN_SECRET_KEY = "token";
const CP_TOKEN_ENV = "KMESH_MULTIZONE_ZONE_KDS_AUTH_CP_TOKEN_INLINE";

export const SIDECAR_INJECTION_LABEL = "kuma.io/sidecar-injection";
/**
 * Kuma ≥ 2.11 wants the system namespace labelled `"false"`: the chart's pre-install hook patches it
 * to that value, and with `noHelmHooks` the chart refuses to install unless it is exactly `"false"`
 * (pre-install-patch-namespace-job.yaml, v2.14.3). UPGRADE.md's `disabled` also keeps the
 * injector away but fails that check.
 */
const SYSTEM_NAMESPACE_INJECTION = "false";

/**
 * What makes the zone ingress Service an internal NLB, whichever controller reconciles it:
 * - the in-tree AWS cloud provider builds an NLB only for `type: nlb` and makes it internal only
 *   for `internal: "true"` (without them: a public Classic ELB, the tutorial's defect);
 * - the AWS Load Balancer Controller (which claims new LoadBalancer Services through its webhook
 *   from v2.5) reads `scheme` and still honours the deprecated `internal`; EKS Auto Mode reads `scheme`.
 * Internal, because only the on-prem zone dials it, over VPC peering.
 */
const INTERNAL_NLB_ANNOTATIONS: Readonly<Record<string, string>> = {
  "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
  "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
  "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
};

export interface KongMeshZoneArgs {
  /** The zone's name, an RFC 1123 label such as `cloud`. */
  zone: string;
  /** The global CP's KDS server: `grpcs://<host>:<port>` (port 5685 on a self-hosted global CP). */
  kdsGlobalAddress: string;
  /** Secret in the release namespace holding `ca.crt`, the CA that signed the global CP's KDS certificate. */
  kdsCaSecretName: string;
  /** Secret in the release namespace holding `token`, the zone's cp-scoped zone token. */
  cpTokenSecretName: string;
  /** Replicas of the zone CP, zone ingress and zone egress each; default 2. */
  replicas?: number;
  /** Networks allowed through the ingress NLB (the on-prem zone's); default: whatever reaches the VPC. */
  ingressAllowedCidrs?: string[];
}

interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/** Fixed replicas, no HPA, and a PodDisruptionBudget so node drains keep one pod up. */
interface Replicated {
  replicas: number;
  autoscaling: { enabled: false };
  podDisruptionBudget: { enabled: true; maxUnavailable: 1 };
  resources: Resources;
}

export interface KongMeshZoneValues {
  kuma: {
    controlPlane: Replicated & {
      mode: "zone";
      zone: string;
      kdsGlobalAddress: string;
      injectorFailurePolicy: "Fail";
      tls: { kdsZoneClient: { secretName: string; skipVerify: false } };
      secrets: Array<{ Env: string; Secret: string; Key: string }>;
      envVars: Record<string, string>;
    };
    ingress: Replicated & {
      enabled: true;
      service: { type: "LoadBalancer"; annotations: Record<string, string>; loadBalancerSourceRanges?: string[] };
    };
    egress: Replicated & { enabled: true };
  };
}

const DEFAULT_REPLICAS = 2;

/** A few services in one zone; memory request = limit so the CP is never the pod evicted first. */
const CONTROL_PLANE_RESOURCES: Resources = {
  requests: { cpu: "250m", memory: "512Mi" },
  limits: { cpu: "1", memory: "512Mi" },
};
const ZONE_PROXY_RESOURCES: Resources = {
  requests: { cpu: "100m", memory: "128Mi" },
  limits: { cpu: "1", memory: "512Mi" },
};

export function kongMeshZoneValues(args: KongMeshZoneArgs): KongMeshZoneValues {
  const replicas = assertInteger("replicas", args.replicas ?? DEFAULT_REPLICAS, 1, 10);
  const allowedCidrs = assertCidrs("ingressAllowedCidrs", args.ingressAllowedCidrs ?? []);
  const replicated = (resources: Resources): Replicated => ({
    replicas,
    autoscaling: { enabled: false },
    podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
    resources,
  });

  return {
    kuma: {
      controlPlane: {
        ...replicated(CONTROL_PLANE_RESOURCES),
        mode: "zone",
        zone: assertZoneName("zone", args.zone),
        kdsGlobalAddress: assertKdsGlobalAddress("kdsGlobalAddress", args.kdsGlobalAddress),
        injectorFailurePolicy: "Fail",
        tls: {
          kdsZoneClient: { secretName: assertResourceName("kdsCaSecretName", args.kdsCaSecretName), skipVerify: false },
        },
        secrets: [
          {
            Env: CP_TOKEN_ENV,
            Secret: assertResourceName("cpTokenSecretName", args.cpTokenSecretName),
            Key: CP_TOKEN_SECRET_KEY,
          },
        ],
        // The zone API stays reachable on 5682 (HTTPS); nothing in the program talks to it over HTTP.
        envVars: { KUMA_API_SERVER_HTTP_ENABLED: "false" },
      },
      ingress: {
        ...replicated(ZONE_PROXY_RESOURCES),
        enabled: true,
        service: {
          type: "LoadBalancer",
          annotations: { ...INTERNAL_NLB_ANNOTATIONS },
          ...(allowedCidrs.length > 0 ? { loadBalancerSourceRanges: allowedCidrs } : {}),
        },
      },
      egress: { ...replicated(ZONE_PROXY_RESOURCES), enabled: true },
    },
  };
}

/** The release namespace, created before the chart so the Secrets below can go in first. */
export function kongMeshSystemNamespace(): INamespace {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: KONG_MESH_NAMESPACE, labels: { [SIDECAR_INJECTION_LABEL]: SYSTEM_NAMESPACE_INJECTION } },
  };
}

/**
 * A Secret whose values may be any type: plain strings here and in tests, Pulumi outputs in the
 * program, which keeps them secret without this module knowing about Pulumi.
 */
export type SecretManifest<V = string> = Omit<ISecret, "stringData"> & { stringData: Record<string, V> };

/** The CA of the global CP's KDS certificate, for `kdsCaSecretName`. */
export function kdsGlobalCaSecret<V = string>(name: string, caCertificatePem: V): SecretManifest<V> {
  if (
    typeof caCertificatePem === "string" &&
    !/^-----BEGIN CERTIFICATE-----\r?\n[\s\S]+\n-----END CERTIFICATE-----$/.test(caCertificatePem.trim())
  ) {
    throw new KumaInputError(
      "caCertificatePem",
      abbreviate(caCertificatePem),
      "must be a PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)",
    );
  }
  return opaqueSecret(assertResourceName("name", name), { [KDS_CA_SECRET_KEY]: caCertificatePem });
}

/** The zone's cp-scoped zone token (`kumactl generate zone-token --scope cp`), for `cpTokenSecretName`. */
export function zoneCpTokenSecret<V = string>(name: string, token: V): SecretManifest<V> {
  if (typeof token === "string" && !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token.trim())) {
    // The value is a credential: say what is wrong without echoing it.
    throw new KumaInputError(
      "token",
      `<${token.length} characters>`,
      "must be a zone token (a JWT: three base64url parts joined by '.')",
    );
  }
  return opaqueSecret(assertResourceName("name", name), { [CP_TOKEN_SECRET_KEY]: token });
}

function opaqueSecret<V>(name: string, stringData: Record<string, V>): SecretManifest<V> {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: KONG_MESH_NAMESPACE },
    type: "Opaque",
    stringData,
  };
}

function assertKdsGlobalAddress(field: string, value: unknown): string {
  try {
    const url = new URL(String(value));
    const onlyHostAndPort =
      url.port !== "" &&
      !url.username &&
      !url.password &&
      (url.pathname === "" || url.pathname === "/") &&
      !url.search &&
      !url.hash;
    if (typeof value === "string" && url.protocol === "grpcs:" && onlyHostAndPort) {
      assertHost(field, url.hostname.replace(/^\[(.*)\]$/, "$1"));
      return value;
    }
  } catch {
    // Unparsable or a bad host: the error below says what is allowed.
  }
  throw new KumaInputError(
    field,
    value,
    "must be grpcs://<host>:<port> of the global CP's KDS server, such as grpcs://global-cp.example.internal:5685 (grpc:// is refused: KDS carries the zone token)",
  );
}

function assertCidrs(field: string, value: unknown): string[] {
  if (!Array.isArray(value)) throw new KumaInputError(field, value, "must be a list of IPv4 CIDR blocks");
  value.forEach((cidr, index) => {
    if (typeof cidr !== "string" || !isCidr(cidr))
      throw new KumaInputError(
        `${field}[${index}]`,
        cidr,
        "must be an IPv4 CIDR block such as 10.0.0.0/23 (no host bits set)",
      );
  });
  return value;
}

function abbreviate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
