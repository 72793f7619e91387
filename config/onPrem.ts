import { z } from "zod";
import { parseCidr } from "../lib/cidr";
import { cidr, nonEmpty, sizedCidr } from "./fields";

/**
 * The `onPrem` block: a data center simulated on AWS (`mode: simulated`) or your real hosts
 * (`mode: existing`). Crawl builds it; walk adds the on-prem zone's host to it.
 */

/** The on-prem network crawl simulates when `onPrem.vpcCidr` is not set. */
export const DEFAULT_ONPREM_CIDR = "10.0.0.0/23";

const onPremModes = "must have mode 'simulated' (an on-prem data center simulated on AWS) or 'existing' (real hosts)";
const instanceType = nonEmpty("an EC2 instance type, e.g. t3.small").default("t3.small");
const onPremVpcCidr = sizedCidr(25, "two /26 subnets are cut from it");
const sshPublicKey = z
  .string()
  .regex(
    /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+( .*)?$/,
    "must be an OpenSSH public key line (ssh-ed25519 AAAA...)",
  );

const subnet = z
  .object({
    cidr: cidr.refine((c) => {
      const p = parseCidr(c)?.prefix;
      return p === undefined || (p >= 16 && p <= 27);
    }, "must be from /16 to /27 (hosts take addresses up to .20 of it)"),
    az: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, "must be an availability zone like us-west-2a")
      .optional(),
  })
  .strict();

/** A host of your data center; `whenMissing` explains a required one that is absent. */
const existingHost = (whenMissing?: string) =>
  z
    .object(
      {
        address: nonEmpty("the address the program reaches over SSH"),
        privateAddress: z.ipv4("must be the IPv4 address other on-prem hosts reach it at").optional(),
        sshUser: nonEmpty("the SSH user").default("ubuntu"),
      },
      whenMissing ? { error: (issue) => (issue.input === undefined ? whenMissing : undefined) } : undefined,
    )
    .strict();

/** Crawl's: the network and the monolith's and gateway's hosts. */
export const crawlOnPrem = z.discriminatedUnion(
  "mode",
  [
    z
      .object({
        mode: z.literal("simulated"),
        vpcCidr: onPremVpcCidr.default(DEFAULT_ONPREM_CIDR),
        subnets: z.array(subnet).length(2, "must list exactly 2 subnets, one per availability zone").optional(),
        instanceType,
        rootVolumeGiB: z.number().int().min(8, "must be at least 8 GiB").max(1024).default(20),
        sshPublicKey: sshPublicKey.optional(),
      })
      .strict(),
    z
      .object({
        mode: z.literal("existing"),
        /** `zone` is walk's (the on-prem zone's host); crawl accepts it so that both stacks can share the block. */
        hosts: z
          .object({ monolith: existingHost(), gateway: existingHost(), zone: existingHost().optional() })
          .strict(),
      })
      .strict(),
  ],
  { message: onPremModes },
);

/** Walk's: the on-prem zone's host; the rest is crawl's, read from its outputs. */
export const walkOnPrem = z.discriminatedUnion(
  "mode",
  [
    z
      .object({
        mode: z.literal("simulated"),
        /** Crawl's: walk reads it from crawl's outputs; given here, it must be the same (checked against crawl). */
        vpcCidr: onPremVpcCidr.optional(),
        /** Crawl's alone: refused here. */
        subnets: z.unknown().optional(),
        /** The on-prem zone's host. */
        instanceType,
      })
      .strict(),
    z
      .object({
        mode: z.literal("existing"),
        /** `zone` hosts the on-prem zone's control plane, ingress and egress; the others are crawl's (walk reads them from crawl). */
        hosts: z
          .object({
            zone: existingHost(
              "is required in the walk phase with onPrem.mode existing (the host of the on-prem zone control plane, ingress and egress)",
            ),
            monolith: existingHost().optional(),
            gateway: existingHost().optional(),
          })
          .strict(),
      })
      .strict(),
  ],
  { message: onPremModes },
);
