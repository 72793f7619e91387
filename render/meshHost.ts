import { ContainerService, renderContainerUnit } from "./container";

/** Kong Mesh processes on VMs: kuma-cp and kuma-dp as containers under systemd, never as root. */

/** uid:gid the kuma containers run as; their certificates, keys and tokens belong to it. */
export const KUMA_UID = 5678;
const KUMA_USER = `${KUMA_UID}:${KUMA_UID}`;
export const KUMA_PORTS = { dpServer: 5678, api: 5681, apiTls: 5682, kds: 5685 } as const;
/** Inside every kuma container its configuration folder is mounted read-only here. */
export const KUMA_CONTAINER_DIR = "/etc/kuma";

export interface PostgresStore {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** `verifyFull` with `caFile` for RDS; `disable` only for a store on loopback. */
  tlsMode: "disable" | "verifyNone" | "verifyCa" | "verifyFull";
  /** The CA bundle (inside the container) that verifies the server; required by verifyCa and verifyFull. */
  caFile?: string;
}

export interface ControlPlaneSettings {
  store: PostgresStore;
  /** Certificate and key (in KUMA_CONTAINER_DIR) for the API on 5682, the DP server and KDS. */
  tls: { certFile: string; keyFile: string };
  licenseFile?: string;
}

export interface GlobalControlPlaneSettings extends ControlPlaneSettings {
  mode: "global";
}

export interface ZoneControlPlaneSettings extends ControlPlaneSettings {
  mode: "zone";
  zone: string;
  /** `grpcs://<global>:5685`. */
  globalKdsAddress: string;
  /** CA that issued the global CP's KDS certificate: KDS is verified, never skipped. */
  kdsCaFile: string;
  /** The zone's cp-scoped token (file, mode 0600). */
  cpTokenFile: string;
}

export function kumaControlPlaneEnv(s: GlobalControlPlaneSettings | ZoneControlPlaneSettings): Record<string, string> {
  if (s.store.tlsMode.startsWith("verify") && s.store.tlsMode !== "verifyNone" && !s.store.caFile)
    throw new Error(`store tlsMode ${s.store.tlsMode} needs caFile: the CA bundle that verifies the server`);
  const common: Record<string, string> = {
    KUMA_MODE: s.mode,
    KUMA_ENVIRONMENT: "universal",
    KUMA_STORE_TYPE: "postgres",
    KUMA_STORE_POSTGRES_HOST: s.store.host,
    KUMA_STORE_POSTGRES_PORT: String(s.store.port),
    KUMA_STORE_POSTGRES_USER: s.store.user,
    KUMA_STORE_POSTGRES_PASSWORD: s.store.password,
    KUMA_STORE_POSTGRES_DB_NAME: s.store.database,
    KUMA_STORE_POSTGRES_TLS_MODE: s.store.tlsMode,
    ...(s.store.caFile ? { KUMA_STORE_POSTGRES_TLS_CA_PATH: s.store.caFile } : {}),
    KUMA_GENERAL_TLS_CERT_FILE: s.tls.certFile,
    KUMA_GENERAL_TLS_KEY_FILE: s.tls.keyFile,
    KUMA_API_SERVER_HTTPS_TLS_CERT_FILE: s.tls.certFile,
    KUMA_API_SERVER_HTTPS_TLS_KEY_FILE: s.tls.keyFile,
    // The GUI and plain-HTTP API stay on loopback; operators and this program use 5682 over TLS.
    KUMA_API_SERVER_HTTP_INTERFACE: "127.0.0.1",
  };
  if (s.licenseFile) common.KMESH_LICENSE_PATH = s.licenseFile;
  if (s.mode === "global") {
    return {
      ...common,
      KUMA_MULTIZONE_GLOBAL_KDS_TLS_CERT_FILE: s.tls.certFile,
      KUMA_MULTIZONE_GLOBAL_KDS_TLS_KEY_FILE: s.tls.keyFile,
      KMESH_MULTIZONE_GLOBAL_KDS_AUTH_TYPE: "cpToken",
    };
  }
  if (!/^grpcs:\/\/[^/]+:\d+$/.test(s.globalKdsAddress))
    throw new Error(`globalKdsAddress "${s.globalKdsAddress}" must be grpcs://<host>:<port>`);
  return {
    ...common,
    KUMA_MULTIZONE_ZONE_NAME: s.zone,
    KUMA_MULTIZONE_ZONE_GLOBAL_ADDRESS: s.globalKdsAddress,
    KUMA_MULTIZONE_ZONE_KDS_ROOT_CA_FILE: s.kdsCaFile,
    KMESH_MULTIZONE_ZONE_KDS_AUTH_CP_TOKEN_PATH: s.cpTokenFile,
  };
}

