/** Tiny hex builders for crafted packets (tests only; these allocate freely). */

const h16 = (n: number) => n.toString(16).padStart(4, '0');
const h8 = (n: number) => n.toString(16).padStart(2, '0');
const clean = (s: string) => s.replace(/[\s|]/g, '');

export const V6_SRC = 'fd000000000000000000000000000001';
export const V6_DST = 'fd000000000000000000000000000002';

/** IPv4 header (IHL from `options`, which must be a multiple of 4 bytes) + payload. */
export function ipv4(protocol: number, payload: string, opts: { options?: string; flagsFrag?: number; totalLength?: number } = {}): string {
  const options = clean(opts.options ?? '');
  const body = clean(payload);
  const ihl = 5 + options.length / 8;
  const total = opts.totalLength ?? ihl * 4 + body.length / 2;
  return `${h8(0x40 | ihl)}00${h16(total)}0001${h16(opts.flagsFrag ?? 0)}40${h8(protocol)}0000c6120001c6120002${options}${body}`;
}

/** IPv6 header fd00::1 → fd00::2 + payload (extension headers included in it). */
export function ipv6(nextHeader: number, payload: string, payloadLength?: number): string {
  const body = clean(payload);
  return `6000000${'0'}${h16(payloadLength ?? body.length / 2)}${h8(nextHeader)}40${V6_SRC}${V6_DST}${body}`;
}

/** Generic 8-byte-unit extension header (hop-by-hop, routing, dest options, mobility). */
export function ext(nextHeader: number, units8: number): string {
  return `${h8(nextHeader)}${h8(units8)}${'00'.repeat(units8 * 8 + 6)}`;
}

export function udp(src: number, dst: number, data = '6869'): string {
  return `${h16(src)}${h16(dst)}${h16(8 + clean(data).length / 2)}0000${clean(data)}`;
}

export function tcp(src: number, dst: number, flags: number, dataOffset = 5): string {
  return `${h16(src)}${h16(dst)}0000000100000000${h8(dataOffset << 4)}${h8(flags)}ffff00000000${'00'.repeat(Math.max(0, dataOffset - 5) * 4)}`;
}
