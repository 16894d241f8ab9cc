/** IPv4/IPv6 addresses and CIDR blocks for IpAddress/NotIpAddress (BigInt arithmetic, no regex tricks). */

export interface IpValue {
  readonly v6: boolean;
  readonly value: bigint;
}

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const x = Number(p);
    if (x > 255) return undefined;
    n = (n << 8n) | BigInt(x);
  }
  return n;
}

function parseV6(s: string): bigint | undefined {
  let text = s;
  // Embedded IPv4 in the last 32 bits (e.g. ::ffff:10.0.0.1) → two hex groups.
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0] ?? '');
  const back = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const parsed: bigint[] = [];
  const parseGroup = (g: string) => (/^[0-9a-fA-F]{1,4}$/.test(g) ? BigInt(parseInt(g, 16)) : undefined);
  const headN = head.map(parseGroup);
  const backN = back.map(parseGroup);
  if (headN.includes(undefined) || backN.includes(undefined)) return undefined;
  const total = headN.length + backN.length;
  if (halves.length === 1 && total !== 8) return undefined;
  if (halves.length === 2 && total > 7) return undefined;
  parsed.push(...(headN as bigint[]));
  for (let i = 0; i < 8 - total; i++) parsed.push(0n);
  parsed.push(...(backN as bigint[]));
  return parsed.reduce((acc, g) => (acc << 16n) | g, 0n);
}

export function parseIp(s: string): IpValue | undefined {
  if (s.includes(':')) {
    const value = parseV6(s);
    return value === undefined ? undefined : { v6: true, value };
  }
  const value = parseV4(s);
  return value === undefined ? undefined : { v6: false, value };
}

/** True when `ip` lies in `cidr` (a bare address means /32 or /128). Undefined if either is malformed. */
export function ipInCidr(ip: string, cidr: string): boolean | undefined {
  const slash = cidr.indexOf('/');
  const base = parseIp(slash >= 0 ? cidr.slice(0, slash) : cidr);
  const addr = parseIp(ip);
  if (base === undefined || addr === undefined) return undefined;
  const bits = base.v6 ? 128 : 32;
  const prefixText = slash >= 0 ? cidr.slice(slash + 1) : String(bits);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > bits) return undefined;
  if (base.v6 !== addr.v6) return false;
  const shift = BigInt(bits - prefix);
  return base.value >> shift === addr.value >> shift;
}
