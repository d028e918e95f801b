import { BlockList, isIP } from 'node:net';

/**
 * Sources come from pull requests and the capture runs on shared runners, so a source must never
 * make us request an internal address: loopback, private networks, link-local (which includes the
 * cloud metadata endpoint 169.254.169.254), carrier-grade NAT, multicast, documentation ranges.
 */
const nonPublic = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16],
  ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) nonPublic.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b:1::', 48], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7],
  ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) nonPublic.addSubnet(net, prefix, 'ipv6');

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** IPv4 addresses embedded in IPv6 forms (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96). */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const hi = parseInt(hex[1]!, 16);
    const lo = parseInt(hex[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return undefined;
}

export function isLoopbackAddress(address: string): boolean {
  const v4 = embeddedIpv4(address);
  if (v4) return loopback.check(v4, 'ipv4');
  const family = isIP(address);
  return family !== 0 && loopback.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** True when `address` (an IP literal) is reachable on the public internet. */
export function isPublicAddress(address: string): boolean {
  const v4 = embeddedIpv4(address);
  if (v4) return isPublicAddress(v4);
  const family = isIP(address);
  if (family === 0) return false;
  return !nonPublic.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Whether an address may be requested: public ones always, loopback only when a test opts in. */
export function isAllowedAddress(address: string, allowLoopback: boolean): boolean {
  return isPublicAddress(address) || (allowLoopback && isLoopbackAddress(address));
}

/** Host names that are internal by definition, whatever DNS says. */
export function isInternalHostname(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return (
    host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') ||
    host.endsWith('.internal') || host === 'metadata' || host === 'metadata.google.internal' || !host.includes('.')
  );
}

/**
 * The offline part of the URL rule, used by `sources:validate` without a network: http(s), no
 * credentials, and a host that is neither an internal name nor a non-public IP literal.
 * Returns the problem, or undefined when the URL is acceptable.
 */
export function urlShapeProblem(value: string, allowLoopback = false): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `uses ${url.protocol} (only http and https are fetched)`;
  if (url.username || url.password) return 'contains credentials';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return isAllowedAddress(host, allowLoopback) ? undefined : `points at the non-public address ${host}`;
  if (isInternalHostname(host) && !(allowLoopback && host === 'localhost')) return `points at the internal host name ${host}`;
  return undefined;
}
