import { BlockList, isIP } from 'node:net';

/*
 * Which addresses the doctor may connect to when it looks at what a token's issuer publishes:
 * public ones only, so a forged `iss` can't make it reach this machine or the private network
 * (loopback only when the configured authority is itself on loopback: tests and development).
 */

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Private, link-local, shared, documentation, multicast and reserved ranges (RFC 6890). */
const NOT_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3],
] as const) {
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

export type AddressVerdict = { allowed: true } | { allowed: false; why: string };

/** Whether the doctor may connect to this IP address (IPv4-mapped IPv6 counts as its IPv4). */
export function addressVerdict(address: string, loopbackAllowed: boolean): AddressVerdict {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ip = mapped ?? address;
  const family = isIP(ip) === 4 ? 'ipv4' : 'ipv6';
  if (LOOPBACK.check(ip, family)) {
    return loopbackAllowed
      ? { allowed: true }
      : {
          allowed: false,
          why: `${address} is this machine (loopback), and the configured authority is not`,
        };
  }
  if (NOT_PUBLIC.check(ip, family)) {
    return { allowed: false, why: `${address} is not a public address` };
  }
  return { allowed: true };
}

/** A host name or address that is this machine by its very name. */
export function isLoopbackName(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return isIP(host) !== 0 && LOOPBACK.check(host, isIP(host) === 4 ? 'ipv4' : 'ipv6');
}
