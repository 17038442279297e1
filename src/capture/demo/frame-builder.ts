/**
 * Builds real Ethernet/IPv4 frames (TCP, UDP, ICMP, ARP) into a reusable
 * buffer, for the demo and for tests. Checksums are left zero: the decoders
 * do not verify them, just as a capture taken with checksum offload shows.
 */
export const LOCAL_MAC = [0x02, 0, 0, 0, 0, 0x01] as const;
export const GATEWAY_MAC = [0x02, 0, 0, 0, 0, 0xfe] as const;

export interface Endpoints {
  src: number; // IPv4 as uint32
  dst: number;
  sport: number;
  dport: number;
}

export function ipv4(text: string): number {
  const p = text.split('.').map(Number);
  return (((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0);
}

function ether(buf: Buffer, outbound: boolean, etherType: number): number {
  const dst = outbound ? GATEWAY_MAC : LOCAL_MAC;
  const src = outbound ? LOCAL_MAC : GATEWAY_MAC;
  for (let i = 0; i < 6; i++) {
    buf[i] = dst[i]!;
    buf[6 + i] = src[i]!;
  }
  buf.writeUInt16BE(etherType, 12);
  return 14;
}

function ip4(buf: Buffer, at: number, proto: number, src: number, dst: number, totalLength: number): number {
  buf[at] = 0x45;
  buf[at + 1] = 0;
  buf.writeUInt16BE(totalLength, at + 2);
  buf.writeUInt32BE(0, at + 4);
  buf[at + 8] = 64;
  buf[at + 9] = proto;
  buf.writeUInt16BE(0, at + 10);
  buf.writeUInt32BE(src, at + 12);
  buf.writeUInt32BE(dst, at + 16);
  return at + 20;
}

/** UDP datagram with `payload` bytes of data; returns the frame length. */
export function udpFrame(buf: Buffer, e: Endpoints, payload: number, outbound: boolean): number {
  const l3 = ether(buf, outbound, 0x0800);
  const l4 = ip4(buf, l3, 17, e.src, e.dst, 20 + 8 + payload);
  buf.writeUInt16BE(e.sport, l4);
  buf.writeUInt16BE(e.dport, l4 + 2);
  buf.writeUInt16BE(8 + payload, l4 + 4);
  buf.writeUInt16BE(0, l4 + 6);
  buf.fill(0x61, l4 + 8, l4 + 8 + payload);
  return Math.max(60, l4 + 8 + payload);
}

export const TCP_FIN = 1;
export const TCP_SYN = 2;
export const TCP_RST = 4;
export const TCP_PSH = 8;
export const TCP_ACK = 16;

export function tcpFrame(buf: Buffer, e: Endpoints, flags: number, payload: number, outbound: boolean): number {
  const l3 = ether(buf, outbound, 0x0800);
  const l4 = ip4(buf, l3, 6, e.src, e.dst, 20 + 20 + payload);
  buf.writeUInt16BE(e.sport, l4);
  buf.writeUInt16BE(e.dport, l4 + 2);
  buf.writeUInt32BE(1, l4 + 4);
  buf.writeUInt32BE(1, l4 + 8);
  buf[l4 + 12] = 5 << 4;
  buf[l4 + 13] = flags;
  buf.writeUInt16BE(65535, l4 + 14);
  buf.writeUInt32BE(0, l4 + 16);
  buf.fill(0x62, l4 + 20, l4 + 20 + payload);
  return Math.max(60, l4 + 20 + payload);
}

/** ICMP echo request/reply, or a port-unreachable quoting a UDP packet (quote = that packet's endpoints). */
export function icmpFrame(buf: Buffer, src: number, dst: number, type: number, code: number, outbound: boolean, quote?: Endpoints): number {
  const l3 = ether(buf, outbound, 0x0800);
  const body = quote ? 8 + 28 : 8 + 56;
  const l4 = ip4(buf, l3, 1, src, dst, 20 + body);
  buf[l4] = type;
  buf[l4 + 1] = code;
  buf.writeUInt16BE(0, l4 + 2);
  buf.writeUInt32BE(0, l4 + 4);
  if (quote) {
    const q = ip4(buf, l4 + 8, 17, quote.src, quote.dst, 28);
    buf.writeUInt16BE(quote.sport, q);
    buf.writeUInt16BE(quote.dport, q + 2);
    buf.writeUInt16BE(8, q + 4);
    buf.writeUInt16BE(0, q + 6);
  } else buf.fill(0x63, l4 + 8, l4 + body);
  return Math.max(60, l4 + body);
}

/** ARP who-has, broadcast. */
export function arpFrame(buf: Buffer, senderIp: number, targetIp: number): number {
  for (let i = 0; i < 6; i++) {
    buf[i] = 0xff;
    buf[6 + i] = GATEWAY_MAC[i]!;
  }
  buf.writeUInt16BE(0x0806, 12);
  buf.writeUInt16BE(1, 14);
  buf.writeUInt16BE(0x0800, 16);
  buf[18] = 6;
  buf[19] = 4;
  buf.writeUInt16BE(1, 20);
  for (let i = 0; i < 6; i++) buf[22 + i] = GATEWAY_MAC[i]!;
  buf.writeUInt32BE(senderIp, 28);
  buf.fill(0, 32, 38);
  buf.writeUInt32BE(targetIp, 38);
  buf.fill(0, 42, 60);
  return 60;
}
