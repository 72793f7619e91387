/** IPv4 CIDR arithmetic for network planning: pure functions, no I/O. */

export interface Ipv4Block {
  /** First address as an unsigned 32-bit integer. */
  start: number;
  prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseIpv4(address: string): number | undefined {
  const m = IPV4.exec(address);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

/** Parses `a.b.c.d/n`; undefined when malformed or when host bits are set (10.0.0.1/24). */
export function parseCidr(cidr: string): Ipv4Block | undefined {
  const [address, prefixText, ...rest] = cidr.split("/");
  if (rest.length > 0 || prefixText === undefined || !/^\d{1,2}$/.test(prefixText)) return undefined;
  const start = parseIpv4(address);
  const prefix = Number(prefixText);
  if (start === undefined || prefix > 32) return undefined;
  if ((start & ~maskOf(prefix)) >>> 0 !== 0) return undefined;
  return { start, prefix };
}

export function isCidr(cidr: string): boolean {
  return parseCidr(cidr) !== undefined;
}

export function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function blockOf(cidr: string): Ipv4Block {
  const block = parseCidr(cidr);
  if (!block) throw new Error(`"${cidr}" is not an IPv4 CIDR block`);
  return block;
}

/** True when `inner` lies wholly inside `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = blockOf(outer);
  const i = blockOf(inner);
  return i.prefix >= o.prefix && i.start >= o.start && i.start + blockSize(i.prefix) <= o.start + blockSize(o.prefix);
}

export function cidrsOverlap(a: string, b: string): boolean {
  const x = blockOf(a);
  const y = blockOf(b);
  return x.start < y.start + blockSize(y.prefix) && y.start < x.start + blockSize(x.prefix);
}

/** The first `count` consecutive blocks of size /`prefix` inside `cidr`, skipping the first `skip` of them. */
export function subdivide(cidr: string, prefix: number, count: number, skip = 0): string[] {
  const parent = blockOf(cidr);
  if (prefix < parent.prefix || prefix > 28) {
    throw new Error(
      `cannot cut /${prefix} subnets out of ${cidr}: the prefix must lie between /${parent.prefix} and /28`,
    );
  }
  const available = blockSize(parent.prefix) / blockSize(prefix);
  if (skip + count > available) {
    throw new Error(`${cidr} holds only ${available} /${prefix} subnets; ${skip + count} were asked for`);
  }
  return Array.from(
    { length: count },
    (_, i) => `${formatIpv4(parent.start + (skip + i) * blockSize(prefix))}/${prefix}`,
  );
}

/**
 * The address `offset` places into a subnet. AWS reserves the first four and the last address of
 * every subnet, so offsets start at 4 and stop one short of the broadcast address.
 */
export function hostAddress(cidr: string, offset: number): string {
  const block = blockOf(cidr);
  const size = blockSize(block.prefix);
  if (offset < 4 || offset > size - 2) {
    throw new Error(
      `offset ${offset} is outside the usable addresses of ${cidr} (4..${size - 2}; AWS reserves the rest)`,
    );
  }
  return formatIpv4(block.start + offset);
}

/** True for 0.0.0.0/0 and ::/0 — "anywhere on the internet". */
export function isAnywhere(cidr: string): boolean {
  return cidr.trim() === "0.0.0.0/0" || cidr.trim() === "::/0";
}

/** Private (RFC 1918) and shared (RFC 6598) address space: not reachable from the internet. */
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"] as const;

/** Public blocks shorter than this prefix are treated as "the internet", not as someone's network. */
export const MIN_PUBLIC_PREFIX = 16;

/**
 * True for a block that covers a large part of the public internet: `0.0.0.0/0`, `::/0`, any
 * IPv4 block shorter than /16 that is not wholly private (so `[0.0.0.0/1, 128.0.0.0/1]` counts),
 * and any IPv6 block shorter than /32.
 */
export function coversPublicInternet(cidr: string): boolean {
  const text = cidr.trim();
  if (isAnywhere(text)) return true;
  const v6 = /^[0-9a-fA-F:]+\/(\d{1,3})$/.exec(text);
  if (v6 && text.includes(":")) return Number(v6[1]) < 32;
  const block = parseCidr(text);
  if (!block || block.prefix >= MIN_PUBLIC_PREFIX) return false;
  return !PRIVATE_RANGES.some((range) => cidrContains(range, text));
}
