import { z } from "zod";
import { cidr, label, nonEmpty, port, version } from "./fields";
import { repository } from "./image";
import { KONNECT_REGIONS } from "./konnect";
import type { SecretKey } from "./secrets";
import { IMAGES, VERSIONS } from "./versions";

/** What the phase schemas check besides the config itself: the region and which secrets are set. */
export interface SchemaContext {
  /** `aws:region`: availability zones must be of it. */
  awsRegion?: string;
  /** The secrets set on the stack; without it (e.g. for key suggestions) secret rules are not checked. */
  secrets?: ReadonlySet<SecretKey>;
}

const owner = nonEmpty("the owning team (tagged on every resource)").max(
  256,
  "must be at most 256 characters: AWS's limit for a tag value, and it is tagged on every resource",
);

/** Keys every phase has: who owns the stack, how resources are named, who may administer them. */
export const commonKeys = {
  owner,
  namePrefix: label("the resource name prefix", 20).default("kmj"),
  adminCidrs: z
    .array(cidr)
    .min(1, "must list at least one CIDR block allowed to administer hosts (SSH, control-plane APIs)"),
  allowPublicAdmin: z.boolean().default(false),
};

/** The hosts' image (crawl and walk), pinned: AMI ids are per region. */
export const amiId = z
  .string()
  .regex(/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/, "must be an AMI id like ami-0123456789abcdef0 (of aws:region)")
  .optional();

/** Where the monolith listens: crawl runs it there, walk and run route to it. */
export const monolithKeys = {
  port: port.default(8080),
  basePath: z.string().startsWith("/").default("/monolith/resources/"),
};

/** The Konnect API (both phases that call it) and crawl's control plane. */
export const konnect = z
  .object({
    region: z.enum(KONNECT_REGIONS, { message: `must be one of ${KONNECT_REGIONS.join(", ")}` }).default("us"),
    baseUrl: z
      .url({
        protocol: /^https$/,
        message: "must be an https URL: the Konnect token travels in every request to it",
      })
      .optional(),
    controlPlaneName: z.string().min(1).max(100).optional(),
    adoptExisting: z.boolean().default(false),
    gatewayRepository: repository("the Kong Gateway image repository").default(IMAGES.kongGateway),
    gatewayVersion: version("3.14.0.13").default(VERSIONS.kongGateway),
    timeoutMs: z.number().int().min(1000).max(300000).default(30000),
  })
  .strict()
  .prefault({});
