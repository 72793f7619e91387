import { strict as assert } from "assert";
import * as YAML from "yaml";
import { renderBootstrapScript, renderCloudConfig } from "../render/cloudInit";
import { dockerRunArgs, renderContainerUnit } from "../render/container";
import { renderEnvFile } from "../render/envFile";
import { dockerHost } from "../render/hosts";
import { hostOf, kongDataPlaneEnv } from "../render/kong";
import { renderServiceUnit, systemdCommandLine } from "../render/systemd";
import { findSecretMaterial } from "../render/secretMaterial";
import { cloudInitFindings, itWithTool, systemdFindings } from "./support/validators";

describe("renderers", () => {
  describe("systemd units", () => {
    const unit = renderServiceUnit({ description: "demo", execStart: "/bin/sleep 1", user: "kuma" });

    it("restart always, after the network, installed for multi-user", () => {
      assert.match(unit, /^Restart=always$/m);
      assert.match(unit, /^After=network-online\.target$/m);
      assert.match(unit, /^WantedBy=multi-user\.target$/m);
      assert.match(unit, /^StartLimitIntervalSec=0$/m);
    });

    it("refuses multi-line directive values", () =>
      assert.throws(() => renderServiceUnit({ description: "a\nb", execStart: "/bin/true" }), /one line/));

    it("quotes ExecStart arguments the way systemd reads them (not shell quoting)", () => {
      assert.equal(
        systemdCommandLine(["/usr/bin/docker", "run", "--volume", "/a:/b:ro", "img:1.0"]),
        "/usr/bin/docker run --volume /a:/b:ro img:1.0",
      );
      assert.equal(systemdCommandLine(["/bin/echo", 'a "b"']), '/bin/echo "a \\"b\\""');
      assert.throws(() => systemdCommandLine(["/bin/echo", "$HOME"]), /systemd would expand/);
    });

    itWithTool("systemd-analyze")("pass systemd-analyze verify", () => {
      assert.deepEqual(systemdFindings("demo.service", unit), []);
      const container = renderContainerUnit({
        name: "monolith",
        description: "m",
        image: "docker.io/djfreese/monolith:1.0.0",
        publish: [{ hostPort: 8080, containerPort: 8080 }],
      });
      assert.deepEqual(systemdFindings("monolith.service", container), []);
    });

    itWithTool("systemd-analyze")("systemd-analyze catches a broken unit (the check is real)", () => {
      const findings = systemdFindings("broken.service", unit.replace("Restart=always", "Restart=bogus"));
      assert.ok(
        findings.some((f) => /restart specifier/.test(f)),
        findings.join("\n"),
      );
    });
  });

  describe("containers", () => {
    it("runs in the foreground under systemd with journald logs and a pinned image", () => {
      const args = dockerRunArgs({
        name: "kong",
        description: "k",
        image: "kong/kong-gateway:3.14.0.13",
        network: "host",
        envFile: "/etc/kong/kong.env",
      });
      assert.deepEqual(args.slice(0, 5), ["/usr/bin/docker", "run", "--rm", "--name", "kong"]);
      assert.ok(!args.includes("-d"), "not detached: systemd supervises it");
      assert.deepEqual(args.slice(-3), ["--log-driver", "journald", "kong/kong-gateway:3.14.0.13"]);
    });

    it("refuses published ports with host networking (docker ignores them)", () =>
      assert.throws(
        () =>
          renderContainerUnit({
            name: "k",
            description: "k",
            image: "i:1",
            network: "host",
            publish: [{ hostPort: 8000, containerPort: 8000 }],
          }),
        /no effect/,
      ));
  });

  describe("env files", () => {
    it("writes KEY=value lines", () => assert.equal(renderEnvFile({ A: "1", B_C: "x y" }), "A=1\nB_C=x y\n"));
    it("refuses values docker and systemd read differently", () => {
      assert.throws(() => renderEnvFile({ A: '"quoted"' }), /read differently/);
      assert.throws(() => renderEnvFile({ A: "$HOME" }), /read differently/);
      assert.throws(() => renderEnvFile({ lower: "x" }), /upper-case/);
    });
  });

  describe("Kong data plane", () => {
    const env = kongDataPlaneEnv({
      controlPlaneEndpoint: "https://abc.us.cp.konghq.com",
      telemetryEndpoint: "https://abc.us.tp0.konghq.com/",
    });
    it("is a Konnect hybrid data plane", () => {
      assert.equal(env.KONG_ROLE, "data_plane");
      assert.equal(env.KONG_DATABASE, "off");
      assert.equal(env.KONG_KONNECT_MODE, "on");
      assert.equal(env.KONG_CLUSTER_MTLS, "pki");
      assert.equal(env.KONG_CLUSTER_CONTROL_PLANE, "abc.us.cp.konghq.com:443");
      assert.equal(env.KONG_CLUSTER_SERVER_NAME, "abc.us.cp.konghq.com");
      assert.equal(env.KONG_CLUSTER_TELEMETRY_ENDPOINT, "abc.us.tp0.konghq.com:443");
      assert.equal(env.KONG_CLUSTER_TELEMETRY_SERVER_NAME, "abc.us.tp0.konghq.com");
      assert.equal(env.KONG_ADMIN_LISTEN, "off");
    });
    it("holds no secret: the key is a file", () => assert.equal(findSecretMaterial(renderEnvFile(env)), undefined));
    it("refuses endpoints that are not hosts", () =>
      assert.throws(() => hostOf("ftp://x/y/z", "cp"), /not a host name/));
  });

  describe("cloud-init", () => {
    const userData = renderCloudConfig(dockerHost("monolith", ["kuma"]));
    it("is #cloud-config YAML with docker, no passwords, no root login", () => {
      assert.ok(userData.startsWith("#cloud-config\n"));
      const doc = YAML.parse(userData);
      assert.ok(doc.packages.includes("docker.io"));
      assert.equal(doc.ssh_pwauth, false);
      assert.equal(doc.disable_root, true);
      assert.deepEqual(doc.users[1], { name: "kuma", system: true, shell: "/usr/sbin/nologin", lock_passwd: true });
    });
    it("the bootstrap script does the same on existing hosts", () => {
      const script = renderBootstrapScript(dockerHost("monolith", ["kuma"]));
      assert.match(script, /^set -euo pipefail/);
      assert.match(script, /apt-get install -y -q docker\.io ca-certificates curl jq/);
      assert.match(script, /useradd --system --shell \/usr\/sbin\/nologin kuma/);
    });
    it("refuses secret material in user-data", () =>
      assert.throws(
        () => renderCloudConfig({ ...dockerHost("x"), hostname: "-----BEGIN PRIVATE KEY-----" }),
        /PEM private key in plaintext/,
      ));
    itWithTool("cloud-init")("passes cloud-init schema", () => assert.deepEqual(cloudInitFindings(userData), []));
    itWithTool("cloud-init")("cloud-init schema catches a broken document (the check is real)", () =>
      assert.notDeepEqual(cloudInitFindings(userData.replace("ssh_pwauth: false", "ssh_pwauth: [1, 2]")), []),
    );
  });
});
