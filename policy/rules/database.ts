import { isUnknown } from "../view";
import type { ResourceRule } from "./types";

const RDS_INSTANCE = "aws:rds/instance:Instance";
const RDS_CLUSTER = "aws:rds/cluster:Cluster";
const RDS_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance";

export const rdsStorageEncrypted: ResourceRule = {
  scope: "resource",
  name: "rds-storage-encrypted",
  description: "RDS instances and clusters encrypt their storage (and with it backups and snapshots).",
  enforcement: "mandatory",
  remediation: "Set storageEncrypted: true (it cannot be changed later without a snapshot restore).",
  types: [RDS_INSTANCE, RDS_CLUSTER],
  check(r) {
    const value = r.props.storageEncrypted;
    return isUnknown(value) || value === true
      ? []
      : [`storageEncrypted is ${value === undefined ? "not set" : String(value)}`];
  },
};

export const rdsNotPublic: ResourceRule = {
  scope: "resource",
  name: "rds-not-publicly-accessible",
  description: "Databases are not publicly accessible: no public address, reachable only inside the VPC.",
  enforcement: "mandatory",
  remediation: "Set publiclyAccessible: false and reach the database from the control plane's security group.",
  types: [RDS_INSTANCE, RDS_CLUSTER_INSTANCE],
  check(r) {
    return r.props.publiclyAccessible === true ? ["publiclyAccessible is true"] : [];
  },
};

export const rdsMultiAz: ResourceRule = {
  scope: "resource",
  name: "rds-multi-az",
  description:
    "The database runs in one availability zone (a legitimate cost choice for a small control-plane store; a zone outage stops it).",
  enforcement: "advisory",
  remediation: "Set multiAz: true for a standby in a second zone.",
  types: [RDS_INSTANCE],
  check(r) {
    return r.props.multiAz === true || isUnknown(r.props.multiAz)
      ? []
      : ["multiAz is not enabled: a single-AZ instance"];
  },
};

export const rdsFinalSnapshot: ResourceRule = {
  scope: "resource",
  name: "rds-final-snapshot",
  description:
    "Deleting the database keeps no final snapshot (legitimate for rebuildable state; the data is gone with the stack).",
  enforcement: "advisory",
  remediation: "Set skipFinalSnapshot: false and a finalSnapshotIdentifier.",
  types: [RDS_INSTANCE, RDS_CLUSTER],
  check(r) {
    return r.props.skipFinalSnapshot === true
      ? ["skipFinalSnapshot is true: destroying the stack deletes the data without a snapshot"]
      : [];
  },
};
