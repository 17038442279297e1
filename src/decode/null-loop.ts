import { DecodeStatus, type PacketInfo } from './packet-info.js';
import { EtherType } from './network.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';

/**
 * BSD loopback: a 4-byte address family, then the IP packet. LINKTYPE_NULL
 * stores it in the byte order of the capturing host, LINKTYPE_LOOP in network
 * byte order. AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24
 * (OpenBSD, NetBSD), 28 (FreeBSD, DragonFly) or 30 (macOS).
 */
function decodeFamily(buf: Buffer, offset: number, end: number, family: number, out: PacketInfo): number {
  const p = offset + 4;
  if (family === 2) {
    out.etherType = EtherType.IPV4;
    return decodeIpv4(buf, p, end, out);
  }
  if (family === 10 || family === 24 || family === 28 || family === 30) {
    out.etherType = EtherType.IPV6;
    return decodeIpv6(buf, p, end, out);
  }
  return DecodeStatus.NON_IP;
}

export function decodeNull(buf: Buffer, offset: number, end: number, out: PacketInfo): number {
  if (offset + 4 > end) return DecodeStatus.MALFORMED;
  out.linkHeaderLength = 4;
  // Families are small numbers, so the end holding the nonzero bytes tells the order.
  const b0 = buf[offset]!;
  const b1 = buf[offset + 1]!;
  const b2 = buf[offset + 2]!;
  const b3 = buf[offset + 3]!;
  const family = b0 !== 0 || b1 !== 0 ? (b2 | b3) === 0 ? b0 | (b1 << 8) : -1 : (b2 << 8) | b3;
  return decodeFamily(buf, offset, end, family, out);
}

export function decodeLoop(buf: Buffer, offset: number, end: number, out: PacketInfo): number {
  if (offset + 4 > end) return DecodeStatus.MALFORMED;
  out.linkHeaderLength = 4;
  const family = (buf[offset]! | buf[offset + 1]!) === 0 ? (buf[offset + 2]! << 8) | buf[offset + 3]! : -1;
  return decodeFamily(buf, offset, end, family, out);
}
