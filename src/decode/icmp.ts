import { DecodeStatus, type PacketInfo } from './packet-info.js';
import { ipv6Walk, walkIpv6Extensions } from './ipv6-extensions.js';

/** ICMPv4 messages that quote the datagram they answer (RFC 792). */
function isIcmpv4Error(type: number): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

/**
 * ICMP or ICMPv6 header at `offset`: type and code; for error messages, the
 * protocol and ports of the quoted datagram when the quote reaches them
 * (RFC 792 promises 8 bytes past the IP header). A short or odd quote is not
 * an error: the message itself is fine, only hasInner stays false.
 */
export function decodeIcmp(buf: Buffer, offset: number, end: number, v6: boolean, out: PacketInfo): number {
  if (offset + 4 > end) return DecodeStatus.MALFORMED;
  const type = buf[offset]!;
  out.icmpType = type;
  out.icmpCode = buf[offset + 1]!;
  const quote = offset + 8;
  if (v6) {
    if (type >= 1 && type <= 4) decodeQuotedIpv6(buf, quote, end, out);
  } else if (isIcmpv4Error(type)) {
    decodeQuotedIpv4(buf, quote, end, out);
  }
  return DecodeStatus.OK;
}

function decodeQuotedIpv4(buf: Buffer, offset: number, end: number, out: PacketInfo): void {
  if (offset + 20 > end) return;
  const vihl = buf[offset]!;
  const headerLength = (vihl & 0x0f) << 2;
  if (vihl >> 4 !== 4 || headerLength < 20) return;
  // A quoted non-first fragment has no transport header.
  if ((((buf[offset + 6]! & 0x1f) << 8) | buf[offset + 7]!) !== 0) return;
  setInner(buf, offset + headerLength, end, buf[offset + 9]!, out);
}

function decodeQuotedIpv6(buf: Buffer, offset: number, end: number, out: PacketInfo): void {
  if (offset + 40 > end || buf[offset]! >> 4 !== 6) return;
  const q = walkIpv6Extensions(buf, offset + 40, end, buf[offset + 6]!);
  if (q < 0 || ipv6Walk[2] === 1) return;
  setInner(buf, q, end, ipv6Walk[0]!, out);
}

/** TCP, UDP, DCCP, SCTP, UDP-Lite: the first four bytes are the two ports. */
function hasPortPair(protocol: number): boolean {
  return protocol === 6 || protocol === 17 || protocol === 33 || protocol === 132 || protocol === 136;
}

function setInner(buf: Buffer, offset: number, end: number, protocol: number, out: PacketInfo): void {
  if (!hasPortPair(protocol) || offset + 4 > end) return;
  out.hasInner = true;
  out.innerProtocol = protocol;
  out.innerSrcPort = (buf[offset]! << 8) | buf[offset + 1]!;
  out.innerDstPort = (buf[offset + 2]! << 8) | buf[offset + 3]!;
}
