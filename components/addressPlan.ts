import { hostAddress } from "../lib/cidr";

/**
 * The one address plan of the hosts: for each role, the network it is on, which of that network's
 * (public) subnets and which address of it. Keyed by role, never by position: adding a host never
 * moves another (a moved address would replace its instance). Offsets stay at or below 20 so that
 * every subnet the config accepts (/27 at the smallest) holds them.
 */
export const HOST_ADDRESS_PLAN = {
  /** Crawl: the Kong gateway, in the first availability zone. */
  gateway: { network: "onPrem", subnet: 0, offset: 10 },
  /** Crawl: the monolith, in the second availability zone. */
  monolith: { network: "onPrem", subnet: 1, offset: 10 },
  /** Walk: the on-prem zone's control plane, ingress and egress. */
  zoneControlPlane: { network: "onPrem", subnet: 0, offset: 20 },
  /** Walk: the Kong Mesh global control plane, in the cloud's first public subnet. */
  globalControlPlane: { network: "cloud", subnet: 0, offset: 10 },
} as const satisfies Record<string, { network: "onPrem" | "cloud"; subnet: number; offset: number }>;

export type HostRole = keyof typeof HOST_ADDRESS_PLAN;
/** A network hosts are placed in: its subnets' ids and CIDR blocks, in the same order. */
export interface HostSubnets<Id> {
  subnetIds: readonly Id[];
  subnetCidrs: readonly string[];
}

/** Where the host of `role` goes: its subnet and its fixed private address. */
export function placeHost<Id>(role: HostRole, network: HostSubnets<Id>): { subnetId: Id; privateIp: string } {
  const { subnet, offset } = HOST_ADDRESS_PLAN[role];
  const cidr = network.subnetCidrs[subnet];
  const subnetId = network.subnetIds[subnet];
  if (cidr === undefined || subnetId === undefined)
    throw new Error(
      `host ${role} goes in subnet ${subnet + 1}, but its network has ${network.subnetCidrs.length} subnet(s)`,
    );
  return { subnetId, privateIp: hostAddress(cidr, offset) };
}
