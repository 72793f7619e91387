import { z } from "zod";
import { cidrsOverlap, isCidr, parseCidr } from "../lib/cidr";
import { KONNECT_REGIONS } from "./konnect";
import { AWS_REGIONS } from "./regions";
import { IMAGES, VERSIONS } from "./versions";
import {
  adminCidrProblems,
  DEFAULT_ONPREM_CIDR,
  migrationProblems,
  mirrorHint,
  Problem,
  subnetProblems,
} from "./crossKey";
import { EARLY_ACCESS_VALUE, KONG_REQUEST_ID_HEADER } from "../render/kuma/httpRoutes";
export { DEFAULT_ONPREM_CIDR, phaseStackProblem } from "./crossKey";

import { PHASES, Phase, PROJECT } from "./project";
export { PHASES, PROJECT };
export type { Phase };

const RFC1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const VERSION = /^\d+\.\d+(\.\d+){0,2}$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const DURATION = /^\d+(ms|s|m|h)$/;
/** A docker repository: `[registry[:port]/]path`, lower-case path components, nothing a shell or systemd would read. */
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const IMAGE_REPOSITORY = new RegExp(
  `^(?:[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*(?::\\d+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`,
);
/** Namespaces the cluster or the mesh own: a workload there would share their privileges and lifecycle. */
export const RESERVED_NAMESPACES = [
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "default",
  "kong-mesh-system",
] as const;

const label = (what: string, max = 63) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .regex(
      RFC1123_LABEL,
      `must be an RFC 1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit) naming ${what}`,
    );
const version = (example: string) => z.string().regex(VERSION, `must be a version like ${example}`);
const cidr = z.string().refine(isCidr, "must be an IPv4 CIDR block like 10.0.0.0/24 (no host bits set)");
const port = z
  .number()
  .int("must be a whole number")
  .min(1, "must be a port from 1 to 65535")
  .max(65535, "must be a port from 1 to 65535");
const duration = z.string().regex(DURATION, "must be a duration like 500ms, 5s, 1m or 720h");
const nonEmpty = (what: string) => z.string().refine((s) => s.trim().length > 0, `must name ${what}; it is empty`);
const repository = (what: string) =>
  z
    .string()
    .regex(
      IMAGE_REPOSITORY,
      `must be ${what}: an image repository like registry.example.com/team/name (lower-case, no spaces or shell characters)`,
    );
const stackName = (what: string) =>
  z
    .string()
    .regex(
      /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+){0,2}$/,
      `must name ${what} as <stack>, <org>/<stack> or <org>/<project>/<stack> (file backend: organization/cloud-migration-journey/<stack>)`,
    );
/** A VPC range AWS accepts (/16 to /28) that still holds the subnets the program cuts from it. */
const sizedCidr = (longest: number, why: string) =>
  cidr.refine((c) => {
    const prefix = parseCidr(c)?.prefix;
    return prefix === undefined || (prefix >= 16 && prefix <= longest);
  }, `must be from /16 (the largest VPC AWS allows) to /${longest} (${why})`);

/** A container image pinned to a version tag or a digest: never `latest`, never untagged; required, with how to get one. */
const pinnedImage = (key: string, upstream: string) =>
  z
    .object(
      {
        repository: repository("an image repository").optional(),
        tag: z
          .string()
          .regex(IMAGE_TAG, "must be an image tag such as 1.4.2")
          .refine((t) => t !== "latest", "must pin a version: 'latest' moves under you")
          .optional(),
        digest: z.string().regex(DIGEST, "must be sha256:<64 hex digits>").optional(),
      },
      { error: (issue) => (issue.input === undefined ? mirrorHint(key, upstream) : undefined) },
    )
    .strict()
    .refine((i) => i.tag !== undefined || i.digest !== undefined, {
      message: "must be pinned: set `tag` (not 'latest') or `digest`",
    })
    .refine((i) => i.repository !== undefined, {
      message: mirrorHint(`${key}.repository`, upstream),
      path: ["repository"],
    })
    .transform((i) => ({ ...i, repository: i.repository as string }));

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

