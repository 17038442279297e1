import { DecodeStatus, type PacketInfo } from './packet-info.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';

export const EtherType = {
  IPV4: 0x0800,
  ARP: 0x0806,
  VLAN: 0x8100,
  IPV6: 0x86dd,
  PPPOE_SESSION: 0x8864,
  QINQ: 0x88a8,
  QINQ_OLD: 0x9100,
  QINQ_OLD2: 0x9200,
} as const;

/** More stacked tags than this is not a real frame; it also bounds the loop. */
const MAX_TAGS = 8;

function isVlanTpid(type: number): boolean {
  return (
    type === EtherType.VLAN ||
    type === EtherType.QINQ ||
    type === EtherType.QINQ_OLD ||
    type === EtherType.QINQ_OLD2
  );
}

/**
 * Decodes what follows a link header whose protocol field said `etherType`:
 * VLAN tags (outermost id recorded), PPPoE session, then IPv4/IPv6.
 * The caller has set out.linkHeaderLength to the bytes before `offset`; tags
 * and shims are added to it here.
 */
export function decodeNetwork(
  buf: Buffer,
  offset: number,
  end: number,
  etherType: number,
  out: PacketInfo,
): number {
  let p = offset;
  let type = etherType;
  let tags = 0;
  while (isVlanTpid(type)) {
    if (tags === MAX_TAGS || p + 4 > end) {
      out.etherType = type;
      return DecodeStatus.MALFORMED;
    }
    if (tags === 0) out.vlan = ((buf[p]! & 0x0f) << 8) | buf[p + 1]!;
    type = (buf[p + 2]! << 8) | buf[p + 3]!;
    p += 4;
    out.linkHeaderLength += 4;
    tags++;
  }
  if (type === EtherType.PPPOE_SESSION) {
    // 6-byte PPPoE header, then the 2-byte PPP protocol.
    if (p + 8 > end) {
      out.etherType = type;
      return DecodeStatus.MALFORMED;
    }
    const ppp = (buf[p + 6]! << 8) | buf[p + 7]!;
    p += 8;
    out.linkHeaderLength += 8;
    if (ppp === 0x0021) type = EtherType.IPV4;
    else if (ppp === 0x0057) type = EtherType.IPV6;
    else {
      out.etherType = EtherType.PPPOE_SESSION;
      return DecodeStatus.NON_IP;
    }
  }
  out.etherType = type;
  if (type === EtherType.IPV4) return decodeIpv4(buf, p, end, out);
  if (type === EtherType.IPV6) return decodeIpv6(buf, p, end, out);
  return DecodeStatus.NON_IP;
}
