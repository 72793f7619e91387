import { strict as assert } from "assert";
import {
  ebsEncrypted,
  eksEndpointAdminOnly,
  eksPublicEndpoint,
  imagesPinned,
  imdsv2Required,
  injectorFailsClosed,
  meshMtlsOn,
  meshMtlsStrict,
  noAllowAllTraffic,
  noPlaintextSecrets,
  noWorldAdminIngress,
  rdsFinalSnapshot,
  rdsMultiAz,
  rdsNotPublic,
  rdsStorageEncrypted,
  requiredTags,
  RULES,
  singleNatGateway,
  workloadsNonRootWithLimits,
} from "../../policy/rules";
import { imageProblem, imagesInCommands } from "../../policy/rules/images";
import { SECRET_CONFIG_KEYS, SECRET_SHAPES } from "../../policy/rules/secrets";
import { SECRET_KEYS } from "../../config/schema";
import { SECRET_PATTERNS } from "../../render/secretMaterial";
import { mesh, meshTrafficPermissions } from "../../render/kuma";
import { kongMeshZoneValues, microserviceManifests } from "../../render/k8s";
import { kumaControlPlaneUnit, postgresUnit } from "../../render/meshHost";
import { viewOf } from "../../policy/view";
import { check, checkStack, fake } from "./support";
import { InstalledFile } from "../../components/hostSoftware";
import { MeshGlobalControlPlane } from "../../components/meshGlobalControlPlane";
import { Monolith } from "../../components/monolith";
import { unknownOutput } from "../support/components";

const PEM = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----";
const KPAT = "kpat_0123456789abcdefghijABCDEFGHIJ";
const TAGS = { Project: "cloud-migration-journey", Phase: "walk", Owner: "platform-team" };

