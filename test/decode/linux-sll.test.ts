import { describe, expect, it } from 'vitest';
import { DecodeStatus, IpProto, LinkType, SllPacketType } from '../../src/decode/packet-info.js';
import * as F from '../fixtures/frames.js';
import { ACK, SYN, decodeHex, hex } from './helpers.js';

const { OK, NON_IP, MALFORMED } = DecodeStatus;
const sll = (frame: string | Buffer) => decodeHex(frame, LinkType.LINUX_SLL);
const sll2 = (frame: string | Buffer) => decodeHex(frame, LinkType.LINUX_SLL2);

describe('Linux cooked capture v1 (SLL), real frames', () => {
  it('outgoing ARP: packet type, source MAC, NON_IP', () => {
    expect(sll(F.SLL_ARP_REQUEST_OUT)).toMatchObject({
      status: NON_IP,
      linkType: 113,
      pktType: SllPacketType.OUTGOING,
      etherType: 0x0806,
      linkHeaderLength: 16,
      srcMacOffset: 6,
      dstMacOffset: -1,
    });
  });

  it('incoming ICMP echo reply and TCP SYN-ACK', () => {
    expect(sll(F.SLL_ICMP_ECHO_REPLY_IN)).toMatchObject({
      status: OK,
      pktType: SllPacketType.HOST,
      src: '198.18.0.2',
      dst: '198.18.0.1',
      ipLength: 84,
      icmpType: 0,
    });
    expect(sll(F.SLL_TCP_SYN_ACK_IN)).toMatchObject({
      status: OK,
      pktType: SllPacketType.HOST,
      protocol: IpProto.TCP,
      srcPort: 5000,
      dstPort: 50332,
      tcpFlags: SYN | ACK,
    });
  });

  it('outgoing TCP over IPv6', () => {
    expect(sll(F.SLL_TCP6_SYN_OUT)).toMatchObject({
      status: OK,
      pktType: SllPacketType.OUTGOING,
      etherType: 0x86dd,
      src: 'fd00::1',
      dst: 'fd00::2',
      srcPort: 36872,
      dstPort: 5000,
      tcpFlags: SYN,
    });
  });

  it('multicast MLD report with hop-by-hop header', () => {
    expect(sll(F.SLL_MLD_REPORT_MULTICAST)).toMatchObject({
      status: OK,
      pktType: SllPacketType.MULTICAST,
      src: '::',
      dst: 'ff02::16',
      protocol: IpProto.ICMPV6,
      icmpType: 143,
    });
  });

  it('ICMP port unreachable with inner ports', () => {
    expect(sll(F.SLL_ICMP_PORT_UNREACHABLE_IN)).toMatchObject({
      status: OK,
      icmpType: 3,
      icmpCode: 3,
      hasInner: true,
      innerProtocol: IpProto.UDP,
      innerSrcPort: 56028,
      innerDstPort: 5002,
    });
  });

  it('VLAN tag that libpcap put back into the cooked header', () => {
    expect(sll(F.SLL_VLAN_UDP_OUT)).toMatchObject({
      status: OK,
      vlan: 100,
      etherType: 0x0800,
      linkHeaderLength: 20,
      srcPort: 4000,
      dstPort: 4001,
    });
    expect(sll(F.SLL_QINQ_UDP_OUT)).toMatchObject({
      status: OK,
      vlan: 200,
      linkHeaderLength: 20,
      srcPort: 4000,
    });
  });

  it('loopback and tun devices', () => {
    expect(sll(F.SLL_LO_TCP_SYN)).toMatchObject({
      status: OK,
      pktType: SllPacketType.HOST,
      srcMacOffset: 6,
      src: '127.0.0.1',
      dstPort: 5003,
    });
    expect(sll(F.SLL_TUN_ICMP_OUT)).toMatchObject({
      status: OK,
      pktType: SllPacketType.OUTGOING,
      srcMacOffset: -1,
      src: '198.18.2.1',
      dst: '198.18.2.2',
      icmpType: 8,
    });
  });
});

describe('Linux cooked capture v2 (SLL2), real frames', () => {
  it('ARP reply in', () => {
    expect(sll2(F.SLL2_ARP_REPLY_IN)).toMatchObject({
      status: NON_IP,
      linkType: 276,
      pktType: SllPacketType.HOST,
      etherType: 0x0806,
      linkHeaderLength: 20,
      srcMacOffset: 12,
    });
  });

  it('ICMP echo request out, TCP SYN out', () => {
    expect(sll2(F.SLL2_ICMP_ECHO_REQUEST_OUT)).toMatchObject({
      status: OK,
      pktType: SllPacketType.OUTGOING,
      src: '198.18.0.1',
      dst: '198.18.0.2',
      icmpType: 8,
    });
    expect(sll2(F.SLL2_TCP_SYN_OUT)).toMatchObject({
      status: OK,
      pktType: SllPacketType.OUTGOING,
      ipLength: 60,
      srcPort: 50332,
      dstPort: 5000,
      tcpFlags: SYN,
    });
  });

  it('ICMPv6 port unreachable with inner ports', () => {
    expect(sll2(F.SLL2_ICMPV6_PORT_UNREACHABLE_IN)).toMatchObject({
      status: OK,
      pktType: SllPacketType.HOST,
      icmpType: 1,
      icmpCode: 4,
      hasInner: true,
      innerProtocol: IpProto.UDP,
      innerSrcPort: 49481,
      innerDstPort: 5002,
    });
  });

  it('middle IPv6 fragment', () => {
    expect(sll2(F.SLL2_IPV6_FRAGMENT_MIDDLE_IN)).toMatchObject({
      status: OK,
      src: 'fd00::2',
      dst: 'fd00::1',
      ipLength: 1496,
      fragment: true,
      laterFragment: true,
      protocol: IpProto.ICMPV6,
    });
  });

  it('multicast MLD report, and the VLAN frame whose tag SLL2 dropped', () => {
    expect(sll2(F.SLL2_MLD_REPORT_MULTICAST)).toMatchObject({
      status: OK,
      pktType: SllPacketType.MULTICAST,
      icmpType: 143,
    });
    expect(sll2(F.SLL2_VLAN_UDP_OUT)).toMatchObject({ status: OK, vlan: -1, srcPort: 4000, dstPort: 4001 });
  });
});

describe('cooked captures, crafted', () => {
  it('short headers keep the packet type', () => {
    expect(sll(hex('0004 0001 0006 0200'))).toMatchObject({ status: MALFORMED, pktType: 4, srcMacOffset: -1 });
    expect(sll(hex('00'))).toMatchObject({ status: MALFORMED, pktType: -1 });
    expect(sll2(hex('0800 0000 00000002 0001 04 06 0200'))).toMatchObject({ status: MALFORMED, pktType: 4 });
    expect(sll2(hex('0800 0000 00000002 0001'))).toMatchObject({ status: MALFORMED, pktType: -1 });
  });

  it('netlink capture (ARPHRD_NETLINK, protocol = netlink family) is NON_IP', () => {
    expect(sll(hex('0004 0338 0000 0000000000000000 0000 1400000010000100'))).toMatchObject({
      status: NON_IP,
      etherType: 0,
      srcMacOffset: -1,
    });
  });
});
