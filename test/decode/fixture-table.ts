import { LinkType } from '../../src/decode/packet-info.js';
import * as F from '../fixtures/frames.js';

export interface Fixture {
  name: string;
  hex: string;
  linkType: number;
  /**
   * Bytes the decoder needs for its full answer, worked out by hand from the
   * protocols: link header + IP header (+ extension headers) + the transport
   * bytes it reads (TCP 20, UDP 8, ICMP 4). Shorter cuts must be MALFORMED.
   */
  headersEnd: number;
  /** For ICMP errors: where the quoted ports end (hasInner needs that much). */
  innerEnd?: number;
}

const E = LinkType.ETHERNET;
const S = LinkType.LINUX_SLL;
const S2 = LinkType.LINUX_SLL2;

const table: [keyof typeof F, number, number, number?][] = [
  ['ETH_MLD_REPORT_HBH', E, 14 + 40 + 8 + 4],
  ['ETH_ARP_REQUEST', E, 14],
  ['ETH_ICMP_ECHO_REQUEST', E, 14 + 20 + 4],
  ['ETH_ICMPV6_NEIGHBOR_SOLICIT', E, 14 + 40 + 4],
  ['ETH_ICMPV6_ECHO_REPLY', E, 14 + 40 + 4],
  ['ETH_TCP_SYN', E, 14 + 20 + 20],
  ['ETH_TCP_SYN_ACK', E, 14 + 20 + 20],
  ['ETH_TCP_PSH_ACK', E, 14 + 20 + 20],
  ['ETH_TCP6_SYN', E, 14 + 40 + 20],
  ['ETH_TCP6_FIN_ACK', E, 14 + 40 + 20],
  ['ETH_UDP', E, 14 + 20 + 8],
  ['ETH_ICMP_PORT_UNREACHABLE', E, 14 + 20 + 4, 14 + 20 + 8 + 20 + 4],
  ['ETH_UDP6', E, 14 + 40 + 8],
  ['ETH_ICMPV6_PORT_UNREACHABLE', E, 14 + 40 + 4, 14 + 40 + 8 + 40 + 4],
  ['ETH_IPV4_FRAGMENT_FIRST', E, 14 + 20 + 4],
  ['ETH_IPV4_FRAGMENT_LAST', E, 14 + 20],
  ['ETH_IPV6_FRAGMENT_FIRST', E, 14 + 40 + 8 + 4],
  ['ETH_IPV6_FRAGMENT_LAST', E, 14 + 40 + 8],
  ['ETH_VLAN_UDP', E, 18 + 20 + 8],
  ['ETH_QINQ_UDP', E, 22 + 20 + 8],
  ['LO_TCP_SYN', E, 14 + 20 + 20],
  ['SLL_MLD_REPORT_MULTICAST', S, 16 + 40 + 8 + 4],
  ['SLL_ARP_REQUEST_OUT', S, 16],
  ['SLL_ICMP_ECHO_REPLY_IN', S, 16 + 20 + 4],
  ['SLL_TCP_SYN_ACK_IN', S, 16 + 20 + 20],
  ['SLL_TCP6_SYN_OUT', S, 16 + 40 + 20],
  ['SLL_ICMP_PORT_UNREACHABLE_IN', S, 16 + 20 + 4, 16 + 20 + 8 + 20 + 4],
  ['SLL_VLAN_UDP_OUT', S, 20 + 20 + 8],
  ['SLL_QINQ_UDP_OUT', S, 20 + 20 + 8],
  ['SLL_LO_TCP_SYN', S, 16 + 20 + 20],
  ['SLL_TUN_ICMP_OUT', S, 16 + 20 + 4],
  ['SLL2_MLD_REPORT_MULTICAST', S2, 20 + 40 + 8 + 4],
  ['SLL2_ARP_REPLY_IN', S2, 20],
  ['SLL2_ICMP_ECHO_REQUEST_OUT', S2, 20 + 20 + 4],
  ['SLL2_TCP_SYN_OUT', S2, 20 + 20 + 20],
  ['SLL2_ICMPV6_PORT_UNREACHABLE_IN', S2, 20 + 40 + 4, 20 + 40 + 8 + 40 + 4],
  ['SLL2_IPV6_FRAGMENT_MIDDLE_IN', S2, 20 + 40 + 8],
  ['SLL2_VLAN_UDP_OUT', S2, 20 + 20 + 8],
  ['RAW_ICMP_ECHO_REQUEST', LinkType.RAW, 20 + 4],
  ['RAW_ICMPV6_ROUTER_SOLICIT', LinkType.RAW, 40 + 4],
  ['RAW_ICMPV6_ECHO_REQUEST', LinkType.RAW, 40 + 4],
];

export const FIXTURES: Fixture[] = table.map(([name, linkType, headersEnd, innerEnd]) => ({
  name,
  hex: F[name],
  linkType,
  headersEnd,
  ...(innerEnd === undefined ? {} : { innerEnd }),
}));

/** Every exported frame is in the table. */
export const UNLISTED = Object.keys(F).filter((k) => !table.some(([n]) => n === k));
