/**
 * Addresses travel as four big-endian 32-bit words (IPv4 mapped into
 * ::ffff:0:0/96). These helpers turn them into text and back; they allocate,
 * so call them off the per-packet path (once per new table row).
 */

export function isV4Mapped(w: ArrayLike<number>, at = 0): boolean {
  return w[at] === 0 && w[at + 1] === 0 && w[at + 2] === 0xffff;
}

export function formatAddress(w: ArrayLike<number>, at = 0): string {
  if (isV4Mapped(w, at)) {
    const v = (w[at + 3] ?? 0) >>> 0;
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  const groups: number[] = [];
  for (let i = 0; i < 4; i++) {
    const v = (w[at + i] ?? 0) >>> 0;
    groups.push(v >>> 16, v & 0xffff);
  }
  // RFC 5952: compress the longest run (≥ 2) of zero groups, leftmost on ties.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]) => g.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** Parse an IPv4 or IPv6 literal into four words; null when it is not one. */
export function parseAddress(text: string): Uint32Array | null {
  const out = new Uint32Array(4);
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255)) return null;
    out[2] = 0xffff;
    out[3] = (((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0);
    return out;
  }
  if (!text.includes(':')) return null;
  let s = text;
  let tailV4: Uint32Array | null = null;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tailV4 = parseAddress(s.slice(lastColon + 1));
    if (!tailV4) return null;
    const w = tailV4[3]!;
    s = `${s.slice(0, lastColon + 1)}${(w >>> 16).toString(16)}:${(w & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parse = (h: string) => (h === '' ? [] : h.split(':'));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? fill : 0).fill('0'), ...tail];
  for (let i = 0; i < 8; i++) {
    const g = groups[i]!;
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    const v = parseInt(g, 16);
    const wi = i >> 1;
    out[wi] = i % 2 === 0 ? (v << 16) >>> 0 : (out[wi]! | v) >>> 0;
  }
  return out;
}
