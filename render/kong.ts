/** Kong Gateway in the data-plane role, attached to a Konnect control plane (hybrid mode). */

export const KONG_CLUSTER_DIR = "/etc/kong/cluster";
/** Inside the container: the cluster certificate directory is mounted read-only here. */
export const KONG_CONTAINER_CLUSTER_DIR = "/kong/cluster";
/**
 * Hands the cluster key to the user the pinned image runs as, read from that image at every start
 * (`id -u`/`id -g` with the image's own USER): the kong user's uid comes from the Kong package's
 * `useradd` in the image (Kong/docker-kong ubuntu/Dockerfile installs kong.deb and runs as `USER
 * kong` without fixing a uid), so it differs between base images (1000 is `ubuntu` on 24.04).
 */
export const KONG_KEY_OWNER_SCRIPT = "/usr/local/sbin/kong-cluster-key-owner";
export const KONG_KEY_OWNER_SCRIPT_TEXT = [
  "#!/bin/sh",
  "# Usage: kong-cluster-key-owner <image> <key file>. Run by kong-gateway.service before every start.",
  "set -eu",
  'uid="$(/usr/bin/docker run --rm --entrypoint id "$1" -u)"',
  'gid="$(/usr/bin/docker run --rm --entrypoint id "$1" -g)"',
  'chown "$uid:$gid" "$2"',
  'chmod 0600 "$2"',
  "",
].join("\n");
export const KONG_PROXY_PORT = 8000;
export const KONG_PROXY_TLS_PORT = 8443;
const KONG_STATUS_PORT = 8100;

export interface KongDataPlaneSettings {
  /** `https://<id>.<region>.cp.konghq.com` as Konnect returns it. */
  controlPlaneEndpoint: string;
  telemetryEndpoint: string;
}

export function kongDataPlaneEnv(s: KongDataPlaneSettings): Record<string, string> {
  const cp = hostOf(s.controlPlaneEndpoint, "controlPlaneEndpoint");
  const tp = hostOf(s.telemetryEndpoint, "telemetryEndpoint");
  return {
    KONG_ROLE: "data_plane",
    KONG_DATABASE: "off",
    KONG_KONNECT_MODE: "on",
    KONG_VITALS: "off",
    KONG_CLUSTER_MTLS: "pki",
    KONG_CLUSTER_CONTROL_PLANE: `${cp}:443`,
    KONG_CLUSTER_SERVER_NAME: cp,
    KONG_CLUSTER_TELEMETRY_ENDPOINT: `${tp}:443`,
    KONG_CLUSTER_TELEMETRY_SERVER_NAME: tp,
    KONG_CLUSTER_CERT: `${KONG_CONTAINER_CLUSTER_DIR}/tls.crt`,
    KONG_CLUSTER_CERT_KEY: `${KONG_CONTAINER_CLUSTER_DIR}/tls.key`,
    KONG_LUA_SSL_TRUSTED_CERTIFICATE: "system",
    KONG_PROXY_LISTEN: `0.0.0.0:${KONG_PROXY_PORT}, 0.0.0.0:${KONG_PROXY_TLS_PORT} ssl`,
    KONG_ADMIN_LISTEN: "off",
    KONG_STATUS_LISTEN: `127.0.0.1:${KONG_STATUS_PORT}`,
  };
}

/** `https://host[:443][/]` -> `host`; the DP wants bare host names for SNI. */
export function hostOf(endpoint: string, what: string): string {
  const match = /^(?:https?:\/\/)?([^/:]+)(?::\d+)?\/?$/.exec(endpoint.trim());
  if (!match) throw new Error(`${what} "${endpoint}" is not a host name or https URL`);
  return match[1];
}
