/**
 * IPv4/IPv6 addresses and CIDR blocks as unsigned big integers, parsed by hand (no regex).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-ip-matching
 *
 * The user guide shows only blocks like "10.0.0.0/24" and "2001:db8::/64"; for the forms it does not
 * mention, this follows aws/event-ruler's CIDR class (EventBridge's own error texts for bad blocks,
 * "Malformed CIDR, one '/' required", "IPv4 mask bits must be < 32", are event-ruler's):
 *   - a block needs "/n": a bare address is rejected (an exact string already matches one address);
 *   - full-length prefixes (/32, /128) are rejected;
 *   - an address is IPv4 (four decimal parts) or IPv6 in hex and colons only: IPv6 with a dotted-quad
 *     tail ("::ffff:10.0.0.1", "64:ff9b::192.0.2.1") is not read as an address at all;
 *   - an IPv4-mapped IPv6 address in hex ("::ffff:a00:1") IS the IPv4 address (Java's InetAddress),
 *     so it matches "10.0.0.0/8" and the exact string "10.0.0.1".
 */
export interface IpRange {
  readonly v6: boolean;
  readonly low: bigint;
  readonly high: bigint;
}

export interface IpAddress {
  readonly v6: boolean;
  readonly value: bigint;
}

function parseIPv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (p.length === 0 || p.length > 3) return undefined;
    let n = 0;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      if (c < 48 || c > 57) return undefined;
      n = n * 10 + (c - 48);
    }
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseHextet(h: string): number | undefined {
  if (h.length === 0 || h.length > 4) return undefined;
  let n = 0;
  for (let i = 0; i < h.length; i++) {
    const c = h.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) return undefined;
    n = n * 16 + d;
  }
  return n;
}

function parseIPv6(s: string): bigint | undefined {
  if (s.length < 2 || s.length > 39) return undefined;
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return undefined;
  const toGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i] as string;
      const h = parseHextet(piece);
      if (h === undefined) return undefined;
      out.push(h);
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const head = toGroups(s.slice(0, dbl));
    const tail = toGroups(s.slice(dbl + 2));
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = toGroups(s);
    if (!all || all.length !== 8) return undefined;
    groups = all;
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

const MAPPED_PREFIX = 0xffffn << 32n;
const LOW_32 = 0xffffffffn;

/** An IPv4 or IPv6 address, or undefined when `s` is not one. IPv4-mapped IPv6 is IPv4. */
export function parseIp(s: string): IpAddress | undefined {
  if (s.includes(':')) {
    const v = parseIPv6(s);
    if (v === undefined) return undefined;
    if (v >> 32n === MAPPED_PREFIX >> 32n) return { v6: false, value: v & LOW_32 };
    return { v6: true, value: v };
  }
  const v = parseIPv4(s);
  return v === undefined ? undefined : { v6: false, value: v };
}

/** Parses `10.0.0.0/24` or `2001:db8::/32`; returns the reason (`<what>; <what is allowed>`) instead of throwing. */
export function parseCidr(s: string): IpRange | string {
  const quoted = JSON.stringify(s);
  const slash = s.indexOf('/');
  if (slash < 0) {
    const single = parseIp(s) ? `; to match one address use the exact string ${quoted}` : '';
    return `${quoted} has no prefix length; a cidr block is an address, '/' and a length, e.g. "10.0.0.0/24"${single}`;
  }
  const addr = s.slice(0, slash);
  const ip = parseIp(addr);
  if (!ip) {
    const dotted = addr.includes(':') && addr.includes('.');
    return dotted
      ? `${quoted} writes IPv6 with a dotted-quad tail, which EventBridge does not read as an address; write the IPv6 part in hex (e.g. "::ffff:a00:0") or use the IPv4 block`
      : `${quoted} is not a valid CIDR block (bad address); expected e.g. "10.0.0.0/24" or "2001:db8::/32"`;
  }
  const bitsText = s.slice(slash + 1);
  const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  const width = ip.v6 ? 128 : 32;
  const family = ip.v6 ? 'IPv6' : addr.includes(':') ? 'IPv4-mapped IPv6 (read as IPv4)' : 'IPv4';
  if (!(bits >= 0 && bits < width)) {
    const one = bits === width ? `; to match one address use the exact string ${JSON.stringify(addr)}` : '';
    return `${quoted} is not a valid CIDR block (${family} prefix length must be 0-${width - 1})${one}`;
  }
  const hostBits = BigInt(width - bits);
  const mask = (1n << hostBits) - 1n;
  const low = ip.value & ~mask;
  return { v6: ip.v6, low, high: low | mask };
}

export function ipInRange(range: IpRange, s: string): boolean {
  const ip = parseIp(s);
  return ip !== undefined && ip.v6 === range.v6 && ip.value >= range.low && ip.value <= range.high;
}
