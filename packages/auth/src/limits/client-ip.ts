import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * Reads a client address as proxies write it: a bare IPv4 or IPv6 address, `1.2.3.4:port`,
 * `[v6]` or `[v6]:port`; a zone (`%eth0`) is dropped and IPv4-mapped IPv6 becomes IPv4. Only
 * dotted-quad IPv4 counts: `1.2.3` or `0x7f.1` are not addresses a proxy writes.
 */
function parseAddress(raw: string | null | undefined): Address | null {
  if (!raw) return null;
  const text = raw.trim();
  const unwrapped = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text)?.[1] ?? /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(text)?.[1] ?? text;
  const bare = unwrapped.split('%')[0] ?? unwrapped;
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  if (!ipaddr.IPv6.isValid(bare)) return null;
  const v6 = ipaddr.IPv6.parse(bare);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

// An IPv4 address already in canonical form (no leading zeros, each part 0–255): what a socket
// gives for nearly every request, returned as it is instead of parsed and printed again.
const CANONICAL_IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** A client address in one canonical form (see `parseAddress`), or null when it is not an IP address. */
export function normalizeClientIp(raw: string | null | undefined): string | null {
  if (raw && CANONICAL_IPV4.test(raw)) return raw;
  return parseAddress(raw)?.toString() ?? null;
}

/** Whether an address is this machine's: 127.0.0.0/8, ::1, or either written as a proxy writes it. */
export function isLoopbackIp(raw: string | null | undefined): boolean {
  return parseAddress(raw)?.range() === 'loopback';
}

// Clients whose address cannot be read share one bucket: limits hold for them too, never switch off.
const UNREADABLE = 'unreadable';

/**
 * The network a client address stands for when limiting: an IPv4 address as is, an IPv6 address
 * by its /64 (one subscriber usually holds a whole /64), IPv4-mapped IPv6 as the IPv4 address.
 */
export function limitNetwork(ip: string | null): string {
  const address = parseAddress(ip);
  if (!address) return UNREADABLE;
  if (address.kind() === 'ipv4') return address.toString();
  return ipv6Prefix(address as ipaddr.IPv6, 4);
}

/**
 * The coarser network for IPv6 clients: the /48 a site is usually given (65,536 /64s). Null for
 * IPv4 and unreadable addresses, which the per-network limit already covers.
 */
export function limitNetwork48(ip: string | null): string | null {
  const address = parseAddress(ip);
  return address?.kind() === 'ipv6' ? ipv6Prefix(address as ipaddr.IPv6, 3) : null;
}

function ipv6Prefix(address: ipaddr.IPv6, groups: 3 | 4): string {
  return `${address.parts
    .slice(0, groups)
    .map((g) => g.toString(16))
    .join(':')}::/${groups * 16}`;
}
