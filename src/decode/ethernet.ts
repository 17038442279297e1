import { DecodeStatus, type PacketInfo } from './packet-info.js';
import { decodeNetwork } from './network.js';

/**
 * Ethernet II header at `offset` (VLAN tags and PPPoE are handled by
 * decodeNetwork). 802.3 frames with a length field carry LLC; only the SNAP
 * form names an EtherType, everything else there is non-IP (STP, …).
 * MAC offsets are recorded as soon as the bytes are there, so even a cut
 * frame can be given a direction.
 */
export function decodeEthernet(buf: Buffer, offset: number, end: number, out: PacketInfo): number {
  if (offset + 6 <= end) out.dstMacOffset = offset;
  if (offset + 12 <= end) out.srcMacOffset = offset + 6;
  if (offset + 14 > end) return DecodeStatus.MALFORMED;
  out.linkHeaderLength = 14;
  let type = (buf[offset + 12]! << 8) | buf[offset + 13]!;
  let p = offset + 14;
  if (type <= 1500) {
    if (p + 8 > end || buf[p] !== 0xaa || buf[p + 1] !== 0xaa || buf[p + 2] !== 0x03) {
      return DecodeStatus.NON_IP;
    }
    type = (buf[p + 6]! << 8) | buf[p + 7]!;
    p += 8;
    out.linkHeaderLength += 8;
  }
  return decodeNetwork(buf, p, end, type, out);
}
