import { z } from "zod";
import { cidrContains, cidrsOverlap, isAnywhere, isCidr } from "./cidr";
import { KONNECT_REGIONS } from "../providers/konnect/client";
import { AWS_REGIONS } from "./regions";
import { IMAGES, VERSIONS } from "./versions";

/** Every stack config key of this program lives under this namespace, e.g. `cloud-migration-journey:phase`. */
export const PROJECT = "cloud-migration-journey";
export const PHASES = ["crawl", "walk", "run"] as const;
export type Phase = (typeof PHASES)[number];

const RFC1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const VERSION = /^\d+\.\d+(\.\d+){0,2}$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const DURATION = /^\d+(ms|s|m|h)$/;

const label = (what: string, max = 63) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .regex(RFC1123_LABEL, `must be an RFC 1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit) naming ${what}`);
const version = (example: string) => z.string().regex(VERSION, `must be a version like ${example}`);
const cidr = z.string().refine(isCidr, "must be an IPv4 CIDR block like 10.0.0.0/24 (no host bits set)");
const port = z.number().int("must be a whole number").min(1, "must be a port from 1 to 65535").max(65535, "must be a port from 1 to 65535");
const duration = z.string().regex(DURATION, "must be a duration like 500ms, 5s, 1m or 720h");
const nonEmpty = (what: string) => z.string().refine((s) => s.trim().length > 0, `must name ${what}; it is empty`);

/** A container image pinned to a version tag or a digest: never `latest`, never untagged. */
const pinnedImage = (defaultRepository: string) =>
  z
    .object({
      repository: nonEmpty("an image repository").default(defaultRepository),
      tag: z
        .string()
        .regex(IMAGE_TAG, "must be an image tag such as 1.4.2")
        .refine((t) => t !== "latest", "must pin a version: 'latest' moves under you")
        .optional(),
      digest: z.string().regex(DIGEST, "must be sha256:<64 hex digits>").optional(),
    })
    .strict()
    .refine((i) => i.tag !== undefined || i.digest !== undefined, {
      message: "must be pinned: set `tag` (not 'latest') or `digest`",
    });

const subnet = z.object({ cidr, az: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, "must be an availability zone like us-west-2a").optional() }).strict();

const simulatedOnPrem = z
  .object({
    mode: z.literal("simulated"),
    vpcCidr: cidr.default("10.0.0.0/23"),
    subnets: z.array(subnet).length(2, "must list exactly 2 subnets, one per availability zone").optional(),
    instanceType: nonEmpty("an EC2 instance type, e.g. t3.small").default("t3.small"),
    rootVolumeGiB: z.number().int().min(8, "must be at least 8 GiB").max(1024).default(20),
    sshPublicKey: z
      .string()
      .regex(/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+( .*)?$/, "must be an OpenSSH public key line (ssh-ed25519 AAAA...)")
      .optional(),
  })
  .strict();

const existingHost = z
  .object({
    address: nonEmpty("the address the program reaches over SSH"),
    privateAddress: z.ipv4("must be the IPv4 address other on-prem hosts reach it at").optional(),
    sshUser: nonEmpty("the SSH user").default("ubuntu"),
  })
  .strict();

const existingOnPrem = z
  .object({
    mode: z.literal("existing"),
    /** `zone` hosts the on-prem zone's control plane, ingress and egress from the walk phase on. */
    hosts: z.object({ monolith: existingHost, gateway: existingHost, zone: existingHost.optional() }).strict(),
  })
  .strict();

const migration = z
  .object({
    name: label("the migration"),
    pathPrefix: z.string().startsWith("/", "must start with '/'"),
    rewritePrefix: z.string().startsWith("/", "must start with '/'"),
    to: label("the target service in walk's outputs").default("microservice"),
    weight: z.number().int("must be a whole number").min(0, "must be from 0 to 100").max(100, "must be from 0 to 100"),
  })
  .strict();