describe("policy rules (pure, over the neutral view)", () => {
  it("the pack lists each rule once, with a level, a description and a remediation", () => {
    const names = RULES.map((r) => r.name);
    assert.equal(new Set(names).size, names.length);
    for (const rule of RULES) {
      assert.match(rule.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(["mandatory", "advisory"].includes(rule.enforcement));
      assert.ok(rule.description.length > 20 && rule.remediation.length > 10, rule.name);
    }
    assert.deepEqual(
      RULES.filter((r) => r.enforcement === "advisory")
        .map((r) => r.name)
        .sort(),
      [
        "eks-public-endpoint-enabled",
        "kuma-mesh-mtls-strict",
        "rds-final-snapshot",
        "rds-multi-az",
        "single-nat-gateway",
      ],
    );
  });

  describe("no-world-admin-ingress", () => {
    const rule = (props: Record<string, unknown>) =>
      fake("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", props);
    it("passes admin-only SSH, the public proxy ports and egress", () => {
      assert.deepEqual(
        check(noWorldAdminIngress, rule({ ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "203.0.113.0/24" })),
        [],
      );
      assert.deepEqual(
        check(noWorldAdminIngress, rule({ ipProtocol: "tcp", fromPort: 8000, toPort: 8000, cidrIpv4: "0.0.0.0/0" })),
        [],
      );
      assert.deepEqual(
        check(noWorldAdminIngress, rule({ ipProtocol: "udp", fromPort: 0, toPort: 65535, cidrIpv4: "0.0.0.0/0" })),
        [],
      );
      assert.deepEqual(
        check(
          noWorldAdminIngress,
          fake("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", { ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" }),
        ),
        [],
      );
    });
    it("fails SSH, control-plane and database ports open to the internet, in all three declarations", () => {
      assert.deepEqual(
        check(noWorldAdminIngress, rule({ ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" })),
        ["opens SSH (22) to 0.0.0.0/0"],
      );
      assert.deepEqual(
        check(noWorldAdminIngress, rule({ ipProtocol: "tcp", fromPort: 5681, toPort: 5682, cidrIpv6: "::/0" })),
        ["opens the Kuma API (HTTP) (5681), the Kuma API (HTTPS) (5682) to ::/0"],
      );
      // The tutorial: every TCP port to the world.
      assert.equal(
        check(noWorldAdminIngress, rule({ ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" }))[0],
        "opens SSH (22), Postgres (5432), the Kuma DP server (5678), the Kuma API (HTTP) (5681), the Kuma API (HTTPS) (5682), Kuma KDS (5685) to 0.0.0.0/0",
      );
      const inline = fake("aws:ec2/securityGroup:SecurityGroup", {
        ingress: [
          { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
          { protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["10.0.0.0/8", "0.0.0.0/0"] },
        ],
      });
      assert.deepEqual(check(noWorldAdminIngress, inline), ["ingress[1] opens Postgres (5432) to 0.0.0.0/0"]);
      const legacy = (type: string) =>
        fake("aws:ec2/securityGroupRule:SecurityGroupRule", {
          type,
          protocol: "tcp",
          fromPort: 0,
          toPort: 65535,
          cidrBlocks: ["0.0.0.0/0"],
        });
      assert.equal(check(noWorldAdminIngress, legacy("ingress")).length, 1);
      assert.deepEqual(check(noWorldAdminIngress, legacy("egress")), []);
    });
    it("fails the internet cut in halves ([0.0.0.0/1, 128.0.0.0/1]) and any public block shorter than /16; private ranges pass", () => {
      assert.deepEqual(
        check(noWorldAdminIngress, rule({ ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/1" })),
        ["opens SSH (22) to 0.0.0.0/1"],
      );
      assert.deepEqual(
        check(noWorldAdminIngress, rule({ ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "128.0.0.0/1" })),
        ["opens SSH (22) to 128.0.0.0/1"],
      );
      assert.deepEqual(
        check(noWorldAdminIngress, rule({ ipProtocol: "tcp", fromPort: 5682, toPort: 5682, cidrIpv4: "8.0.0.0/7" })),
        ["opens the Kuma API (HTTPS) (5682) to 8.0.0.0/7"],
      );
      assert.deepEqual(
        check(noWorldAdminIngress, rule({ ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "10.0.0.0/8" })),
        [],
      );
      assert.deepEqual(
        check(noWorldAdminIngress, rule({ ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "198.51.0.0/16" })),
        [],
      );
    });
    it("leaves ports unknown during preview undecided, and takes its port list from config", () => {
      assert.deepEqual(
        check(
          noWorldAdminIngress,
          rule({ ipProtocol: "tcp", fromPort: "[unknown]", toPort: "[unknown]", cidrIpv4: "0.0.0.0/0" }),
        ),
        [],
      );
      assert.deepEqual(
        check(noWorldAdminIngress, rule({ ipProtocol: "tcp", fromPort: 3389, toPort: 3389, cidrIpv4: "0.0.0.0/0" }), {
          ports: [3389],
        }),
        ["opens port (3389) to 0.0.0.0/0"],
      );
    });
  });

  describe("ec2-imdsv2-required", () => {
    const instance = (metadataOptions?: unknown) => fake("aws:ec2/instance:Instance", { metadataOptions });
    it("passes required tokens, a disabled endpoint and node groups with enableIMDSv2", () => {
      assert.deepEqual(check(imdsv2Required, instance({ httpTokens: "required", httpEndpoint: "enabled" })), []);
      assert.deepEqual(check(imdsv2Required, instance({ httpEndpoint: "disabled" })), []);
      assert.deepEqual(check(imdsv2Required, fake("eks:index:ManagedNodeGroup", { enableIMDSv2: true })), []);
      assert.deepEqual(check(imdsv2Required, fake("eks:index:Cluster", { skipDefaultNodeGroup: true })), []);
      assert.deepEqual(check(imdsv2Required, instance({ httpTokens: "[unknown]" })), []);
    });
    it("fails optional or unset tokens, node groups without enableIMDSv2 and a default node group without it", () => {
      assert.deepEqual(check(imdsv2Required, instance({ httpTokens: "optional" })), [
        'metadataOptions.httpTokens is "optional"',
      ]);
      assert.deepEqual(check(imdsv2Required, instance()), [
        "metadataOptions.httpTokens is not set (IMDSv1 stays enabled)",
      ]);
      assert.equal(check(imdsv2Required, fake("aws:ec2/launchTemplate:LaunchTemplate", {})).length, 1);
      assert.match(
        check(imdsv2Required, fake("eks:index:ManagedNodeGroup", { instanceTypes: ["t3.medium"] }))[0],
        /enableIMDSv2 is not true/,
      );
      assert.match(check(imdsv2Required, fake("eks:index:Cluster", { version: "1.34" }))[0], /default node group/);
    });
  });

  describe("ebs-encrypted", () => {
    it("passes encrypted root, data, standalone and template volumes", () => {
      assert.deepEqual(
        check(
          ebsEncrypted,
          fake("aws:ec2/instance:Instance", {
            rootBlockDevice: { encrypted: true },
            ebsBlockDevices: [{ encrypted: true }],
          }),
        ),
        [],
      );
      assert.deepEqual(check(ebsEncrypted, fake("aws:ebs/volume:Volume", { encrypted: true })), []);
      assert.deepEqual(
        check(
          ebsEncrypted,
          fake("aws:ec2/launchTemplate:LaunchTemplate", {
            blockDeviceMappings: [{ ebs: { encrypted: "true" } }, { noDevice: "" }],
          }),
        ),
        [],
      );
    });
    it("fails an unencrypted or implicit root volume, data volume, standalone volume or template mapping", () => {
      assert.deepEqual(
        check(ebsEncrypted, fake("aws:ec2/instance:Instance", { ebsBlockDevices: [{ encrypted: false }] })),
        ["the root volume (rootBlockDevice.encrypted) is not encrypted", "ebsBlockDevices[0] is not encrypted"],
      );
      assert.deepEqual(check(ebsEncrypted, fake("aws:ebs/volume:Volume", {})), ["the volume is not encrypted"]);
      assert.deepEqual(
        check(
          ebsEncrypted,
          fake("aws:ec2/launchTemplate:LaunchTemplate", { blockDeviceMappings: [{ ebs: { volumeSize: 20 } }] }),
        ),
        ["blockDeviceMappings[0].ebs is not encrypted"],
      );
    });
  });

  describe("databases", () => {
    const db = (props: Record<string, unknown>) => fake("aws:rds/instance:Instance", props);
    it("rds-storage-encrypted and rds-not-publicly-accessible pass a private, encrypted store and fail otherwise", () => {
      assert.deepEqual(check(rdsStorageEncrypted, db({ storageEncrypted: true })), []);
      assert.deepEqual(check(rdsStorageEncrypted, db({})), ["storageEncrypted is not set"]);
      assert.deepEqual(check(rdsStorageEncrypted, fake("aws:rds/cluster:Cluster", { storageEncrypted: false })), [
        "storageEncrypted is false",
      ]);
      assert.deepEqual(check(rdsNotPublic, db({ publiclyAccessible: false })), []);
      assert.deepEqual(check(rdsNotPublic, db({ publiclyAccessible: true })), ["publiclyAccessible is true"]);
    });
    it("advisories: single-AZ and no final snapshot", () => {
      assert.deepEqual(check(rdsMultiAz, db({ multiAz: true })), []);
      assert.equal(check(rdsMultiAz, db({})).length, 1);
      assert.deepEqual(check(rdsFinalSnapshot, db({ skipFinalSnapshot: false })), []);
      assert.equal(check(rdsFinalSnapshot, db({ skipFinalSnapshot: true })).length, 1);
    });
  });

  describe("eks-endpoint-admin-cidrs", () => {
    const component = (props: Record<string, unknown>) => fake("eks:index:Cluster", props);
    const child = (vpcConfig: Record<string, unknown>) => fake("aws:eks/cluster:Cluster", { vpcConfig });
    it("passes a private endpoint and a public one limited to admin networks (component inputs and the child cluster)", () => {
      assert.deepEqual(check(eksEndpointAdminOnly, component({ endpointPublicAccess: false })), []);
      assert.deepEqual(
        check(eksEndpointAdminOnly, component({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] })),
        [],
      );
      assert.deepEqual(
        check(eksEndpointAdminOnly, child({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/25"] }), {
          adminCidrs: ["203.0.113.0/24"],
        }),
        [],
      );
    });
    it("fails an endpoint open to the world, by default, with no CIDRs, or outside the configured admin CIDRs", () => {
      assert.deepEqual(check(eksEndpointAdminOnly, component({ publicAccessCidrs: ["0.0.0.0/0"] })), [
        "the public endpoint accepts 0.0.0.0/0",
      ]);
      assert.match(
        check(eksEndpointAdminOnly, component({ version: "1.34" }))[0],
        /sets no publicAccessCidrs, so AWS opens it to 0\.0\.0\.0\/0/,
      );
      assert.match(check(eksEndpointAdminOnly, child({ endpointPrivateAccess: true }))[0], /0\.0\.0\.0\/0/);
      assert.deepEqual(check(eksEndpointAdminOnly, component({ publicAccessCidrs: [] })), [
        "the public endpoint lists no publicAccessCidrs",
      ]);
      assert.deepEqual(
        check(eksEndpointAdminOnly, child({ publicAccessCidrs: ["198.51.100.0/24"] }), {
          adminCidrs: ["203.0.113.0/24"],
        }),
        ["the public endpoint accepts 198.51.100.0/24, outside adminCidrs (203.0.113.0/24)"],
      );
    });
    it("advisory eks-public-endpoint-enabled flags any public endpoint", () => {
      assert.deepEqual(check(eksPublicEndpoint, component({ endpointPublicAccess: false })), []);
      assert.deepEqual(check(eksPublicEndpoint, component({ publicAccessCidrs: ["203.0.113.0/24"] })), [
        "the API endpoint is public (restricted to 203.0.113.0/24)",
      ]);
    });
  });

  describe("no-plaintext-secrets", () => {
    const known = [{ label: "the secret config konnectToken", value: "not-a-pattern-but-secret" }];
    it("reuses render/secretMaterial.ts's shapes and watches every secret config key", () => {
      for (const shape of SECRET_PATTERNS)
        assert.ok(SECRET_SHAPES.includes(shape), `${shape[0]} is one of the rule's shapes`);
      assert.deepEqual([...SECRET_CONFIG_KEYS].sort(), Object.keys(SECRET_KEYS).sort());
    });
    it("passes secrets marked secret in secret channels: SSH stdin, 0600 files, connections, outputs", () => {
      assert.deepEqual(
        check(
          noPlaintextSecrets,
          fake(
            "command:remote:Command",
            { create: "sudo install -m 0600 /dev/stdin /etc/x", stdin: PEM, connection: { privateKey: PEM } },
            [["stdin"], ["connection"]],
          ),
        ),
        [],
      );
      assert.deepEqual(
        check(noPlaintextSecrets, fake(InstalledFile.TYPE, { mode: "0600", content: `TOKEN=${KPAT}` }, [["content"]])),
        [],
      );
      assert.deepEqual(
        check(noPlaintextSecrets, fake("pulumi:pulumi:Stack", { sshPrivateKey: PEM }, [["sshPrivateKey"]])),
        [],
      );
    });
    it("cannot judge a secret channel where secrecy is not visible (CrossGuard) and does not guess", () => {
      assert.deepEqual(check(noPlaintextSecrets, fake(InstalledFile.TYPE, { mode: "0600", content: PEM })), []);
    });
    it("fails plaintext secrets in secret channels, by shape or by known value", () => {
      assert.deepEqual(check(noPlaintextSecrets, fake("pulumi:pulumi:Stack", { sshPrivateKey: PEM }, [])), [
        "sshPrivateKey carries a PEM private key but is not marked secret: the state and every preview would hold it in plaintext",
      ]);
      assert.match(
        check(noPlaintextSecrets, fake("command:remote:Command", { stdin: `x=${known[0].value}` }, []), {}, known)[0],
        /^stdin carries the secret config konnectToken but is not marked secret/,
      );
      assert.match(
        check(
          noPlaintextSecrets,
          fake(
            "kubernetes:core/v1:Secret",
            { stringData: { token: "eyJhbGciOiJSUzI1.eyJzdWIiOiJ6b25l.c2lnbmF0dXJlMTIz" } },
            [],
          ),
        )[0],
        /JSON web token/,
      );
    });
    it("fails secrets in user-data, command lines, readable host files, container env values and ConfigMaps even when marked secret", () => {
      const all = [["userData"], ["create"], ["content"], ["spec"], ["data"]];
      assert.match(
        check(
          noPlaintextSecrets,
          fake("aws:ec2/instance:Instance", { userData: `#cloud-config\nwrite_files: [{content: "${KPAT}"}]` }, all),
        )[0],
        /^userData carries a Konnect access token: user-data is readable/,
      );
      assert.match(
        check(
          noPlaintextSecrets,
          fake("aws:ec2/instance:Instance", { userDataBase64: Buffer.from(PEM).toString("base64") }, all),
        )[0],
        /^userDataBase64 carries a PEM private key/,
      );
      assert.match(
        check(
          noPlaintextSecrets,
          fake(
            "command:remote:Command",
            { create: `curl -H 'Authorization: Bearer ${KPAT}' https://us.api.konghq.com` },
            all,
          ),
        )[0],
        /^create carries a Konnect access token: command lines/,
      );
      assert.match(
        check(
          noPlaintextSecrets,
          fake(InstalledFile.TYPE, { mode: "0644", content: `KUMA_STORE_POSTGRES_PASSWORD=${known[0].value}` }, all),
          {},
          known,
        )[0],
        /^content carries the secret config konnectToken: the file is mode 0644/,
      );
      const deployment = {
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: "app",
                  env: [
                    { name: "TOKEN", value: KPAT },
                    { name: "OK", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
                  ],
                },
              ],
            },
          },
        },
      };
      assert.deepEqual(check(noPlaintextSecrets, fake("kubernetes:apps/v1:Deployment", deployment, all)), [
        "spec.template.spec.containers[0].env[0].value carries a Konnect access token: a literal env value is readable by anyone who can read the workload; deliver it over a secret channel instead",
      ]);
      assert.match(
        check(noPlaintextSecrets, fake("kubernetes:core/v1:ConfigMap", { data: { key: PEM } }, all))[0],
        /ConfigMaps are not secret/,
      );
    });
    it("ignores short known values and never echoes a secret in its messages", () => {
      const messages = check(
        noPlaintextSecrets,
        fake("command:remote:Command", { create: `echo ${KPAT} abc` }, []),
        {},
        [{ label: "short", value: "abc" }],
      );
      assert.equal(messages.length, 1);
      assert.ok(!messages[0].includes(KPAT));
    });
  });

  describe("container-images-pinned", () => {
    it("knows a pinned reference from a moving one", () => {
      assert.equal(imageProblem("docker.io/kong/kuma-cp:2.13.10"), undefined);
      assert.equal(imageProblem(`registry.example.com:5000/disputes@sha256:${"a".repeat(64)}`), undefined);
      assert.equal(imageProblem("registry.example.com:5000/disputes"), "has no tag, which means latest");
      assert.equal(imageProblem("djfreese/monolith:latest"), "uses the tag latest, which moves under you");
      assert.equal(imageProblem("x@sha256:abc"), "has a malformed digest");
      assert.equal(imageProblem(`docker.io/kong/kuma-cp:${unknownOutput("x", "tag")}`), undefined);
    });
    it("reads the images of docker run/pull lines in the program's own systemd units", () => {
      const unit = kumaControlPlaneUnit({
        image: "docker.io/kong/kuma-cp:2.13.10",
        hostDir: "/etc/kuma/global-cp",
        description: "cp",
      });
      assert.deepEqual(imagesInCommands(unit), [
        "docker.io/kong/kuma-cp:2.13.10",
        "docker.io/kong/kuma-cp:2.13.10",
        "docker.io/kong/kuma-cp:2.13.10",
      ]);
      assert.deepEqual(
        imagesInCommands(postgresUnit({ image: "docker.io/library/postgres:16.4", dataDir: "/d", envFile: "/e" })),
        ["docker.io/library/postgres:16.4", "docker.io/library/postgres:16.4"],
      );
      assert.deepEqual(
        imagesInCommands('ExecStart=/usr/bin/docker run --rm --name=x -e A=1 --read-only "ghcr.io/a/b:1" run'),
        ["ghcr.io/a/b:1"],
      );
    });
    it("passes pinned images in host units, workloads, Helm values and component config", () => {
      const unit = postgresUnit({ image: "docker.io/library/postgres:16.4", dataDir: "/d", envFile: "/e" });
      assert.deepEqual(
        check(
          imagesPinned,
          fake(InstalledFile.TYPE, { path: "/etc/systemd/system/p.service", mode: "0644", content: unit }),
        ),
        [],
      );
      const app = microserviceManifests({
        name: "microservice",
        namespace: "microservice",
        port: 8080,
        image: "docker.io/djfreese/disputes:1.0.0",
        healthPath: "/h",
        replicas: 2,
      });
      assert.deepEqual(
        check(
          imagesPinned,
          fake("kubernetes:apps/v1:Deployment", app.deployment as unknown as Record<string, unknown>),
        ),
        [],
      );
      assert.deepEqual(
        check(
          imagesPinned,
          fake("kubernetes:helm.sh/v3:Release", {
            chart: "kong-mesh",
            values: { kuma: { controlPlane: { image: { tag: "2.13.10" } } } },
          }),
        ),
        [],
      );
      assert.deepEqual(check(imagesPinned, fake(Monolith.TYPE, { image: "docker.io/djfreese/monolith:1.0.0" })), []);
    });
    it("fails latest and untagged images wherever they are", () => {
      const unit = postgresUnit({ image: "docker.io/library/postgres", dataDir: "/d", envFile: "/e" });
      assert.deepEqual(
        check(
          imagesPinned,
          fake(InstalledFile.TYPE, { path: "/etc/systemd/system/p.service", mode: "0644", content: unit }),
        ),
        [
          "content: docker.io/library/postgres has no tag, which means latest",
          "content: docker.io/library/postgres has no tag, which means latest",
        ],
      );
      assert.deepEqual(
        check(imagesPinned, fake("command:remote:Command", { create: "docker pull djfreese/monolith:latest" })),
        ["create: djfreese/monolith:latest uses the tag latest, which moves under you"],
      );
      const pod = {
        spec: {
          template: {
            spec: {
              initContainers: [{ name: "init", image: "busybox" }],
              containers: [{ name: "app", image: "x/y:latest" }],
            },
          },
        },
      };
      assert.deepEqual(check(imagesPinned, fake("kubernetes:apps/v1:Deployment", pod)), [
        "initContainers[0] (init): busybox has no tag, which means latest",
        "containers[0] (app): x/y:latest uses the tag latest, which moves under you",
      ]);
      assert.deepEqual(
        check(
          imagesPinned,
          fake("kubernetes:helm.sh/v3:Release", {
            values: { kuma: { controlPlane: { image: { tag: "latest" } }, dataPlane: { image: "kong/kuma-dp" } } },
          }),
        ),
        [
          'values.kuma.controlPlane.image.tag: the tag "latest" is not a pinned version',
          "values.kuma.dataPlane.image: kong/kuma-dp has no tag, which means latest",
        ],
      );
      assert.deepEqual(
        check(imagesPinned, fake(MeshGlobalControlPlane.TYPE, { image: "docker.io/kong/kuma-cp:latest" })),
        ["image: docker.io/kong/kuma-cp:latest uses the tag latest, which moves under you"],
      );
    });
  });

  describe("Kuma mesh", () => {
    const kuma = (resource: unknown, name = "r") =>
      fake("pulumi-nodejs:dynamic/kuma:Resource", { resource }, undefined, name);
    it("kuma-mesh-mtls passes the program's Mesh and fails one without an enabled CA backend", () => {
      assert.deepEqual(check(meshMtlsOn, kuma(mesh())), []);
      assert.deepEqual(check(meshMtlsOn, kuma({ type: "Mesh", name: "default" })), [
        "Mesh default: mTLS is off (mtls.enabledBackend is not set)",
      ]);
      assert.deepEqual(
        check(
          meshMtlsOn,
          kuma({
            type: "Mesh",
            name: "m",
            mtls: { enabledBackend: "ca-1", backends: [{ name: "ca-2", type: "builtin" }] },
          }),
        ),
        ['Mesh m: mTLS is off (mtls.enabledBackend "ca-1" names no backend in mtls.backends)'],
      );
      // The same resource as a Kubernetes CRD and as a manifest on a host.
      assert.equal(
        check(
          meshMtlsOn,
          fake("kubernetes:kuma.io/v1alpha1:Mesh", {
            apiVersion: "kuma.io/v1alpha1",
            kind: "Mesh",
            metadata: { name: "default" },
            spec: {},
          }),
        ).length,
        1,
      );
      assert.equal(
        check(meshMtlsOn, fake(InstalledFile.TYPE, { kumaResource: true, content: "type: Mesh\nname: default\n" }))
          .length,
        1,
      );
    });
    it("kuma-mesh-mtls-strict advises against PERMISSIVE", () => {
      assert.deepEqual(check(meshMtlsStrict, kuma(mesh())), []);
      assert.deepEqual(check(meshMtlsStrict, kuma(mesh({ mtlsMode: "PERMISSIVE" }))), [
        "Mesh default: mTLS mode is PERMISSIVE",
      ]);
    });
    it("kuma-no-allow-all-traffic passes the program's deny-by-default permissions", () => {
      const resources = [kuma(mesh(), "mesh"), ...meshTrafficPermissions().map((p) => kuma(p, p.name))];
      assert.deepEqual(checkStack(noAllowAllTraffic, resources), []);
    });
    it("kuma-no-allow-all-traffic fails Mesh-wide Allow, legacy allow-all, a Mesh that lets the CP add one, and permissions in a mesh without mTLS", () => {
      const allowAll = {
        type: "MeshTrafficPermission",
        mesh: "default",
        name: "allow-all",
        spec: { targetRef: { kind: "Mesh" }, from: [{ targetRef: { kind: "Mesh" }, default: { action: "Allow" } }] },
      };
      const legacy = {
        type: "TrafficPermission",
        mesh: "default",
        name: "allow-all-default",
        sources: [{ match: { "kuma.io/service": "*" } }],
        destinations: [{ match: { "kuma.io/service": "*" } }],
      };
      const { skipCreatingInitialPolicies: _skip, ...openMesh } = mesh();
      void _skip;
      assert.deepEqual(checkStack(noAllowAllTraffic, [kuma(mesh(), "mesh"), kuma(allowAll, "p"), kuma(legacy, "l")]), [
        {
          resource: "p",
          message:
            "MeshTrafficPermission allow-all: from[0] lets every proxy of mesh default reach every proxy (Allow)",
        },
        {
          resource: "l",
          message: 'TrafficPermission allow-all-default: sources[0] matches every service (kuma.io/service: "*")',
        },
      ]);
      assert.match(
        checkStack(noAllowAllTraffic, [kuma(openMesh, "mesh")])[0].message,
        /skipCreatingInitialPolicies lacks TrafficPermission/,
      );
      const [permission] = meshTrafficPermissions();
      assert.deepEqual(
        checkStack(noAllowAllTraffic, [kuma({ ...mesh(), mtls: undefined }, "mesh"), kuma(permission, "p")]),
        [
          {
            resource: "p",
            message: `MeshTrafficPermission ${permission.name}: mesh default of this stack has mTLS off, so permissions are not enforced and all traffic is allowed`,
          },
        ],
      );
    });
  });

  describe("Kubernetes", () => {
    const app = microserviceManifests({
      name: "microservice",
      namespace: "microservice",
      port: 8080,
      image: "docker.io/djfreese/disputes:1.0.0",
      healthPath: "/h",
      replicas: 2,
    });
    const values = kongMeshZoneValues({
      zone: "cloud",
      kdsGlobalAddress: "grpcs://10.1.0.10:5685",
      kdsCaSecretName: "ca",
      cpTokenSecretName: "token",
    });
    const release = (v: unknown) => fake("kubernetes:helm.sh/v3:Release", { chart: "kong-mesh", values: v });
    it("k8s-workloads-non-root-with-limits passes the microservice and the mesh chart's values", () => {
      assert.deepEqual(
        check(
          workloadsNonRootWithLimits,
          fake("kubernetes:apps/v1:Deployment", app.deployment as unknown as Record<string, unknown>),
        ),
        [],
      );
      assert.deepEqual(check(workloadsNonRootWithLimits, release(values)), []);
    });
    it("k8s-workloads-non-root-with-limits fails root, privileged and unlimited containers and a chart component without limits", () => {
      const pod = {
        spec: {
          securityContext: { runAsNonRoot: true },
          containers: [
            { name: "a", securityContext: { runAsUser: 0 }, resources: { limits: { cpu: "1", memory: "1Gi" } } },
            { name: "b", securityContext: { privileged: true } },
          ],
        },
      };
      assert.deepEqual(check(workloadsNonRootWithLimits, fake("kubernetes:core/v1:Pod", pod)), [
        "containers[0] (a) runs as uid 0",
        "containers[1] (b) is privileged",
        "containers[1] (b): no cpu or memory limit",
      ]);
      assert.deepEqual(
        check(
          workloadsNonRootWithLimits,
          fake("kubernetes:batch/v1:CronJob", {
            spec: {
              jobTemplate: {
                spec: { template: { spec: { containers: [{ name: "c", resources: { limits: { memory: "1Gi" } } }] } } },
              },
            },
          }),
        ),
        ["containers[0] (c) may run as root: set runAsNonRoot: true", "containers[0] (c): no cpu limit"],
      );
      const noLimits = {
        kuma: {
          ...values.kuma,
          egress: { ...values.kuma.egress, resources: { requests: { cpu: "1", memory: "1Gi" } } },
        },
      };
      assert.deepEqual(check(workloadsNonRootWithLimits, release(noLimits)), [
        "values.kuma.egress.resources: no cpu or memory limit",
      ]);
    });
    it("kuma-injector-fails-closed passes Fail and fails Ignore or the chart default", () => {
      assert.deepEqual(check(injectorFailsClosed, release(values)), []);
      assert.deepEqual(
        check(injectorFailsClosed, release({ kuma: { controlPlane: { injectorFailurePolicy: "Ignore" } } })),
        ['values.kuma.controlPlane.injectorFailurePolicy is "Ignore"'],
      );
      assert.deepEqual(
        check(injectorFailsClosed, fake("kubernetes:helm.sh/v3:Release", { chart: "kuma", values: {} })),
        ["values.controlPlane.injectorFailurePolicy is not set (the chart's default applies)"],
      );
      assert.deepEqual(
        check(injectorFailsClosed, fake("kubernetes:helm.sh/v3:Release", { chart: "ingress-nginx", values: {} })),
        [],
      );
    });
  });

  describe("aws-required-tags", () => {
    it("passes Project, Phase and Owner (from tags or the provider's tagsAll) and skips untaggable types", () => {
      assert.deepEqual(check(requiredTags, fake("aws:ec2/vpc:Vpc", { tags: TAGS }), {}, [], "walk"), []);
      assert.deepEqual(check(requiredTags, fake("aws:ec2/vpc:Vpc", { tags: { Name: "x" }, tagsAll: TAGS })), []);
      assert.deepEqual(check(requiredTags, fake("aws:ec2/route:Route", {})), []);
    });
    it("fails missing or empty tags, a Phase of another phase, and honours configured keys", () => {
      assert.deepEqual(check(requiredTags, fake("aws:rds/instance:Instance", { tags: { Project: "p", Owner: " " } })), [
        "missing tags Phase, Owner",
      ]);
      assert.deepEqual(check(requiredTags, fake("eks:index:Cluster", { version: "1.34" })), [
        "missing tags Project, Phase, Owner",
      ]);
      assert.deepEqual(check(requiredTags, fake("aws:ec2/vpc:Vpc", { tags: TAGS }), {}, [], "run"), [
        'tag Phase is "walk" in the run phase',
      ]);
      assert.deepEqual(check(requiredTags, fake("aws:ec2/vpc:Vpc", { tags: TAGS }), { requiredTags: ["CostCenter"] }), [
        "missing tag CostCenter",
      ]);
    });
  });

  it("leaves a pulumi-eks component registered without inputs (a real preview, pulumi-eks on an older SDK) to its children", () => {
    for (const type of ["eks:index:Cluster", "eks:index:ManagedNodeGroup"]) {
      for (const rule of [imdsv2Required, eksEndpointAdminOnly, eksPublicEndpoint, requiredTags])
        assert.deepEqual(check(rule, fake(type, {})), [], `${rule.name} on ${type}`);
    }
  });

  it("aws-required-tags can exempt what a component creates inside itself, by the ancestor types in the URN", () => {
    const group = viewOf({
      type: "aws:ec2/securityGroup:SecurityGroup",
      name: "node-sg",
      urn: "urn:pulumi:walk::cloud-migration-journey::journey:cloud:Zone$eks:index:Cluster$aws:ec2/securityGroup:SecurityGroup::node-sg",
      props: { vpcId: "vpc-1" },
    });
    assert.deepEqual(check(requiredTags, group), ["missing tags Project, Phase, Owner"]);
    assert.deepEqual(check(requiredTags, group, { exemptWithin: ["eks:index:Cluster"] }), []);
    assert.deepEqual(
      check(requiredTags, fake("eks:index:Cluster", { version: "1.34" }), { exemptWithin: ["eks:index:Cluster"] }),
      ["missing tags Project, Phase, Owner"],
    );
    // pulumi-eks's node-group launch template takes no tags from it; launch templates are not required to carry them.
    assert.deepEqual(
      check(
        requiredTags,
        fake("aws:ec2/launchTemplate:LaunchTemplate", { metadataOptions: { httpTokens: "required" } }),
      ),
      [],
    );
  });

  describe("single-nat-gateway (advisory)", () => {
    const subnet = (az: string, name: string) =>
      fake("aws:ec2/subnet:Subnet", { availabilityZone: az }, undefined, name);
    it("passes one NAT per zone and flags fewer NATs than zones", () => {
      const nat = (name: string) => fake("aws:ec2/natGateway:NatGateway", {}, undefined, name);
      assert.deepEqual(checkStack(singleNatGateway, [subnet("a", "s1"), subnet("b", "s2"), nat("n1"), nat("n2")]), []);
      assert.deepEqual(checkStack(singleNatGateway, [subnet("a", "s1"), subnet("a", "s2")]), []);
      assert.deepEqual(checkStack(singleNatGateway, [subnet("a", "s1"), subnet("b", "s2"), nat("n1")]), [
        { resource: "n1", message: "1 NAT gateway(s) serve subnets in 2 availability zones (a, b)" },
      ]);
    });
  });
});
