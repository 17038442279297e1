import { describe, expect, it } from 'vitest';
import { DecodeStatus, IpProto, LinkType } from '../../src/decode/packet-info.js';
import * as F from '../fixtures/frames.js';
import { ACK, FIN, PSH, SYN, decodeHex, hex } from './helpers.js';

const { OK, NON_IP, MALFORMED } = DecodeStatus;
const eth = (frame: string | Buffer) => decodeHex(frame, LinkType.ETHERNET);

describe('Ethernet, real frames', () => {
  it('ARP request is NON_IP with its EtherType and both MACs', () => {
    expect(eth(F.ETH_ARP_REQUEST)).toMatchObject({
      status: NON_IP,
      linkType: 1,
      etherType: 0x0806,
      linkHeaderLength: 14,
      dstMacOffset: 0,
      srcMacOffset: 6,
      ipVersion: 0,
      protocol: -1,
      ipLength: 0,
      vlan: -1,
      pktType: -1,
    });
  });

  it('TCP SYN over IPv4', () => {
    expect(eth(F.ETH_TCP_SYN)).toMatchObject({
      status: OK,
      etherType: 0x0800,
      linkHeaderLength: 14,
      ipVersion: 4,
      src: '198.18.0.1',
      dst: '198.18.0.2',
      ipLength: 60,
      protocol: IpProto.TCP,
      fragment: false,
      laterFragment: false,
      hasPorts: true,
      srcPort: 50332,
      dstPort: 5000,
      tcpFlags: SYN,
      icmpType: -1,
      hasInner: false,
    });
  });

  it('TCP SYN-ACK and PSH-ACK', () => {
    expect(eth(F.ETH_TCP_SYN_ACK)).toMatchObject({
      src: '198.18.0.2',
      dst: '198.18.0.1',
      srcPort: 5000,
      dstPort: 50332,
      tcpFlags: SYN | ACK,
    });
    expect(eth(F.ETH_TCP_PSH_ACK)).toMatchObject({
      status: OK,
      ipLength: 55,
      srcPort: 50332,
      dstPort: 5000,
      tcpFlags: PSH | ACK,
    });
  });

  it('TCP over IPv6', () => {
    expect(eth(F.ETH_TCP6_SYN)).toMatchObject({
      status: OK,
      etherType: 0x86dd,
      ipVersion: 6,
      src: 'fd00::1',
      dst: 'fd00::2',
      ipLength: 80,
      protocol: IpProto.TCP,
      srcPort: 36872,
      dstPort: 5000,
      tcpFlags: SYN,
    });
    expect(eth(F.ETH_TCP6_FIN_ACK)).toMatchObject({
      src: 'fd00::2',
      dst: 'fd00::1',
      srcPort: 5000,
      dstPort: 36872,
      tcpFlags: FIN | ACK,
      ipLength: 72,
    });
  });

  it('UDP over IPv4 and IPv6', () => {
    expect(eth(F.ETH_UDP)).toMatchObject({
      status: OK,
      protocol: IpProto.UDP,
      src: '198.18.0.1',
      dst: '198.18.0.2',
      ipLength: 31,
      hasPorts: true,
      srcPort: 46136,
      dstPort: 5001,
      tcpFlags: 0,
    });
    expect(eth(F.ETH_UDP6)).toMatchObject({
      status: OK,
      ipVersion: 6,
      protocol: IpProto.UDP,
      ipLength: 51,
      srcPort: 49481,
      dstPort: 5002,
    });
  });

  it('ICMP echo request and ICMPv6 echo reply / neighbor solicitation', () => {
    expect(eth(F.ETH_ICMP_ECHO_REQUEST)).toMatchObject({
      status: OK,
      protocol: IpProto.ICMP,
      ipLength: 84,
      icmpType: 8,
      icmpCode: 0,
      hasPorts: false,
      hasInner: false,
    });
    expect(eth(F.ETH_ICMPV6_ECHO_REPLY)).toMatchObject({
      status: OK,
      protocol: IpProto.ICMPV6,
      src: 'fd00::2',
      dst: 'fd00::1',
      ipLength: 104,
      icmpType: 129,
      icmpCode: 0,
    });
    expect(eth(F.ETH_ICMPV6_NEIGHBOR_SOLICIT)).toMatchObject({
      status: OK,
      src: 'fd00::1',
      dst: 'ff02::1:ff00:2',
      icmpType: 135,
      dstMacOffset: 0,
    });
  });

  it('ICMP port unreachable carries the quoted UDP ports', () => {
    expect(eth(F.ETH_ICMP_PORT_UNREACHABLE)).toMatchObject({
      status: OK,
      src: '198.18.0.2',
      dst: '198.18.0.1',
      protocol: IpProto.ICMP,
      ipLength: 59,
      icmpType: 3,
      icmpCode: 3,
      hasPorts: false,
      hasInner: true,
      innerProtocol: IpProto.UDP,
      innerSrcPort: 56028,
      innerDstPort: 5002,
    });
  });

  it('ICMPv6 port unreachable carries the quoted UDP ports', () => {
    expect(eth(F.ETH_ICMPV6_PORT_UNREACHABLE)).toMatchObject({
      status: OK,
      src: 'fd00::2',
      dst: 'fd00::1',
      protocol: IpProto.ICMPV6,
      ipLength: 99,
      icmpType: 1,
      icmpCode: 4,
      hasInner: true,
      innerProtocol: IpProto.UDP,
      innerSrcPort: 49481,
      innerDstPort: 5002,
    });
  });

  it('IPv4 fragments: the first has the ICMP header, the last has none', () => {
    expect(eth(F.ETH_IPV4_FRAGMENT_FIRST)).toMatchObject({
      status: OK,
      ipLength: 1500,
      protocol: IpProto.ICMP,
      fragment: true,
      laterFragment: false,
      icmpType: 8,
    });
    expect(eth(F.ETH_IPV4_FRAGMENT_LAST)).toMatchObject({
      status: OK,
      src: '198.18.0.1',
      dst: '198.18.0.2',
      ipLength: 68,
      protocol: IpProto.ICMP,
      fragment: true,
      laterFragment: true,
      icmpType: -1,
      hasPorts: false,
    });
  });

  it('IPv6 fragment header: protocol behind it, later fragment flagged', () => {
    expect(eth(F.ETH_IPV6_FRAGMENT_FIRST)).toMatchObject({
      status: OK,
      ipLength: 1496,
      protocol: IpProto.ICMPV6,
      fragment: true,
      laterFragment: false,
      icmpType: 128,
    });
    expect(eth(F.ETH_IPV6_FRAGMENT_LAST)).toMatchObject({
      status: OK,
      ipLength: 160,
      protocol: IpProto.ICMPV6,
      fragment: true,
      laterFragment: true,
      icmpType: -1,
    });
  });

  it('MLDv2 report behind a hop-by-hop header', () => {
    expect(eth(F.ETH_MLD_REPORT_HBH)).toMatchObject({
      status: OK,
      dst: 'ff02::16',
      ipLength: 96,
      protocol: IpProto.ICMPV6,
      icmpType: 143,
      fragment: false,
    });
    expect(eth(F.ETH_MLD_REPORT_HBH).src.startsWith('fe80::')).toBe(true);
  });

  it('802.1Q VLAN 100', () => {
    expect(eth(F.ETH_VLAN_UDP)).toMatchObject({
      status: OK,
      vlan: 100,
      etherType: 0x0800,
      linkHeaderLength: 18,
      src: '198.18.1.1',
      dst: '198.18.1.2',
      ipLength: 31,
      srcPort: 4000,
      dstPort: 4001,
      dstMacOffset: 0,
      srcMacOffset: 6,
    });
  });

  it('QinQ: outer VLAN recorded, both tags skipped', () => {
    expect(eth(F.ETH_QINQ_UDP)).toMatchObject({
      status: OK,
      vlan: 200,
      etherType: 0x0800,
      linkHeaderLength: 22,
      srcPort: 4000,
      dstPort: 4001,
    });
  });

  it('loopback Ethernet with zero MACs', () => {
    expect(eth(F.LO_TCP_SYN)).toMatchObject({
      status: OK,
      src: '127.0.0.1',
      dst: '127.0.0.1',
      srcPort: 32878,
      dstPort: 5003,
      tcpFlags: SYN,
      dstMacOffset: 0,
      srcMacOffset: 6,
    });
  });
});

