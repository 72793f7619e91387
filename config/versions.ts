/**
 * Every piece of third-party software the program installs, pinned in one place. Stack config can
 * override each; images may also be pinned by digest (`image.digest`) where the config has one.
 */
export const VERSIONS = {
  /** Kong Gateway Enterprise LTS line. */
  kongGateway: "3.14.0.13",
  /** Kong Mesh LTS line (2.13.x, supported to 2027-12); the Helm chart version equals it. */
  kongMesh: "2.13.10",
  /** Postgres for the mesh control-plane stores (RDS engine version and the on-prem container). */
  postgres: "16.4",
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

export const KONG_MESH_CHART = { repo: "https://kong.github.io/kong-mesh-charts", chart: "kong-mesh" } as const;