/** Callers who reach a migration's microservice whatever its weight (render/kuma meshHttpRoute). */
const earlyAccess = z
  .object({
    header: z
      .string()
      .max(256, "must be at most 256 characters")
      .regex(/^[a-z0-9!#$%&'*+\-.^_`|~]+$/, "must be a lower-case HTTP header name like x-journey-early-access")
      .refine(
        (h) => h !== KONG_REQUEST_ID_HEADER,
        `must not be ${KONG_REQUEST_ID_HEADER}: its random values split the weighted traffic`,
      ),
    values: z
      .array(z.string().regex(EARLY_ACCESS_VALUE, "must be 1 to 128 letters, digits or ._~+/=:@- (matched exactly)"))
      .min(1, "must list at least one header value, e.g. [qa]")
      .refine((v) => new Set(v).size === v.length, "must not list a value twice"),
    enabled: z.boolean().default(true),
  })
  .strict();

/** What a shift step must show on live traffic (automation/journey/gates.ts); needs `metrics.prometheusUrl`. */
const percent = (what: string) =>
  z
    .number({ message: `must be a number: ${what}` })
    .min(0, "must be from 0 to 100")
    .max(100, "must be from 0 to 100");
const metricGates = z
  .object({
    minSuccessRate: percent(
      "the lowest share of the microservice's requests answered without a 5xx, in percent, e.g. 99.5",
    ).optional(),
    maxP99: duration.optional(),
    maxErrorRateAboveMonolith: percent(
      "how many percentage points the microservice's error rate may exceed the monolith's, e.g. 1",
    ).optional(),
    minRequests: z
      .number()
      .int("must be a whole number")
      .min(1, "must be at least 1: below it a step holds")
      .default(20),
    holdTimeout: duration.default("10m"),
    interval: duration
      .refine((d) => !/^\d+ms$/.test(d) || Number(d.slice(0, -2)) >= 1000, "must be at least 1s")
      .default("5s"),
  })
  .strict()
  .refine(
    (g) => g.minSuccessRate !== undefined || g.maxP99 !== undefined || g.maxErrorRateAboveMonolith !== undefined,
    "must set at least one of minSuccessRate, maxP99, maxErrorRateAboveMonolith",
  );

const migration = z
  .object({
    name: label("the migration"),
    pathPrefix: z.string().startsWith("/", "must start with '/'"),
    rewritePrefix: z.string().startsWith("/", "must start with '/'"),
    to: label("the target service in walk's outputs").default("microservice"),
    weight: z.number().int("must be a whole number").min(0, "must be from 0 to 100").max(100, "must be from 0 to 100"),
    earlyAccess: earlyAccess.optional(),
    gates: metricGates.optional(),
  })
  .strict();

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
const amiId = z
  .string()
  .regex(/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/, "must be an AMI id like ami-0123456789abcdef0 (of aws:region)")
  .optional();
const instanceType = nonEmpty("an EC2 instance type, e.g. t3.small").default("t3.small");
const onPremVpcCidr = sizedCidr(25, "two /26 subnets are cut from it");
const sshPublicKey = z
  .string()
  .regex(
    /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+( .*)?$/,
    "must be an OpenSSH public key line (ssh-ed25519 AAAA...)",
  );
const onPremModes = "must have mode 'simulated' (an on-prem data center simulated on AWS) or 'existing' (real hosts)";

/** Keys every phase has: who owns the stack, how resources are named, who may administer them. */
const commonKeys = {
  owner,
  namePrefix: label("the resource name prefix", 20).default("kmj"),
  adminCidrs: z
    .array(cidr)
    .min(1, "must list at least one CIDR block allowed to administer hosts (SSH, control-plane APIs)"),
  allowPublicAdmin: z.boolean().default(false),
};

/** Where the monolith listens: crawl runs it there, walk and run route to it. */
const monolithKeys = {
  port: port.default(8080),
  basePath: z.string().startsWith("/").default("/monolith/resources/"),
};

/** The Konnect API (both phases that call it) and crawl's control plane. */
const konnect = z
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

// ---------------------------------------------------------------- crawl

const crawlOnPrem = z.discriminatedUnion(
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

// ---------------------------------------------------------------- walk

const walkOnPrem = z.discriminatedUnion(
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
      cloud: z
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
        .prefault({}),
      mesh: z
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
        .prefault({}),
      microservice: z
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
        .strict(),
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

// ---------------------------------------------------------------- run

/** Run: the cutover policies, one per migration. */
export const runConfigSchema = (context: SchemaContext = {}) =>
  z
    .object({
      phase: z.literal("run"),
      ...commonKeys,
      stackRefs: z
        .object({ crawl: stackName("the crawl stack").optional(), walk: stackName("the walk stack").optional() })
        .strict()
        .prefault({}),
      /** The monolith's base path: the public path of each migration is derived from it. */
      monolith: z.object(monolithKeys).strict().prefault({}),
      migrations: z.array(migration).default([]),
      /** Where metric gates read live traffic: the Prometheus HTTP API. */
      metrics: z
        .object({
          prometheusUrl: z.url({
            protocol: /^https?$/,
            message: "must be an http(s) URL of the Prometheus HTTP API, e.g. http://prometheus.internal:9090",
          }),
        })
        .strict()
        .optional(),
      resilience: z
        .object({
          connectTimeout: duration.default("2s"),
          requestTimeout: duration.default("5s"),
          idleTimeout: duration.default("60s"),
          retries: z.number().int().min(0).max(10).default(2),
          perTryTimeout: duration.default("2s"),
          consecutive5xx: z.number().int().min(1).max(100).default(5),
          ejectionInterval: duration.default("10s"),
          baseEjectionTime: duration.default("30s"),
          maxEjectionPercent: z.number().int().min(0).max(100).default(50),
        })
        .strict()
        .prefault({}),
    })
    .strict()
    .superRefine(
      (config, ctx) => {
        const report = reporter(ctx);
        commonProblems(config, "run", context).forEach(report);
        migrationProblems(config.migrations).forEach(report);
      },
      { when: () => true },
    );

/** Each phase's schema, by phase. */
export const PHASE_SCHEMAS = { crawl: crawlConfigSchema, walk: walkConfigSchema, run: runConfigSchema } as const;

/** The stack config: one schema per phase, chosen by `phase`. */
export const configSchema = (context: SchemaContext = {}) =>
  z.discriminatedUnion("phase", [crawlConfigSchema(context), walkConfigSchema(context), runConfigSchema(context)], {
    message: `must be one of ${PHASES.join(", ")}`,
  });

/** Marks a problem about something absent: its message shows no value. */
const MISSING = Symbol("missing");

/** Adds [path, value, message] problems to a refinement, the value shown unless it is MISSING. */
function reporter(ctx: z.RefinementCtx) {
  return ([path, input, message]: Problem | [PropertyKey[], typeof MISSING, string]) =>
    ctx.addIssue({
      code: "custom",
      path: path as (string | number)[],
      message,
      input: input === MISSING ? undefined : input,
      params: input === MISSING ? { missing: true } : undefined,
    });
}

/** Rules of every phase: admin networks, and the secrets the phase needs. */
function commonProblems(
  config: { adminCidrs?: unknown; allowPublicAdmin?: unknown },
  phase: Phase,
  context: SchemaContext,
) {
  const problems: Array<Problem | [PropertyKey[], typeof MISSING, string]> = [...adminCidrProblems(config)];
  for (const name of Object.keys(SECRET_KEYS) as SecretKey[]) {
    const rule = SECRET_KEYS[name];
    if (context.secrets && rule.requiredIn.includes(phase) && !context.secrets.has(name)) {
      problems.push([
        [name],
        MISSING,
        `is required in the ${phase} phase and missing; run \`pulumi config set --secret ${name} <value>\` (${rule.hint})`,
      ]);
    }
  }
  const onPrem = (config as { onPrem?: { mode?: unknown } }).onPrem;
  if (context.secrets && onPrem?.mode === "existing" && !context.secrets.has("onPremSshPrivateKey")) {
    problems.push([
      ["onPremSshPrivateKey"],
      MISSING,
      "is required with onPrem.mode existing and missing; run `pulumi config set --secret onPremSshPrivateKey < ~/.ssh/id_ed25519`",
    ]);
  }
  return problems;
}

export type CrawlConfig = z.output<ReturnType<typeof crawlConfigSchema>> & { awsRegion: string };
export type WalkConfig = z.output<ReturnType<typeof walkConfigSchema>> & { awsRegion: string };
export type RunConfig = z.output<ReturnType<typeof runConfigSchema>> & { awsRegion: string };
/** The validated config of a stack, of whichever phase it is. */
export type JourneyConfig = CrawlConfig | WalkConfig | RunConfig;
export type PhaseConfig<P extends Phase> = Extract<JourneyConfig, { phase: P }>;
export type CrawlOnPrem = CrawlConfig["onPrem"];
export type WalkOnPrem = WalkConfig["onPrem"];
export type Migration = RunConfig["migrations"][number];
export type PinnedImage = CrawlConfig["monolith"]["image"];

/** `repository:tag` or `repository@digest`. */
export function imageRef(image: PinnedImage): string {
  return image.digest ? `${image.repository}@${image.digest}` : `${image.repository}:${image.tag}`;
}

/** Secrets the program reads from stack config, and the phases that need each. */
export const SECRET_KEYS = {
  konnectToken: {
    requiredIn: ["crawl", "walk"] as Phase[],
    hint: "a Konnect personal (kpat_) or system-account (spat_) access token",
  },
  onPremSshPrivateKey: {
    requiredIn: [] as Phase[],
    hint: "the OpenSSH private key for existing on-prem hosts (onPrem.mode: existing)",
  },
  meshLicense: {
    requiredIn: [] as Phase[],
    hint: "the Kong Mesh licence JSON (required in walk unless mesh.trial: true)",
  },
  /** Read by `journey` (not the program) from run's stack: where it posts notifications. */
  notifyUrl: {
    requiredIn: [] as Phase[],
    hint: "the webhook journey posts its steps, gate decisions and rollbacks to (https)",
  },
} as const;
export type SecretKey = keyof typeof SECRET_KEYS;

export { AWS_REGIONS };
