/**
 * The CrossGuard policy pack `cloud-migration-journey`: `pulumi preview --policy-pack policy`.
 * The rules live in ./rules and also run on the offline plan (./offline.ts, `journey plan --policy`).
 * Constructing the PolicyPack starts its gRPC server, so nothing but the Pulumi CLI imports this file.
 */
import { PolicyPack } from "@pulumi/policy";
import { packArgs } from "./crossguard";
import { PACK_NAME } from "./report";

new PolicyPack(PACK_NAME, packArgs());