/** kuma-cp in a container on the host network; `kuma-cp migrate up` runs before every start. */
export function kumaControlPlaneUnit(args: {
  image: string;
  hostDir: string;
  description: string;
  after?: string[];
}): string {
  return renderContainerUnit({
    name: "kuma-cp",
    description: args.description,
    image: args.image,
    network: "host",
    user: KUMA_USER,
    envFile: `${args.hostDir}/kuma-cp.env`,
    volumes: [{ hostPath: args.hostDir, containerPath: KUMA_CONTAINER_DIR, readOnly: true }],
    args: ["run"],
    preStartArgs: ["migrate", "up"],
    after: args.after,
  });
}

export type ProxyType = "dataplane" | "ingress" | "egress";

export interface DataplaneProcess {
  /** systemd unit and container name, e.g. `kuma-dp`, `kuma-zone-ingress`. */
  name: string;
  description: string;
  image: string;
  proxyType: ProxyType;
  /** `https://<zone CP>:5678`. */
  cpAddress: string;
  /** Host folder holding dataplane.yaml, token and ca.crt; mounted at KUMA_CONTAINER_DIR. */
  hostDir: string;
  /** Units on the same host to start after, e.g. the zone CP. */
  after?: string[];
}

export const DATAPLANE_FILES = { resource: "dataplane.yaml", token: "token", ca: "ca.crt" } as const;

/** kuma-dp in a container: it verifies the zone CP against our CA and authenticates with its token file. */
export function kumaDataplaneContainer(p: DataplaneProcess): ContainerService {
  if (!/^https:\/\/[^/]+:\d+$/.test(p.cpAddress))
    throw new Error(`cpAddress "${p.cpAddress}" must be https://<zone CP>:<port>`);
  return {
    name: p.name,
    description: p.description,
    image: p.image,
    network: "host",
    user: KUMA_USER,
    volumes: [{ hostPath: p.hostDir, containerPath: KUMA_CONTAINER_DIR, readOnly: true }],
    args: [
      "run",
      `--cp-address=${p.cpAddress}`,
      `--ca-cert-file=${KUMA_CONTAINER_DIR}/${DATAPLANE_FILES.ca}`,
      `--dataplane-file=${KUMA_CONTAINER_DIR}/${DATAPLANE_FILES.resource}`,
      `--dataplane-token-file=${KUMA_CONTAINER_DIR}/${DATAPLANE_FILES.token}`,
      `--proxy-type=${p.proxyType}`,
    ],
    after: p.after,
  };
}

export function kumaDataplaneUnit(p: DataplaneProcess): string {
  return renderContainerUnit(kumaDataplaneContainer(p));
}

/** A Postgres for a zone CP on its own host: on loopback only, data on the encrypted root volume. */
export function postgresUnit(args: { image: string; dataDir: string; envFile: string }): string {
  return renderContainerUnit({
    name: "kuma-postgres",
    description: "Postgres store of the zone control plane",
    image: args.image,
    publish: [{ hostAddress: "127.0.0.1", hostPort: 5432, containerPort: 5432 }],
    envFile: args.envFile,
    volumes: [{ hostPath: args.dataDir, containerPath: "/var/lib/postgresql/data" }],
  });
}

export function postgresEnv(store: Pick<PostgresStore, "user" | "password" | "database">): Record<string, string> {
  return { POSTGRES_USER: store.user, POSTGRES_PASSWORD: store.password, POSTGRES_DB: store.database };
}
