import { KeyTable } from './key-table.js';

const FEW = 8;

/**
 * "Is this address ours?" for every packet: exact addresses of this network
 * namespace (hash lookup, no allocation) plus `--net` prefixes, plus the MACs
 * of our interfaces for frames that carry no IP.
 */
export class LocalAddresses {
  private exact = new KeyTable(4, 1 << 16, 64);
  /** the exact addresses again, 4 words each, while there are few (exact.size ≤ FEW): scanned instead of hashed */
  private few = new Uint32Array(4 * FEW);
  private prefixes: { words: Uint32Array; bits: number }[] = [];
  private macs = new Set<number>();

  addAddress(words: ArrayLike<number>): void {
    const k = this.exact.scratch;
    for (let i = 0; i < 4; i++) k[i] = words[i]! >>> 0;
    const h = this.exact.hashScratch();
    if (this.exact.find(h) >= 0) return;
    this.exact.insert(h);
    if (this.exact.size <= FEW) this.few.set(k, (this.exact.size - 1) * 4);
  }

  /** bits counts over the 128-bit form (IPv4 prefixes are given +96). */
  addPrefix(words: ArrayLike<number>, bits: number): void {
    this.prefixes.push({ words: Uint32Array.from({ length: 4 }, (_, i) => words[i]! >>> 0), bits });
  }

  /** MAC as a 48-bit integer. */
  addMac(mac: number): void {
    this.macs.add(mac);
  }

  get isEmpty(): boolean {
    return this.exact.size === 0 && this.prefixes.length === 0;
  }

  has(words: Uint32Array): boolean {
    const n = this.exact.size;
    if (n <= FEW) {
      // a host has a handful of addresses: comparing beats hashing (this runs twice per packet)
      const few = this.few;
      const w3 = words[3]!;
      for (let i = 0; i < n; i++) {
        const o = i * 4;
        if (few[o + 3] === w3 && few[o + 2] === words[2] && few[o + 1] === words[1] && few[o] === words[0]) return true;
      }
    } else {
      const k = this.exact.scratch;
      k[0] = words[0]!;
      k[1] = words[1]!;
      k[2] = words[2]!;
      k[3] = words[3]!;
      if (this.exact.find(this.exact.hashScratch()) >= 0) return true;
    }
    for (let p = 0; p < this.prefixes.length; p++) {
      if (prefixMatch(words, this.prefixes[p]!.words, this.prefixes[p]!.bits)) return true;
    }
    return false;
  }

  hasMacAt(buf: Uint8Array, offset: number): boolean {
    if (this.macs.size === 0) return false;
    return this.macs.has(macAt(buf, offset));
  }
}

export function macAt(buf: Uint8Array, o: number): number {
  return (buf[o]! * 2 ** 40 + buf[o + 1]! * 2 ** 32 + ((buf[o + 2]! << 24) >>> 0) + (buf[o + 3]! << 16) + (buf[o + 4]! << 8) + buf[o + 5]!);
}

export function prefixMatch(a: Uint32Array, p: Uint32Array, bits: number): boolean {
  let left = bits;
  for (let i = 0; i < 4 && left > 0; i++) {
    const take = left >= 32 ? 32 : left;
    const mask = take === 32 ? 0xffffffff : (~0 << (32 - take)) >>> 0;
    if (((a[i]! & mask) >>> 0) !== ((p[i]! & mask) >>> 0)) return false;
    left -= take;
  }
  return true;
}

/** Multicast and limited broadcast destinations count as addressed to us. */
export function isGroupAddress(w: Uint32Array): boolean {
  if (w[0] === 0 && w[1] === 0 && w[2] === 0xffff) {
    const v = w[3]!;
    return v >>> 28 === 0xe || v === 0xffffffff;
  }
  return w[0]! >>> 24 === 0xff;
}