export const configSchema = z
  .object({
    phase: z.enum(PHASES, { message: `must be one of ${PHASES.join(", ")}` }),
    owner: nonEmpty("the owning team (tagged on every resource)"),
    namePrefix: label("the resource name prefix", 20).default("kmj"),
    adminCidrs: z.array(cidr).min(1, "must list at least one CIDR block allowed to administer hosts (SSH, control-plane APIs)"),
    allowPublicAdmin: z.boolean().default(false),
    clientCidrs: z.array(cidr).min(1, "must list at least one CIDR block of API consumers").default(["0.0.0.0/0"]),
    stackRefs: z
      .object({ crawl: nonEmpty("the crawl stack").optional(), walk: nonEmpty("the walk stack").optional() })
      .strict()
      .default({}),
    onPrem: z.discriminatedUnion("mode", [simulatedOnPrem, existingOnPrem], {
      message: "must have mode 'simulated' (an on-prem data center simulated on AWS) or 'existing' (real hosts)",
    }).default({ mode: "simulated", vpcCidr: "10.0.0.0/23", instanceType: "t3.small", rootVolumeGiB: 20 }),
    monolith: z
      .object({ image: pinnedImage(IMAGES.monolith).optional(), port: port.default(8080), basePath: z.string().startsWith("/").default("/monolith/resources/") })
      .strict()
      .default({ port: 8080, basePath: "/monolith/resources/" }),
    konnect: z
      .object({
        region: z.enum(KONNECT_REGIONS, { message: `must be one of ${KONNECT_REGIONS.join(", ")}` }).default("us"),
        baseUrl: z.url("must be an https URL").optional(),
        controlPlaneName: z.string().min(1).max(100).optional(),
        adoptExisting: z.boolean().default(false),
        gatewayRepository: nonEmpty("the Kong Gateway image repository").default(IMAGES.kongGateway),
        gatewayVersion: version("3.14.0.13").default(VERSIONS.kongGateway),
        timeoutMs: z.number().int().min(1000).max(300000).default(30000),
      })
      .strict()
      .default({ region: "us", adoptExisting: false, gatewayRepository: IMAGES.kongGateway, gatewayVersion: VERSIONS.kongGateway, timeoutMs: 30000 }),
    cloud: z
      .object({
        vpcCidr: cidr.default("10.1.0.0/16"),
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
      .default({ vpcCidr: "10.1.0.0/16", kubernetesVersion: VERSIONS.kubernetes, nodeInstanceType: "t3.medium", nodes: { min: 2, desired: 2, max: 3 }, controlPlaneInstanceType: "t3.small" }),
    mesh: z
      .object({
        version: version("2.13.10").default(VERSIONS.kongMesh),
        onPremZone: label("the on-prem zone").default("on-prem"),
        cloudZone: label("the cloud zone").default("cloud"),
        databaseInstanceClass: nonEmpty("an RDS instance class").default("db.t4g.micro"),
        postgresVersion: version("16.4").default(VERSIONS.postgres),
        tokenValidity: duration.default("8760h"),
      })
      .strict()
      .default({ version: VERSIONS.kongMesh, onPremZone: "on-prem", cloudZone: "cloud", databaseInstanceClass: "db.t4g.micro", postgresVersion: VERSIONS.postgres, tokenValidity: "8760h" }),
    microservice: z
      .object({
        image: pinnedImage(IMAGES.disputes),
        name: label("the microservice").default("microservice"),
        namespace: label("the microservice namespace").default("microservice"),
        port: port.default(8080),
        healthPath: z.string().startsWith("/").default("/actuator/health"),
      })
      .strict()
      .optional(),
    migrations: z.array(migration).default([]),
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
      .default({
        connectTimeout: "2s",
        requestTimeout: "5s",
        idleTimeout: "60s",
        retries: 2,
        perTryTimeout: "2s",
        consecutive5xx: 5,
        ejectionInterval: "10s",
        baseEjectionTime: "30s",
        maxEjectionPercent: 50,
      }),
  })
  .strict();

/**
 * Rules across keys, checked on the raw values so that they are reported together with every
 * other problem (schema refinements stop at the first invalid field). Returns [path, value, message].
 */
export function crossKeyProblems(raw: Record<string, any>): Array<[PropertyKey[], unknown, string]> {
  const problems: Array<[PropertyKey[], unknown, string]> = [];
  const phase = raw.phase;
  const adminCidrs: unknown[] = Array.isArray(raw.adminCidrs) ? raw.adminCidrs : [];
  if (raw.allowPublicAdmin !== true) {
    adminCidrs.forEach((block, i) => {
      if (typeof block === "string" && isAnywhere(block)) {
        problems.push([["adminCidrs", i], block, "opens SSH and the control-plane APIs to the whole internet; name your admin networks, or set allowPublicAdmin: true to accept the risk"]);
      }
    });
  }
  const onPrem = raw.onPrem ?? { mode: "simulated" };
  const onPremCidr = typeof onPrem.vpcCidr === "string" ? onPrem.vpcCidr : "10.0.0.0/23";
  if (onPrem.mode === "simulated" && Array.isArray(onPrem.subnets)) {
    const cidrs: unknown[] = onPrem.subnets.map((s: any) => s?.cidr);
    cidrs.forEach((block, i) => {
      if (typeof block !== "string" || !isCidr(block) || !isCidr(onPremCidr)) return;
      if (!cidrContains(onPremCidr, block)) problems.push([["onPrem", "subnets", i, "cidr"], block, `lies outside the on-prem VPC ${onPremCidr}`]);
      cidrs.slice(0, i).forEach((other, j) => {
        if (typeof other === "string" && isCidr(other) && cidrsOverlap(block, other)) {
          problems.push([["onPrem", "subnets", i, "cidr"], block, `overlaps onPrem.subnets[${j}] (${other})`]);
        }
      });
    });
  }
  const cloudCidr = typeof raw.cloud?.vpcCidr === "string" ? raw.cloud.vpcCidr : "10.1.0.0/16";
  if (phase !== "crawl" && onPrem.mode === "simulated" && isCidr(onPremCidr) && isCidr(cloudCidr) && cidrsOverlap(onPremCidr, cloudCidr)) {
    problems.push([["cloud", "vpcCidr"], cloudCidr, `overlaps the on-prem VPC ${onPremCidr}; the two networks are peered and need distinct ranges`]);
  }
  if (phase === "crawl" && raw.monolith?.image === undefined) {
    problems.push([["monolith", "image"], undefined, "is required in the crawl phase: the pinned image of the monolith, e.g. {repository: docker.io/djfreese/monolith, tag: \"1.0.0\"}"]);
  }
  if (phase === "walk" && raw.microservice === undefined) {
    problems.push([["microservice"], undefined, "is required in the walk phase: the image of the service that takes over from the monolith"]);
  }
  const seen = new Set<unknown>();
  (Array.isArray(raw.migrations) ? raw.migrations : []).forEach((m: any, i: number) => {
    if (seen.has(m?.name)) problems.push([["migrations", i, "name"], m?.name, "is used by an earlier migration; names must be unique"]);
    seen.add(m?.name);
  });
  return problems;
}

export type JourneyConfig = z.output<typeof configSchema> & { awsRegion: string };
export type OnPremConfig = JourneyConfig["onPrem"];
export type Migration = JourneyConfig["migrations"][number];
export type PinnedImage = NonNullable<JourneyConfig["monolith"]["image"]>;

/** `repository:tag` or `repository@digest`. */
export function imageRef(image: PinnedImage): string {
  return image.digest ? `${image.repository}@${image.digest}` : `${image.repository}:${image.tag}`;
}

/** Secrets the program reads from stack config, and the phases that need each. */
export const SECRET_KEYS = {
  konnectToken: { requiredIn: ["crawl", "walk"] as Phase[], hint: "a Konnect personal (kpat_) or system-account (spat_) access token" },
  onPremSshPrivateKey: { requiredIn: [] as Phase[], hint: "the OpenSSH private key for existing on-prem hosts (onPrem.mode: existing)" },
  meshLicense: { requiredIn: [] as Phase[], hint: "the Kong Mesh licence JSON (optional: without it Kong Mesh runs its bundled trial licence)" },
} as const;
export type SecretKey = keyof typeof SECRET_KEYS;

export { AWS_REGIONS };
