import { DecodeStatus, type PacketInfo } from './packet-info.js';
import { decodeTransport } from './transport.js';

/**
 * IPv4 header at `offset`. Addresses go out IPv4-mapped. The transport header
 * is looked for only inside the datagram (total length), so Ethernet padding
 * is never taken for payload; total length 0 (TSO/GSO super-packets as the
 * kernel hands them to the capture) means "as long as the capture".
 */
export function decodeIpv4(buf: Buffer, offset: number, end: number, out: PacketInfo): number {
  if (offset + 4 > end) return DecodeStatus.MALFORMED;
  const vihl = buf[offset]!;
  if (vihl >> 4 !== 4) return DecodeStatus.MALFORMED;
  const totalLength = (buf[offset + 2]! << 8) | buf[offset + 3]!;
  // Known from here on even if the rest is cut off: byte counting wants it.
  out.ipLength = totalLength !== 0 ? totalLength : end - offset;
  const headerLength = (vihl & 0x0f) << 2;
  if (headerLength < 20 || offset + headerLength > end) return DecodeStatus.MALFORMED;
  if (totalLength !== 0 && totalLength < headerLength) return DecodeStatus.MALFORMED;

  out.ipVersion = 4;
  const flagsFrag = (buf[offset + 6]! << 8) | buf[offset + 7]!;
  const moreFragments = (flagsFrag & 0x2000) !== 0;
  const fragmentOffset = flagsFrag & 0x1fff;
  out.fragment = moreFragments || fragmentOffset !== 0;
  out.laterFragment = fragmentOffset !== 0;
  const protocol = buf[offset + 9]!;
  out.protocol = protocol;
  const src = out.src;
  const dst = out.dst;
  src[0] = 0;
  src[1] = 0;
  src[2] = 0xffff;
  src[3] =
    ((buf[offset + 12]! << 24) | (buf[offset + 13]! << 16) | (buf[offset + 14]! << 8) | buf[offset + 15]!) >>> 0;
  dst[0] = 0;
  dst[1] = 0;
  dst[2] = 0xffff;
  dst[3] =
    ((buf[offset + 16]! << 24) | (buf[offset + 17]! << 16) | (buf[offset + 18]! << 8) | buf[offset + 19]!) >>> 0;

  if (fragmentOffset !== 0) return DecodeStatus.OK;
  const datagramEnd = offset + out.ipLength;
  return decodeTransport(buf, offset + headerLength, datagramEnd < end ? datagramEnd : end, protocol, out);
}
