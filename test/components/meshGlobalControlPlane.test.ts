import * as assert from "node:assert/strict";
import { ControlPlanePki } from "../../components/controlPlanePki";
import { Host } from "../../components/host";
import { HostSoftware } from "../../components/hostSoftware";
import {
  MeshGlobalControlPlane,
  MeshGlobalControlPlaneArgs,
  RDS_CA_IDENTIFIER,
  rdsCaBundleUrl,
} from "../../components/meshGlobalControlPlane";
import {
  installedFiles,
  isSecret,
  pick,
  recordComponent,
  typesAndNames,
  unknownOutput,
  unwrapSecret,
} from "../support/components";

const ARGS: Omit<MeshGlobalControlPlaneArgs, "pki"> = {
  vpcId: "vpc-cloud",
  vpcCidr: "10.1.0.0/16",
  subnetId: "subnet-public-1",
  privateIp: "10.1.0.10",
  databaseSubnetIds: ["subnet-private-1", "subnet-private-2"],
  ami: { id: "ami-pinned", pinned: true },
  keyName: "cloud-key",
  sshPrivateKey: "ssh-key",
  instanceType: "t3.medium",
  adminCidrs: ["198.51.100.0/24"],
  zoneCidrs: ["10.1.0.0/16", "10.0.0.0/16"],
  image: "kong/kuma-cp:2.13.0",
  database: { instanceClass: "db.t4g.micro", engineVersion: "16" },
  region: "eu-west-1",
  tags: { Project: "test" },
};

const record = (args: Partial<MeshGlobalControlPlaneArgs> = {}) =>
  recordComponent(
    MeshGlobalControlPlane,
    () =>
      new MeshGlobalControlPlane("global", {
        ...ARGS,
        pki: new ControlPlanePki("pki", { organization: "acme" }),
        ...args,
      }),
    (cp) => ({
      apiUrl: cp.apiUrl,
      kdsAddress: cp.kdsAddress,
      adminToken: cp.adminToken,
      securityGroupId: cp.securityGroupId,
    }),
  );

describe(`${MeshGlobalControlPlane.TYPE} alone`, () => {
  it("is a host, a private encrypted Postgres store, the CP's software and its admin token", async () => {
    const cp = await record();
    assert.deepEqual(cp.component.inputs, { privateIp: "10.1.0.10", image: ARGS.image });
    assert.deepEqual(typesAndNames(cp.children), [
      ["command:remote:Command", "global-admin-token"],
      ["aws:rds/instance:Instance", "global-db"],
      ["random:index/randomPassword:RandomPassword", "global-db-password"],
      ["aws:ec2/securityGroup:SecurityGroup", "global-db-sg"],
      ["aws:rds/subnetGroup:SubnetGroup", "global-db-subnets"],
      [Host.TYPE, "global-host"],
      [HostSoftware.TYPE, "global-software"],
    ]);
    assert.ok(isSecret(cp.outputs.adminToken));
    assert.deepEqual(
      { ...cp.outputs, adminToken: unwrapSecret(cp.outputs.adminToken) },
      {
        apiUrl: `https://${unknownOutput("global-host-eip", "publicIp")}:5682`,
        kdsAddress: "grpcs://10.1.0.10:5685",
        adminToken: unknownOutput("global-admin-token", "stdout"),
        securityGroupId: unknownOutput("global-host-sg", "id"),
      },
    );
    assert.ok(cp.waitsFor(cp.resource("global-admin-token"), cp.resource("global-software")));
  });

  it("opens the API (5682) to the admin networks and KDS (5685) to the zones, behind an Elastic IP", async () => {
    const cp = await record();
    const rule = (name: string) => pick(cp.resource(name), "fromPort", "cidrIpv4");
    assert.deepEqual(rule("global-host-in-5682-1"), { fromPort: 5682, cidrIpv4: "198.51.100.0/24" });
    assert.deepEqual(rule("global-host-in-5685-1"), { fromPort: 5685, cidrIpv4: "10.1.0.0/16" });
    assert.deepEqual(rule("global-host-in-5685-2"), { fromPort: 5685, cidrIpv4: "10.0.0.0/16" });
    assert.equal(cp.resource("global-host-eip").type, "aws:ec2/eip:Eip");
  });

  it("keeps the store private: Postgres only from the CP's group, encrypted, verified with the RDS CA", async () => {
    const cp = await record();
    const ingress = cp.childrenOf(cp.resource("global-db-sg"));
    assert.deepEqual(
      ingress.map((r) => pick(r, "fromPort", "toPort", "referencedSecurityGroupId", "cidrIpv4")),
      [
        {
          fromPort: 5432,
          toPort: 5432,
          referencedSecurityGroupId: unknownOutput("global-host-sg", "id"),
          cidrIpv4: undefined,
        },
      ],
    );
    const db = cp.resource("global-db");
    assert.deepEqual(
      pick(
        db,
        "engine",
        "engineVersion",
        "autoMinorVersionUpgrade",
        "caCertIdentifier",
        "storageEncrypted",
        "publiclyAccessible",
        "vpcSecurityGroupIds",
        "dbSubnetGroupName",
      ),
      {
        engine: "postgres",
        engineVersion: "16",
        autoMinorVersionUpgrade: true,
        caCertIdentifier: RDS_CA_IDENTIFIER,
        storageEncrypted: true,
        publiclyAccessible: false,
        vpcSecurityGroupIds: [unknownOutput("global-db-sg", "id")],
        dbSubnetGroupName: unknownOutput("global-db-subnets", "name"),
      },
    );
    assert.ok(isSecret(db.inputs.password) && db.secretOutputs.includes("password"));
    assert.deepEqual(cp.resource("global-db-subnets").inputs.subnetIds, ARGS.databaseSubnetIds);
    const env = unwrapSecret(installedFiles(cp)["/etc/kuma/global-cp/kuma-cp.env"].content) as string;
    assert.match(env, /^KUMA_STORE_POSTGRES_TLS_MODE=verifyFull$/m);
    assert.match(
      cp.resource("global-software-bootstrap").inputs.stdin as string,
      new RegExp(rdsCaBundleUrl("eu-west-1")),
    );
  });

  it("pins a minor version with automatic minor upgrades off", async () => {
    const db = (await record({ database: { instanceClass: "db.t4g.micro", engineVersion: "16.9" } })).resource(
      "global-db",
    );
    assert.deepEqual(pick(db, "engineVersion", "autoMinorVersionUpgrade"), {
      engineVersion: "16.9",
      autoMinorVersionUpgrade: false,
    });
  });

  it("serves TLS with a PKI certificate for its public and private address; secrets land 0600", async () => {
    const cp = await record({ license: "LICENSE" });
    const csr = cp.all.find((r) => r.name === "global-tls-csr")!;
    assert.deepEqual(csr.inputs.ipAddresses, [unknownOutput("global-host-eip", "publicIp"), "10.1.0.10"]);
    const installed = installedFiles(cp);
    for (const secret of ["kuma-cp.env", "tls.key", "license.json"]) {
      const file = installed[`/etc/kuma/global-cp/${secret}`];
      assert.equal(file.mode, "0600", secret);
      assert.ok(isSecret(file.content), secret);
    }
    assert.deepEqual(
      Object.keys(installedFiles(await record())).sort(),
      [
        "/etc/kuma/global-cp/kuma-cp.env",
        "/etc/kuma/global-cp/tls.crt",
        "/etc/kuma/global-cp/tls.key",
        "/etc/systemd/system/kuma-cp.service",
      ],
      "no licence file without a licence",
    );
  });
});
