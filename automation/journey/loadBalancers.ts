import { promises as dns } from "dns";
import type { DeployedResource } from "../engines/engine";
import { unwrapSecrets } from "../../offline/evaluator";

/**
 * Cloud load balancers that Kubernetes creates for `LoadBalancer` Services live in the phase's
 * network but outside its state: deleting the Service only asks the cloud controller to delete
 * them. Destroy therefore removes a phase's in-cluster resources first, waits until their load
 * balancers are gone, and only then destroys the cluster and the network.
 */

/** Objects inside a Kubernetes cluster (incl. Helm releases), not the provider that reaches it. */
export function isInCluster(resource: DeployedResource): boolean {
  return resource.type.startsWith("kubernetes:");
}

/**
 * Hostnames of the load balancers the phase's state knows: any resource output shaped like a
 * Service status (`status.loadBalancer.ingress[].hostname`), plus the phase's `loadBalancers`
 * output if it exports one (for load balancers of Helm-managed Services).
 */
export function loadBalancerHostnames(resources: DeployedResource[], outputs: Record<string, unknown>): string[] {
  const hostnames = new Set<string>();
  for (const resource of resources) {
    const ingress = (
      unwrapSecrets(resource.outputs) as { status?: { loadBalancer?: { ingress?: Array<{ hostname?: unknown }> } } }
    ).status?.loadBalancer?.ingress;
    for (const entry of Array.isArray(ingress) ? ingress : [])
      if (typeof entry?.hostname === "string") hostnames.add(entry.hostname);
  }
  const exported = unwrapSecrets(outputs.loadBalancers);
  for (const hostname of Array.isArray(exported) ? exported : [])
    if (typeof hostname === "string") hostnames.add(hostname);
  return [...hostnames];
}

/** Whether a load balancer is gone; the default asks DNS (a deleted AWS load balancer's name stops resolving). */
export type LoadBalancerProbe = (hostname: string) => Promise<boolean>;

export const dnsProbe: LoadBalancerProbe = async (hostname) => {
  try {
    await dns.lookup(hostname);
    return false;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOTFOUND" || code === "ENODATA") return true;
    throw err;
  }
};
