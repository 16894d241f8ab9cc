/**
 * IPv4/IPv6 addresses and CIDR blocks as unsigned big integers, parsed by hand (no regex).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-ip-matching
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
  if (s.length < 2 || s.length > 45) return undefined;
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return undefined;
  const toGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i] as string;
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIPv4(piece);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        const h = parseHextet(piece);
        if (h === undefined) return undefined;
        out.push(h);
      }
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

/** An IPv4 or IPv6 address, or undefined when `s` is not one. */
export function parseIp(s: string): IpAddress | undefined {
  if (s.includes(':')) {
    const v = parseIPv6(s);
    return v === undefined ? undefined : { v6: true, value: v };
  }
  const v = parseIPv4(s);
  return v === undefined ? undefined : { v6: false, value: v };
}

/** Parses `10.0.0.0/24` or `2001:db8::/32`; returns an error message instead of throwing. */
export function parseCidr(s: string): IpRange | string {
  const slash = s.indexOf('/');
  if (slash < 0) {
    const ip = parseIp(s);
    if (!ip) return `${JSON.stringify(s)} is not an IP address or CIDR block`;
    return { v6: ip.v6, low: ip.value, high: ip.value };
  }
  const ip = parseIp(s.slice(0, slash));
  const bitsText = s.slice(slash + 1);
  const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!ip) return `${JSON.stringify(s)} is not a valid CIDR block (bad address)`;
  const width = ip.v6 ? 128 : 32;
  if (!(bits >= 0 && bits <= width)) {
    return `${JSON.stringify(s)} is not a valid CIDR block (prefix length must be 0-${width})`;
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
