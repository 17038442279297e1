import { DecodeStatus, type PacketInfo } from './packet-info.js';
import { decodeTransport } from './transport.js';
import { ipv6Walk, walkIpv6Extensions } from './ipv6-extensions.js';

/**
 * IPv6 header at `offset`, extension headers, then the transport. Payload
 * length 0 (jumbograms, BIG TCP super-packets) means "as long as the capture".
 */
export function decodeIpv6(buf: Buffer, offset: number, end: number, out: PacketInfo): number {
  if (offset + 6 > end) return DecodeStatus.MALFORMED;
  if (buf[offset]! >> 4 !== 6) return DecodeStatus.MALFORMED;
  const payloadLength = (buf[offset + 4]! << 8) | buf[offset + 5]!;
  out.ipLength = payloadLength !== 0 ? 40 + payloadLength : end - offset;
  if (offset + 40 > end) return DecodeStatus.MALFORMED;

  out.ipVersion = 6;
  const src = out.src;
  const dst = out.dst;
  for (let i = 0; i < 4; i++) {
    const s = offset + 8 + (i << 2);
    src[i] = ((buf[s]! << 24) | (buf[s + 1]! << 16) | (buf[s + 2]! << 8) | buf[s + 3]!) >>> 0;
    const d = s + 16;
    dst[i] = ((buf[d]! << 24) | (buf[d + 1]! << 16) | (buf[d + 2]! << 8) | buf[d + 3]!) >>> 0;
  }
  const datagramEnd = offset + out.ipLength;
  const limit = datagramEnd < end ? datagramEnd : end;
  const q = walkIpv6Extensions(buf, offset + 40, limit, buf[offset + 6]!);
  if (q < 0) return DecodeStatus.MALFORMED;
  const protocol = ipv6Walk[0]!;
  out.protocol = protocol;
  out.fragment = ipv6Walk[1] === 1;
  out.laterFragment = ipv6Walk[2] === 1;
  if (out.laterFragment) return DecodeStatus.OK;
  return decodeTransport(buf, q, limit, protocol, out);
}
