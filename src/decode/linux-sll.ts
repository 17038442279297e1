import { DecodeStatus, type PacketInfo } from './packet-info.js';
import { decodeNetwork } from './network.js';

const ARPHRD_ETHER = 1;
const ARPHRD_LOOPBACK = 772;

/**
 * Linux cooked capture v1 (`tcpdump -i any`), 16 bytes:
 * packet type(2) ARPHRD(2) address length(2) address(8) protocol(2).
 * The address is the sender's; with an Ethernet-like device it is the source MAC.
 */
export function decodeLinuxSll(buf: Buffer, offset: number, end: number, out: PacketInfo): number {
  if (offset + 2 <= end) out.pktType = (buf[offset]! << 8) | buf[offset + 1]!;
  if (offset + 16 > end) return DecodeStatus.MALFORMED;
  out.linkHeaderLength = 16;
  const arphrd = (buf[offset + 2]! << 8) | buf[offset + 3]!;
  const addressLength = (buf[offset + 4]! << 8) | buf[offset + 5]!;
  if ((arphrd === ARPHRD_ETHER || arphrd === ARPHRD_LOOPBACK) && addressLength === 6) {
    out.srcMacOffset = offset + 6;
  }
  // For ARPHRD_NETLINK the protocol is a netlink family (< 0x600), which
  // decodeNetwork leaves as non-IP like any other value it does not know.
  return decodeNetwork(buf, offset + 16, end, (buf[offset + 14]! << 8) | buf[offset + 15]!, out);
}
