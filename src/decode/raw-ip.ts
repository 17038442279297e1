import { DecodeStatus, type PacketInfo } from './packet-info.js';
import { EtherType } from './network.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';

/** LINKTYPE_RAW (101): no link header; the version nibble says which IP. */
export function decodeRawIp(buf: Buffer, offset: number, end: number, out: PacketInfo): number {
  if (offset >= end) return DecodeStatus.MALFORMED;
  const version = buf[offset]! >> 4;
  if (version === 4) return decodeRawIpv4(buf, offset, end, out);
  if (version === 6) return decodeRawIpv6(buf, offset, end, out);
  return DecodeStatus.MALFORMED;
}

/** LINKTYPE_IPV4 (228). */
export function decodeRawIpv4(buf: Buffer, offset: number, end: number, out: PacketInfo): number {
  out.etherType = EtherType.IPV4;
  return decodeIpv4(buf, offset, end, out);
}

/** LINKTYPE_IPV6 (229). */
export function decodeRawIpv6(buf: Buffer, offset: number, end: number, out: PacketInfo): number {
  out.etherType = EtherType.IPV6;
  return decodeIpv6(buf, offset, end, out);
}
