import { z } from "zod";
import { commonProblems, MISSING, reporter, subnetProblems } from "./crossKey";
import { cidr } from "./fields";
import { pinnedImage } from "./image";
import { crawlOnPrem, DEFAULT_ONPREM_CIDR } from "./onPrem";
import { amiId, commonKeys, konnect, monolithKeys, SchemaContext } from "./shared";
import { IMAGES } from "./versions";

/** Crawl: the on-prem data center, the monolith on it and the Konnect gateway in front of it. */
export const crawlConfigSchema = (context: SchemaContext = {}) =>
  z
    .object({
      phase: z.literal("crawl"),
      ...commonKeys,
      /** The hosts' image, pinned (AMI ids are per region); without it the newest Ubuntu 24.04, kept once a host exists. */
      amiId,
      clientCidrs: z.array(cidr).min(1, "must list at least one CIDR block of API consumers").default(["0.0.0.0/0"]),
      onPrem: crawlOnPrem.prefault({ mode: "simulated" }),
      monolith: z
        .object({
          image: pinnedImage("monolith.image", IMAGES.monolith),
          ...monolithKeys,
        })
        .strict()
        // Absent, it is parsed as {}: its defaults filled in and the missing image explained.
        .prefault({} as { image: never }),
      konnect,
    })
    .strict()
    .superRefine(
      (config, ctx) => {
        const report = reporter(ctx);
        commonProblems(config, "crawl", context).forEach(report);
        const onPrem = config.onPrem as Record<string, unknown> | undefined;
        if (onPrem?.mode === "simulated" && Array.isArray(onPrem.subnets)) {
          const vpcCidr = typeof onPrem.vpcCidr === "string" ? onPrem.vpcCidr : DEFAULT_ONPREM_CIDR;
          subnetProblems(onPrem.subnets, vpcCidr, context.awsRegion).forEach(report);
        }
        if (context.secrets && onPrem?.mode === "simulated" && onPrem.sshPublicKey !== undefined) {
          if (!context.secrets.has("onPremSshPrivateKey"))
            report([
              ["onPremSshPrivateKey"],
              MISSING,
              "is required with onPrem.sshPublicKey (the private half of that key pair, for SSH to the hosts) and missing; run `pulumi config set --secret onPremSshPrivateKey < ~/.ssh/id_ed25519`",
            ]);
        }
      },
      { when: () => true },
    );