describe('Ethernet, crafted', () => {
  const macs = 'ffffffffffff 020000000001';
  const ipv4Udp =
    '45000020 00010000 4011 0000 c6120001 c6120002 | 1f90 0035 000c 0000 61626364';

  it('old QinQ TPID 0x9100 and three stacked tags', () => {
    expect(eth(hex(`${macs} 9100 012c 8100 0064 0800 ${ipv4Udp}`))).toMatchObject({
      status: OK,
      vlan: 300,
      linkHeaderLength: 22,
      srcPort: 8080,
      dstPort: 53,
    });
    expect(eth(hex(`${macs} 88a8 0001 8100 0002 8100 0003 0800 ${ipv4Udp}`))).toMatchObject({
      status: OK,
      vlan: 1,
      linkHeaderLength: 26,
    });
  });

  it('VLAN id ignores priority and DEI bits', () => {
    expect(eth(hex(`${macs} 8100 f064 0800 ${ipv4Udp}`)).vlan).toBe(100);
  });

  it('tagged ARP is NON_IP with the VLAN kept', () => {
    expect(eth(hex(`${macs} 8100 0064 0806 0001 0800 0604 0001`))).toMatchObject({
      status: NON_IP,
      vlan: 100,
      etherType: 0x0806,
      linkHeaderLength: 18,
    });
  });

  it('802.3 LLC (spanning tree) is NON_IP; SNAP with IPv4 is decoded', () => {
    expect(eth(hex(`0180c2000000 020000000001 0026 424203 0000 0000`))).toMatchObject({
      status: NON_IP,
      etherType: -1,
      linkHeaderLength: 14,
    });
    expect(eth(hex(`${macs} 0028 aaaa03 000000 0800 ${ipv4Udp}`))).toMatchObject({
      status: OK,
      etherType: 0x0800,
      linkHeaderLength: 22,
      srcPort: 8080,
    });
  });

  it('PPPoE session carrying IPv4, and PPP control as NON_IP', () => {
    expect(eth(hex(`${macs} 8864 1100 0001 0022 0021 ${ipv4Udp}`))).toMatchObject({
      status: OK,
      etherType: 0x0800,
      linkHeaderLength: 22,
      src: '198.18.0.1',
      dstPort: 53,
    });
    expect(eth(hex(`${macs} 8864 1100 0001 0006 c021 0101 0004`))).toMatchObject({
      status: NON_IP,
      etherType: 0x8864,
    });
  });

  it('Ethernet padding after a short IPv4 datagram is not taken for payload', () => {
    // IPv4 total length 28 = header + 8-byte UDP header; 14 bytes of padding follow.
    const v = eth(hex(`${macs} 0800 4500001c 00010000 4011 0000 c6120001 c6120002 1f90 0035 0008 0000 ${'00'.repeat(18)}`));
    expect(v).toMatchObject({ status: OK, ipLength: 28, srcPort: 8080, dstPort: 53 });
  });

  it('short frames are MALFORMED but keep the MAC offsets they reached', () => {
    expect(eth(hex('ffffffffffff02'))).toMatchObject({ status: MALFORMED, dstMacOffset: 0, srcMacOffset: -1 });
    expect(eth(hex(`${macs} 08`))).toMatchObject({ status: MALFORMED, dstMacOffset: 0, srcMacOffset: 6 });
    expect(eth(hex(`${macs} 8100 00`))).toMatchObject({ status: MALFORMED, linkHeaderLength: 14 });
    expect(eth(hex(`${macs} 0800 4500`))).toMatchObject({ status: MALFORMED, etherType: 0x0800, ipVersion: 0 });
  });

  it('IP version that does not match the EtherType is MALFORMED', () => {
    expect(eth(hex(`${macs} 86dd ${ipv4Udp}`)).status).toBe(MALFORMED);
    expect(eth(hex(`${macs} 0800 6${ipv4Udp.slice(1)}`)).status).toBe(MALFORMED);
  });
});
