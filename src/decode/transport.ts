import { DecodeStatus, IpProto, type PacketInfo } from './packet-info.js';
import { decodeIcmp } from './icmp.js';

export const TransportProto = {
  DCCP: 33,
  SCTP: 132,
  UDPLITE: 136,
} as const;

/**
 * Upper-layer header at `offset` (`end` is the end of the datagram as far as
 * it was captured). Fills ports and TCP flags, or ICMP type/code. A header
 * too short for the fields we need is MALFORMED; a protocol we do not look
 * into is OK without ports.
 */
export function decodeTransport(
  buf: Buffer,
  offset: number,
  end: number,
  protocol: number,
  out: PacketInfo,
): number {
  switch (protocol) {
    case IpProto.TCP:
      if (offset + 20 > end || buf[offset + 12]! >> 4 < 5) return DecodeStatus.MALFORMED;
      out.tcpFlags = buf[offset + 13]!;
      break;
    case IpProto.UDP:
    case TransportProto.UDPLITE:
      if (offset + 8 > end) return DecodeStatus.MALFORMED;
      break;
    case TransportProto.SCTP:
    case TransportProto.DCCP:
      if (offset + 12 > end) return DecodeStatus.MALFORMED;
      break;
    case IpProto.ICMP:
      return decodeIcmp(buf, offset, end, false, out);
    case IpProto.ICMPV6:
      return decodeIcmp(buf, offset, end, true, out);
    default:
      return DecodeStatus.OK;
  }
  out.hasPorts = true;
  out.srcPort = (buf[offset]! << 8) | buf[offset + 1]!;
  out.dstPort = (buf[offset + 2]! << 8) | buf[offset + 3]!;
  return DecodeStatus.OK;
}
