import { DecodeStatus, SllPacketType, type PacketInfo } from '../decode/packet-info.js';
import { isGroupAddress, type LocalAddresses } from './local-addresses.js';

export const Direction = { RX: 0, TX: 1, TRANSIT: 2 } as const;

/**
 * DESIGN §2: outbound if the source is local, inbound if the destination is
 * (or a group address), else transit. Frames without IP go by the cooked
 * header's packet type, else by MAC.
 */
export function directionOf(info: PacketInfo, buf: Uint8Array, local: LocalAddresses): number {
  if (info.status === DecodeStatus.OK && info.ipVersion !== 0) {
    if (local.has(info.src)) return Direction.TX;
    if (local.has(info.dst) || isGroupAddress(info.dst)) return Direction.RX;
    return Direction.TRANSIT;
  }
  const t = info.pktType;
  if (t >= 0) {
    if (t === SllPacketType.OUTGOING) return Direction.TX;
    if (t === SllPacketType.OTHERHOST) return Direction.TRANSIT;
    return Direction.RX;
  }
  if (info.srcMacOffset >= 0 && local.hasMacAt(buf, info.srcMacOffset)) return Direction.TX;
  if (info.dstMacOffset >= 0) {
    if ((buf[info.dstMacOffset]! & 1) === 1 || local.hasMacAt(buf, info.dstMacOffset)) return Direction.RX;
  }
  return Direction.TRANSIT;
}
