import { z } from "zod";
import { cidrsOverlap, isCidr } from "../lib/cidr";
import { commonProblems, MISSING, reporter } from "./crossKey";
import { duration, label, nonEmpty, port, sizedCidr, stackName, version } from "./fields";
import { pinnedImage } from "./image";
import { walkOnPrem } from "./onPrem";
import { amiId, commonKeys, konnect, monolithKeys, SchemaContext } from "./shared";
import { IMAGES, VERSIONS } from "./versions";

/** Namespaces the cluster or the mesh own: a workload there would share their privileges and lifecycle. */
export const RESERVED_NAMESPACES = [
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "default",
  "kong-mesh-system",
] as const;

const cloud = z
  .object({
    vpcCidr: sizedCidr(18, "two /24 and two /20 subnets are cut from it").default("10.1.0.0/16"),
    kubernetesVersion: version("1.34").default(VERSIONS.kubernetes),
    nodeInstanceType: nonEmpty("an EC2 instance type for EKS nodes").default("t3.medium"),
    nodes: z
      .object({ min: z.number().int().min(1), desired: z.number().int().min(1), max: z.number().int().min(1) })
      .strict()
      .refine((n) => n.min <= n.desired && n.desired <= n.max, "must satisfy min <= desired <= max")
      .default({ min: 2, desired: 2, max: 3 }),
    controlPlaneInstanceType: nonEmpty("an EC2 instance type for the mesh control planes").default("t3.small"),
  })
  .strict()
  .prefault({});

const mesh = z
  .object({
    version: version("2.13.10").default(VERSIONS.kongMesh),
    onPremZone: label("the on-prem zone").default("on-prem"),
    cloudZone: label("the cloud zone").default("cloud"),
    databaseInstanceClass: nonEmpty("an RDS instance class").default("db.t4g.micro"),
    /** The on-prem zone's Postgres container. */
    postgresVersion: version("16.4").default(VERSIONS.postgres),
    /** RDS: a major ("16", minor upgrades by AWS) or a current minor ("16.9", minor upgrades off). */
    databaseEngineVersion: z
      .string()
      .regex(
        /^\d+(\.\d+)?$/,
        "must be a Postgres major like 16 (AWS applies minor upgrades) or a minor like 16.9 (pinned, upgrades off)",
      )
      .default(VERSIONS.rdsPostgres),
    /** Run on Kong Mesh's bundled trial licence (5 data plane proxies, 30 days) instead of meshLicense. */
    trial: z.boolean().default(false),
    tokenValidity: duration.default("8760h"),
  })
  .strict()
  .prefault({});

const microservice = z
  .object(
    {
      image: pinnedImage("microservice.image", IMAGES.disputes),
      name: label("the microservice").default("microservice"),
      namespace: label("the microservice namespace")
        .refine(
          (n) => !(RESERVED_NAMESPACES as readonly string[]).includes(n),
          `is reserved for the cluster or the mesh; allowed: a namespace of the microservice's own, not ${RESERVED_NAMESPACES.join(", ")}`,
        )
        .default("microservice"),
      port: port.default(8080),
      healthPath: z.string().startsWith("/").default("/actuator/health"),
    },
    {
      error: (issue) =>
        issue.input === undefined
          ? "is required in the walk phase: the service that takes over from the monolith, with its image"
          : undefined,
    },
  )
  .strict();

/** Walk: the cloud, the mesh across both zones, and the microservice. */
export const walkConfigSchema = (context: SchemaContext = {}) =>
  z
    .object({
      phase: z.literal("walk"),
      ...commonKeys,
      amiId,
      stackRefs: z
        .object({ crawl: stackName("the crawl stack").optional() })
        .strict()
        .prefault({}),
      onPrem: walkOnPrem.prefault({ mode: "simulated" }),
      monolith: z.object(monolithKeys).strict().prefault({}),
      konnect,
      cloud,
      mesh,
      microservice,
    })
    .strict()
    .superRefine(
      (config, ctx) => {
        const report = reporter(ctx);
        commonProblems(config, "walk", context).forEach(report);
        const onPrem = config.onPrem as Record<string, unknown> | undefined;
        if (onPrem?.mode === "simulated" && onPrem.subnets !== undefined) {
          report([
            ["onPrem", "subnets"],
            onPrem.subnets,
            "is crawl's to set; allowed: leave it out of walk's config (walk reads crawl's subnets from its outputs)",
          ]);
        }
        const cloudCidr = typeof config.cloud?.vpcCidr === "string" ? config.cloud.vpcCidr : "10.1.0.0/16";
        const onPremCidr = onPrem?.mode === "simulated" ? onPrem.vpcCidr : undefined;
        if (
          typeof onPremCidr === "string" &&
          isCidr(onPremCidr) &&
          isCidr(cloudCidr) &&
          cidrsOverlap(onPremCidr, cloudCidr)
        ) {
          report([
            ["cloud", "vpcCidr"],
            cloudCidr,
            `overlaps the on-prem VPC ${onPremCidr}; the two networks are peered and need distinct ranges`,
          ]);
        }
        const zones = config.mesh as { onPremZone?: unknown; cloudZone?: unknown; trial?: unknown } | undefined;
        if (zones && zones.onPremZone === zones.cloudZone) {
          report([
            ["mesh", "cloudZone"],
            zones.cloudZone,
            "is also mesh.onPremZone; allowed: a zone name different from the on-prem zone's (each zone registers with the global control plane under its own name)",
          ]);
        }
        if (context.secrets && !context.secrets.has("meshLicense") && zones?.trial !== true) {
          report([
            ["meshLicense"],
            MISSING,
            "is required in the walk phase and missing; run `pulumi config set --secret meshLicense < license.json`, " +
              "or set mesh.trial: true to run on Kong Mesh's bundled trial licence (5 data plane proxies, 30 days; once it expires the control plane does not start)",
          ]);
        }
      },
      { when: () => true },
    );
