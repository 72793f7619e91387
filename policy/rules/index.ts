/** Every rule of the pack, written once over the neutral view (../view.ts) and run by both adapters. */
import { ebsEncrypted, imdsv2Required } from "./compute";
import { rdsFinalSnapshot, rdsMultiAz, rdsNotPublic, rdsStorageEncrypted } from "./database";
import { eksEndpointAdminOnly, eksPublicEndpoint } from "./eks";
import { imagesPinned } from "./images";
import { injectorFailsClosed, workloadsNonRootWithLimits } from "./kubernetes";
import { meshMtlsOn, meshMtlsStrict, noAllowAllTraffic } from "./mesh";
import { noWorldAdminIngress, singleNatGateway } from "./network";
import { noPlaintextSecrets } from "./secrets";
import { requiredTags } from "./tags";
import type { Rule } from "./types";

export * from "./types";

export const RULES: readonly Rule[] = [
  // mandatory
  noWorldAdminIngress,
  imdsv2Required,
  ebsEncrypted,
  rdsStorageEncrypted,
  rdsNotPublic,
  eksEndpointAdminOnly,
  noPlaintextSecrets,
  imagesPinned,
  meshMtlsOn,
  noAllowAllTraffic,
  workloadsNonRootWithLimits,
  injectorFailsClosed,
  requiredTags,
  // advisory: legitimate choices worth a second look
  singleNatGateway,
  rdsMultiAz,
  rdsFinalSnapshot,
  eksPublicEndpoint,
  meshMtlsStrict,
];

export {
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
  singleNatGateway,
  workloadsNonRootWithLimits,
};
