import { strict as assert } from "assert";
import { kumaControlPlaneEnv, kumaDataplaneContainer, kumaControlPlaneUnit, postgresUnit } from "../render/meshHost";
import { itWithTool, systemdFindings } from "./support/validators";

const store = {
  host: "db",
  port: 5432,
  user: "kuma",
  password: "pw",
  database: "kuma",
  tlsMode: "verifyNone" as const,
};
const tls = { certFile: "/etc/kuma/tls.crt", keyFile: "/etc/kuma/tls.key" };

describe("Kong Mesh host renderers", () => {
  it("global CP: Postgres store, TLS API, KDS with cp-token auth, HTTP API on loopback only", () => {
    const env = kumaControlPlaneEnv({ mode: "global", store, tls, licenseFile: "/etc/kuma/license.json" });
    assert.equal(env.KUMA_MODE, "global");
    assert.equal(env.KUMA_STORE_TYPE, "postgres");
    assert.equal(env.KMESH_MULTIZONE_GLOBAL_KDS_AUTH_TYPE, "cpToken");
    assert.equal(env.KUMA_API_SERVER_HTTP_INTERFACE, "127.0.0.1");
    assert.equal(env.KMESH_LICENSE_PATH, "/etc/kuma/license.json");
  });

  it("zone CP: verifies the global CP's KDS certificate and authenticates with its token file", () => {
    const env = kumaControlPlaneEnv({
      mode: "zone",
      zone: "on-prem",
      globalKdsAddress: "grpcs://10.1.0.10:5685",
      kdsCaFile: "/etc/kuma/kds-ca.crt",
      cpTokenFile: "/etc/kuma/cp.token",
      store,
      tls,
    });
    assert.equal(env.KUMA_MULTIZONE_ZONE_KDS_ROOT_CA_FILE, "/etc/kuma/kds-ca.crt");
    assert.equal(env.KMESH_MULTIZONE_ZONE_KDS_AUTH_CP_TOKEN_PATH, "/etc/kuma/cp.token");
    assert.ok(!Object.keys(env).some((k) => /SKIP_VERIFY/.test(k)));
    assert.throws(
      () =>
        kumaControlPlaneEnv({
          mode: "zone",
          zone: "z",
          globalKdsAddress: "grpc://x:5685",
          kdsCaFile: "",
          cpTokenFile: "",
          store,
          tls,
        }),
      /must be grpcs:\/\/<host>:<port>/,
    );
  });

  it("kuma-dp: non-root, verifies the zone CP, token from a file", () => {
    const c = kumaDataplaneContainer({
      name: "kuma-dp",
      description: "d",
      image: "docker.io/kong/kuma-dp:2.13.10",
      proxyType: "dataplane",
      cpAddress: "https://10.0.0.20:5678",
      hostDir: "/etc/kuma/dataplane",
    });
    assert.equal(c.user, "5678:5678");
    assert.ok(c.args!.includes("--ca-cert-file=/etc/kuma/ca.crt"));
    assert.ok(c.args!.includes("--dataplane-token-file=/etc/kuma/token"));
    assert.deepEqual(c.volumes, [{ hostPath: "/etc/kuma/dataplane", containerPath: "/etc/kuma", readOnly: true }]);
    assert.throws(
      () => kumaDataplaneContainer({ ...c, proxyType: "dataplane", cpAddress: "http://x:5678", hostDir: "/x" }),
      /must be https:\/\/<zone CP>:<port>/,
    );
  });

  itWithTool("systemd-analyze")("units pass systemd-analyze verify; kuma-cp migrates before it starts", () => {
    const cp = kumaControlPlaneUnit({
      image: "docker.io/kong/kuma-cp:2.13.10",
      hostDir: "/etc/kuma/zone-cp",
      description: "zone CP",
      after: ["kuma-postgres.service"],
    });
    assert.match(cp, /^ExecStartPre=.* docker\.io\/kong\/kuma-cp:2\.13\.10 migrate up$/m);
    assert.match(cp, /^After=docker\.service network-online\.target kuma-postgres\.service$/m);
    assert.deepEqual(systemdFindings("kuma-cp.service", cp), []);
    const pg = postgresUnit({
      image: "docker.io/library/postgres:16.4",
      dataDir: "/var/lib/kuma-postgres",
      envFile: "/etc/kuma/postgres/postgres.env",
    });
    assert.match(pg, /--publish 127\.0\.0\.1:5432:5432/);
    assert.deepEqual(systemdFindings("kuma-postgres.service", pg), []);
  });
});
