/**
 * The migrated microservice on the cloud zone: its meshed namespace, Deployment and Service.
 *
 * Against the tutorial's disputes-microservice.yaml: a pinned image instead of `latest`, startup,
 * readiness and liveness probes, requests and limits, a locked-down container, and a Service whose
 * port Kuma treats as HTTP.
 */
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { IProbe } from "kubernetes-models/v1/Probe";
import type { IResourceRequirements } from "kubernetes-models/v1/ResourceRequirements";
import type { IService } from "kubernetes-models/v1/Service";
import { IMAGE_DIGEST, IMAGE_PATH_COMPONENT, IMAGE_TAG } from "../container";
import { KubernetesService, kubernetesServiceTag } from "../kuma/services";
import { KumaInputError, assertInteger, assertLabel, assertPort } from "../kuma/validate";
import { KONG_MESH_NAMESPACE, SIDECAR_INJECTION_LABEL } from "./meshZone";

export interface MicroserviceArgs extends KubernetesService {
  /** A pinned image: `<repository>:<tag>` (never `latest`), `<repository>@sha256:<digest>`, or both. */
  image: string;
  /** Answers 2xx when the service is up, e.g. `/actuator/health` for Spring Boot. */
  healthPath: string;
  replicas: number;
}

export interface MicroserviceManifests {
  namespace: INamespace;
  deployment: IDeployment;
  service: IService;
}

/**
 * Any uid but the sidecar's 5678: the transparent proxy lets that uid's traffic bypass the mesh, and
 * the injector refuses pods whose containers run as it.
 */
export const APP_UID = 10001;

/** Ports of the injected sidecar in the pod's network namespace: probe proxy, Envoy admin, redirects, DNS. */
const SIDECAR_PORTS: readonly number[] = [9001, 9901, 15001, 15006, 15053];

/** Sized for a small Spring Boot service; memory request = limit so the JVM is never overcommitted. */
const RESOURCES: IResourceRequirements = {
  requests: { cpu: "250m", memory: "512Mi" },
  limits: { cpu: "1", memory: "512Mi" },
};

export function microserviceManifests(args: MicroserviceArgs): MicroserviceManifests {
  const name = assertServiceName("name", args.name);
  const namespace = assertMeshNamespace("namespace", args.namespace);
  const image = assertPinnedImage("image", args.image);
  const port = assertApplicationPort("port", args.port);
  const healthPath = assertHttpPath("healthPath", args.healthPath);
  const replicas = assertInteger("replicas", args.replicas, 1, 20);

  const labels = { app: name };
  // Kuma's probe proxy (port 9001) rewrites these httpGet probes, so they still work under mTLS.
  const probe = (periodSeconds: number, failureThreshold: number): IProbe => ({
    httpGet: { path: healthPath, port },
    periodSeconds,
    timeoutSeconds: 2,
    failureThreshold,
  });

  return {
    namespace: {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: namespace, labels: { [SIDECAR_INJECTION_LABEL]: "enabled" } },
    },
    deployment: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace, labels },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels },
          // Hardening stays on the container: a pod-level runAsNonRoot would also bind the injected
          // kuma-init container, which must run as root to install the iptables redirect.
          spec: {
            containers: [
              {
                name,
                image,
                imagePullPolicy: "IfNotPresent",
                ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
                // The JVM may take a while to start; liveness only counts once startup has passed.
                startupProbe: probe(5, 36),
                readinessProbe: probe(5, 3),
                livenessProbe: probe(10, 3),
                resources: RESOURCES,
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: APP_UID,
                  runAsGroup: APP_UID,
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ["ALL"] },
                  seccompProfile: { type: "RuntimeDefault" },
                },
                // The only writable path: the JVM and embedded Tomcat keep their temporary files here.
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
              },
            ],
            volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
          },
        },
      },
    },
    service: {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, namespace, labels },
      spec: {
        type: "ClusterIP",
        selector: labels,
        // appProtocol becomes the kuma.io/protocol tag: HTTP routing and metrics instead of plain TCP.
        ports: [{ name: "http", port, targetPort: port, protocol: "TCP", appProtocol: "http" }],
      },
    },
  };
}

/**
 * The `kuma.io/service` tag the zone CP generates for the Service, `<name>_<namespace>_svc_<port>`
 * (e.g. `microservice_microservice_svc_8080`): what the on-prem side's outbounds and routes target.
 */
export function kumaServiceName(service: KubernetesService): string {
  return kubernetesServiceTag(service);
}

/** Service names are RFC 1035 labels: like RFC 1123 labels, but starting with a letter. */
function assertServiceName(field: string, value: unknown): string {
  if (typeof value !== "string" || value.length > 63 || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(value)) {
    throw new KumaInputError(
      field,
      value,
      "must be an RFC 1035 label (it names the Service): lower-case letters, digits and '-', starting with a letter, ending with a letter or digit, at most 63 characters",
    );
  }
  return value;
}

/** The injector skips kube-system and its own namespace, so pods there would silently stay outside the mesh. */
function assertMeshNamespace(field: string, value: unknown): string {
  const namespace = assertLabel(field, value);
  if (namespace === KONG_MESH_NAMESPACE || namespace.startsWith("kube-")) {
    throw new KumaInputError(
      field,
      value,
      `must be an application namespace: the sidecar injector never injects into ${KONG_MESH_NAMESPACE} or kube-* namespaces`,
    );
  }
  return namespace;
}

function assertApplicationPort(field: string, value: unknown): number {
  const port = assertPort(field, value);
  if (SIDECAR_PORTS.includes(port)) {
    throw new KumaInputError(
      field,
      value,
      `must not be one of the Kuma sidecar's own ports (${SIDECAR_PORTS.join(", ")})`,
    );
  }
  return port;
}

function assertHttpPath(field: string, value: unknown): string {
  if (typeof value !== "string" || !/^\/[^\s#]*$/.test(value)) {
    throw new KumaInputError(
      field,
      value,
      'must be an absolute HTTP path such as "/actuator/health": starting with "/", without spaces or a fragment',
    );
  }
  return value;
}

/** `[registry[:port]/]path[:tag][@sha256:digest]`, the grammar of distribution/reference. */
const IMAGE_REFERENCE = new RegExp(
  `^(?:[A-Za-z0-9.-]+(?::\\d+)?/)?${IMAGE_PATH_COMPONENT}(?:/${IMAGE_PATH_COMPONENT})*` +
    `(?::(?<tag>${IMAGE_TAG}))?(?:@(?<digest>${IMAGE_DIGEST}))?$`,
);

function assertPinnedImage(field: string, value: unknown): string {
  const match = typeof value === "string" ? IMAGE_REFERENCE.exec(value) : null;
  if (!match) {
    throw new KumaInputError(
      field,
      value,
      "must be an image reference such as registry.example.com/disputes:1.2.0 or registry.example.com/disputes@sha256:<64 hex digits>",
    );
  }
  const { tag, digest } = match.groups ?? {};
  if (tag === "latest")
    throw new KumaInputError(
      field,
      value,
      "must not use the tag 'latest', which moves under you: pin a version tag or a @sha256 digest",
    );
  if (!tag && !digest)
    throw new KumaInputError(
      field,
      value,
      "must be pinned: add a version tag (not 'latest') or a @sha256 digest; an untagged image means 'latest'",
    );
  return value as string;
}
