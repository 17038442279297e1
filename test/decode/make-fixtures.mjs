// Picks frames out of the pcaps written by capture-frames.sh into
// test/fixtures/frames.ts:  node test/decode/make-fixtures.mjs [DIR]
// A new capture has new MACs, ports and ids: the assertions follow by hand.
import { readFileSync, writeFileSync } from 'node:fs';
const dir = process.argv[2] ?? '/tmp/wt-frames';
function frames(file) {
  const b = readFileSync(file);
  const le = b.readUInt32LE(0) === 0xa1b2c3d4;
  const u32 = (o) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const res = []; let o = 24;
  while (o + 16 <= b.length) { const incl = u32(o + 8); res.push(b.subarray(o + 16, o + 16 + incl).toString('hex')); o += 16 + incl; }
  return res;
}
const sel = [
  ['Ethernet (LINKTYPE_ETHERNET 1): `tcpdump -i wt-va` on the veth in namespace A (198.18.0.1, fd00::1).', 'eth', [
    ['ETH_MLD_REPORT_HBH', 1, 'MLDv2 report fe80::… → ff02::16: IPv6 hop-by-hop header (router alert), then ICMPv6 143.'],
    ['ETH_ARP_REQUEST', 4, 'ARP who-has 198.18.0.2 tell 198.18.0.1 (broadcast).'],
    ['ETH_ICMP_ECHO_REQUEST', 6, '`ping -c1 198.18.0.2`: ICMP echo request 198.18.0.1 → 198.18.0.2.'],
    ['ETH_ICMPV6_NEIGHBOR_SOLICIT', 8, 'NDP neighbor solicitation fd00::1 → ff02::1:ff00:2.'],
    ['ETH_ICMPV6_ECHO_REPLY', 11, '`ping -6 -c1 fd00::2`: ICMPv6 echo reply fd00::2 → fd00::1.'],
    ['ETH_TCP_SYN', 12, "`echo hi > /dev/tcp/198.18.0.2/5000` (nc listening): SYN."],
    ['ETH_TCP_SYN_ACK', 13, 'The SYN-ACK answering it, 198.18.0.2:5000 → 198.18.0.1.'],
    ['ETH_TCP_PSH_ACK', 15, 'The "hi\\n" data segment, PSH|ACK.'],
    ['ETH_TCP6_SYN', 20, "`echo hi > /dev/tcp/fd00::2/5000`: SYN over IPv6."],
    ['ETH_TCP6_FIN_ACK', 26, 'Server FIN|ACK fd00::2:5000 → fd00::1.'],
    ['ETH_UDP', 28, '`echo hi | nc -u 198.18.0.2 5001` (listener): UDP.'],
    ['ETH_ICMP_PORT_UNREACHABLE', 30, 'UDP to closed 198.18.0.2:5002 answered by ICMP 3/3 quoting the UDP header.'],
    ['ETH_UDP6', 31, '`echo hi | nc -6 -u fd00::2 5002`: UDP over IPv6.'],
    ['ETH_ICMPV6_PORT_UNREACHABLE', 32, 'Its answer: ICMPv6 1/4 quoting the IPv6+UDP headers.'],
    ['ETH_IPV4_FRAGMENT_FIRST', 33, '`ping -c1 -s 3000 198.18.0.2`: first IPv4 fragment (MF, offset 0; ICMP header present).'],
    ['ETH_IPV4_FRAGMENT_LAST', 35, 'Last fragment of the same datagram (offset 2960, no transport header).'],
    ['ETH_IPV6_FRAGMENT_FIRST', 39, '`ping -6 -c1 -s 3000 fd00::2`: first fragment (fragment header, offset 0, M).'],
    ['ETH_IPV6_FRAGMENT_LAST', 41, 'Last fragment of it (offset 2896, no M).'],
    ['ETH_VLAN_UDP', 48, '802.1Q VLAN 100 tagged UDP 198.18.1.1:4000 → 198.18.1.2:4001, written with an AF_PACKET socket (no 8021q in this kernel) and captured leaving.'],
    ['ETH_QINQ_UDP', 49, '802.1ad 200 + 802.1Q 100 (QinQ) around the same UDP datagram, same way.'],
  ]],
  ['Ethernet on loopback: `tcpdump -i lo` in namespace A.', 'lo', [
    ['LO_TCP_SYN', 0, '`echo hi > /dev/tcp/127.0.0.1/5003`: SYN, zero MACs.'],
  ]],
  ['Linux cooked v1 (LINKTYPE_LINUX_SLL 113): `tcpdump -i any -y LINUX_SLL` in namespace A.', 'sll', [
    ['SLL_MLD_REPORT_MULTICAST', 0, 'MLDv2 report from the peer (hop-by-hop header), packet type MULTICAST.'],
    ['SLL_ARP_REQUEST_OUT', 4, 'ARP request, packet type OUTGOING.'],
    ['SLL_ICMP_ECHO_REPLY_IN', 7, 'ICMP echo reply, packet type HOST.'],
    ['SLL_TCP_SYN_ACK_IN', 13, 'TCP SYN-ACK 198.18.0.2:5000 → 198.18.0.1, HOST.'],
    ['SLL_TCP6_SYN_OUT', 20, 'TCP SYN fd00::1 → fd00::2:5000, OUTGOING.'],
    ['SLL_ICMP_PORT_UNREACHABLE_IN', 30, 'ICMP port unreachable quoting UDP → 5002, HOST.'],
    ['SLL_VLAN_UDP_OUT', 48, 'The VLAN 100 frame as libpcap gives it: protocol 0x8100, the tag, then 0x0800.'],
    ['SLL_QINQ_UDP_OUT', 49, 'The QinQ frame as libpcap gives it: protocol 0x88a8, tag 200, then straight 0x0800 (the inner tag is lost).'],
    ['SLL_LO_TCP_SYN', 53, 'TCP SYN on lo (ARPHRD_LOOPBACK).'],
    ['SLL_TUN_ICMP_OUT', 58, 'ICMP echo request out of the tun device (ARPHRD_NONE, no address).'],
  ]],
  ['Linux cooked v2 (LINKTYPE_LINUX_SLL2 276): `tcpdump -i any -y LINUX_SLL2` in namespace A.', 'sll2', [
    ['SLL2_MLD_REPORT_MULTICAST', 0, 'MLDv2 report from the peer (hop-by-hop header), packet type MULTICAST.'],
    ['SLL2_ARP_REPLY_IN', 5, 'ARP reply, HOST.'],
    ['SLL2_ICMP_ECHO_REQUEST_OUT', 6, 'ICMP echo request, OUTGOING.'],
    ['SLL2_TCP_SYN_OUT', 12, 'TCP SYN 198.18.0.1 → 198.18.0.2:5000, OUTGOING.'],
    ['SLL2_ICMPV6_PORT_UNREACHABLE_IN', 32, 'ICMPv6 port unreachable quoting UDP → 5002, HOST.'],
    ['SLL2_IPV6_FRAGMENT_MIDDLE_IN', 43, 'Middle IPv6 fragment of the echo reply (offset 1448, M), HOST.'],
    ['SLL2_VLAN_UDP_OUT', 48, 'The VLAN 100 frame: SLL2 keeps no tag at all, protocol 0x0800.'],
  ]],
  ['Raw IP (LINKTYPE_RAW 101): `tcpdump -i wt-tun` on a tun device in namespace A.', 'tun', [
    ['RAW_ICMP_ECHO_REQUEST', 0, '`ping -c1 198.18.2.2` out of the tun.'],
    ['RAW_ICMPV6_ROUTER_SOLICIT', 1, 'Router solicitation fe80::… → ff02::2.'],
    ['RAW_ICMPV6_ECHO_REQUEST', 2, '`ping -6 -c1 fd00:2::2` out of the tun.'],
  ]],
];
let s = `/**
 * Real frames, hex, captured by test/decode/capture-frames.sh: two network
 * namespaces joined by a veth (198.18.0.1/24 ↔ 198.18.0.2/24,
 * fd00::1/64 ↔ fd00::2/64) plus a tun device (198.18.2.1/24, fd00:2::1/64),
 * traffic from ping, nc and bash /dev/tcp, pcap files written by tcpdump and
 * turned into hex by test/decode/dump-pcap.mjs. Each constant says where it
 * came from. Long lines are kept whole on purpose: they are data.
 */
`;
for (const [head, file, list] of sel) {
  const fr = frames(`${dir}/${file}.pcap`);
  s += `\n// ${head}\n`;
  for (const [name, idx, desc] of list) {
    s += `\n/** ${desc} */\nexport const ${name} =\n  '${fr[idx]}';\n`;
  }
}
writeFileSync(new URL('../fixtures/frames.ts', import.meta.url), s);
