import type { HostBootstrap } from "./cloudInit";

/** A host that runs containers: Ubuntu's own docker.io package (security updates from Ubuntu, no third-party repo). */
export const dockerHost = (hostname: string, systemUsers: string[] = []): HostBootstrap => ({
  hostname,
  packages: ["docker.io", "ca-certificates", "curl", "jq"],
  systemUsers,
  enableServices: ["docker"],
});
