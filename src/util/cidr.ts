import { parseAddress } from './address.js';

export interface Cidr {
  words: Uint32Array;
  /** prefix length over the 128-bit form (IPv4 /24 is 120) */
  bits: number;
  text: string;
}

/** "198.18.0.0/15", "fd00::/8" or a bare address; null when malformed. */
export function parseCidr(text: string): Cidr | null {
  const [addr, len, extra] = text.trim().split('/');
  if (addr === undefined || extra !== undefined) return null;
  const words = parseAddress(addr);
  if (!words) return null;
  const v4 = !addr.includes(':');
  const max = v4 ? 32 : 128;
  let bits = max;
  if (len !== undefined) {
    if (!/^\d{1,3}$/.test(len)) return null;
    bits = Number(len);
    if (bits > max) return null;
  }
  return { words, bits: v4 ? bits + 96 : bits, text: text.trim() };
}
