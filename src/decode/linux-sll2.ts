import { DecodeStatus, type PacketInfo } from './packet-info.js';
import { decodeNetwork } from './network.js';

const ARPHRD_ETHER = 1;
const ARPHRD_LOOPBACK = 772;

/**
 * Linux cooked capture v2 (`tcpdump -i any -y LINUX_SLL2`), 20 bytes:
 * protocol(2) reserved(2) interface index(4) ARPHRD(2) packet type(1)
 * address length(1) address(8).
 */
export function decodeLinuxSll2(buf: Buffer, offset: number, end: number, out: PacketInfo): number {
  if (offset + 11 <= end) out.pktType = buf[offset + 10]!;
  if (offset + 20 > end) return DecodeStatus.MALFORMED;
  out.linkHeaderLength = 20;
  const arphrd = (buf[offset + 8]! << 8) | buf[offset + 9]!;
  if ((arphrd === ARPHRD_ETHER || arphrd === ARPHRD_LOOPBACK) && buf[offset + 11] === 6) {
    out.srcMacOffset = offset + 12;
  }
  return decodeNetwork(buf, offset + 20, end, (buf[offset]! << 8) | buf[offset + 1]!, out);
}
