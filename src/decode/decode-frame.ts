import { DecodeStatus, LinkType, type PacketInfo } from './packet-info.js';
import { decodeEthernet } from './ethernet.js';
import { decodeLinuxSll } from './linux-sll.js';
import { decodeLinuxSll2 } from './linux-sll2.js';
import { decodeLoop, decodeNull } from './null-loop.js';
import { decodeRawIp, decodeRawIpv4, decodeRawIpv6 } from './raw-ip.js';

/**
 * Decodes the frame in buf[offset, offset + capLen) captured with pcap link
 * type `linkType` into `out` (reset first) and returns out.status. Never
 * throws, reads nothing outside the frame (nor past buf.length) and
 * allocates nothing: it runs once per packet.
 */
export function decodeFrame(buf: Buffer, offset: number, capLen: number, linkType: number, out: PacketInfo): number {
  out.reset();
  out.linkType = linkType;
  let status: number = DecodeStatus.MALFORMED;
  // `>>> 0` round-trips only for non-negative integers below 2^32.
  if (offset >>> 0 === offset && capLen >>> 0 === capLen && offset <= buf.length) {
    const frameEnd = offset + capLen;
    const end = frameEnd < buf.length ? frameEnd : buf.length;
    switch (linkType) {
      case LinkType.ETHERNET:
        status = decodeEthernet(buf, offset, end, out);
        break;
      case LinkType.LINUX_SLL:
        status = decodeLinuxSll(buf, offset, end, out);
        break;
      case LinkType.LINUX_SLL2:
        status = decodeLinuxSll2(buf, offset, end, out);
        break;
      case LinkType.RAW:
        status = decodeRawIp(buf, offset, end, out);
        break;
      case LinkType.IPV4:
        status = decodeRawIpv4(buf, offset, end, out);
        break;
      case LinkType.IPV6:
        status = decodeRawIpv6(buf, offset, end, out);
        break;
      case LinkType.NULL:
        status = decodeNull(buf, offset, end, out);
        break;
      case LinkType.LOOP:
        status = decodeLoop(buf, offset, end, out);
        break;
      default:
        break;
    }
  }
  out.status = status;
  return status;
}
