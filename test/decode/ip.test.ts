import { describe, expect, it } from 'vitest';
import { decodeFrame } from '../../src/decode/decode-frame.js';
import { DecodeStatus, IpProto, LinkType, PacketInfo } from '../../src/decode/packet-info.js';
import * as F from '../fixtures/frames.js';
import { ext, ipv4, ipv6, tcp, udp } from './build.js';
import { ACK, RST, SYN, decodeHex, hex, view } from './helpers.js';

const { OK, MALFORMED } = DecodeStatus;
const raw = (s: string) => decodeHex(hex(s), LinkType.RAW);

describe('IPv4', () => {
  it('options are skipped by IHL', () => {
    // Router alert (4 bytes) + NOP padding to 8 bytes of options.
    expect(raw(ipv4(17, udp(5353, 5353), { options: '94040000 01010101' }))).toMatchObject({
      status: OK,
      ipLength: 38,
      srcPort: 5353,
      dstPort: 5353,
    });
  });

  it('IHL below 5, or running past the capture, is MALFORMED', () => {
    expect(raw(`44${ipv4(17, udp(1, 2)).slice(2)}`).status).toBe(MALFORMED);
    expect(raw(`4f${ipv4(17, udp(1, 2)).slice(2)}`)).toMatchObject({ status: MALFORMED, ipLength: 30, ipVersion: 0 });
  });

  it('total length shorter than the header is MALFORMED; 0 (TSO) means "the capture"', () => {
    expect(raw(ipv4(17, udp(1, 2), { totalLength: 19 })).status).toBe(MALFORMED);
    expect(raw(ipv4(6, tcp(443, 50000, ACK), { totalLength: 0 }))).toMatchObject({
      status: OK,
      ipLength: 40,
      srcPort: 443,
    });
  });

  it('total length cutting into the transport header is MALFORMED', () => {
    expect(raw(ipv4(6, tcp(443, 50000, ACK), { totalLength: 30 })).status).toBe(MALFORMED);
  });

  it('a capture cut by the snap length keeps the header length', () => {
    const first = Buffer.from(F.ETH_IPV4_FRAGMENT_FIRST, 'hex').subarray(0, 96);
    expect(decodeHex(first, LinkType.ETHERNET)).toMatchObject({ status: OK, ipLength: 1500, icmpType: 8, fragment: true });
  });

  it('fragment flags: DF alone is no fragment, MF with offset 0 is the first', () => {
    expect(raw(ipv4(17, udp(1, 2), { flagsFrag: 0x4000 }))).toMatchObject({ fragment: false, laterFragment: false, hasPorts: true });
    expect(raw(ipv4(17, udp(1, 2), { flagsFrag: 0x2000 }))).toMatchObject({ fragment: true, laterFragment: false, hasPorts: true });
    expect(raw(ipv4(17, '0102030405060708', { flagsFrag: 0x00b9 }))).toMatchObject({
      status: OK,
      fragment: true,
      laterFragment: true,
      hasPorts: false,
      protocol: 17,
    });
  });

  it('protocols without ports are OK with protocol set', () => {
    expect(raw(ipv4(47, '00000800'))).toMatchObject({ status: OK, protocol: 47, hasPorts: false });
    expect(raw(ipv4(IpProto.IGMP, '1600fa04e0000016'))).toMatchObject({ status: OK, protocol: 2, icmpType: -1 });
  });
});

describe('transport', () => {
  it('TCP flags; data offset below 5 is MALFORMED', () => {
    expect(raw(ipv4(6, tcp(80, 1234, RST | ACK)))).toMatchObject({ status: OK, tcpFlags: RST | ACK, srcPort: 80, dstPort: 1234 });
    expect(raw(ipv4(6, tcp(80, 1234, SYN, 4))).status).toBe(MALFORMED);
  });

  it('SCTP, UDP-Lite and DCCP ports', () => {
    expect(raw(ipv4(132, '0b5914cb 00000000 00000000'))).toMatchObject({ status: OK, protocol: 132, hasPorts: true, srcPort: 2905, dstPort: 5323 });
    expect(raw(ipv4(136, udp(5004, 5005)))).toMatchObject({ status: OK, protocol: 136, srcPort: 5004, dstPort: 5005 });
    expect(raw(ipv4(33, '13881389 0300 0000 00000000'))).toMatchObject({ status: OK, protocol: 33, srcPort: 5000, dstPort: 5001 });
    expect(raw(ipv4(132, '0b5914cb 0000')).status).toBe(MALFORMED);
  });

  it('UDP header shorter than 8 bytes is MALFORMED', () => {
    expect(raw(ipv4(17, '0035003500'))).toMatchObject({ status: MALFORMED, protocol: 17, hasPorts: false });
  });
});

describe('IPv6 extension headers', () => {
  it('hop-by-hop → routing → destination options → UDP', () => {
    expect(raw(ipv6(0, ext(43, 0) + ext(60, 1) + ext(17, 0) + udp(53, 40000)))).toMatchObject({
      status: OK,
      ipVersion: 6,
      src: 'fd00::1',
      dst: 'fd00::2',
      protocol: 17,
      srcPort: 53,
      dstPort: 40000,
      fragment: false,
    });
  });

  it('AH (4-byte units) then TCP; mobility header; HIP with no next', () => {
    const ah = '06 04 0000 00000100 00000001 000000000000000000000000'; // (4+2)*4 = 24 bytes
    expect(raw(ipv6(51, ah + tcp(22, 50000, ACK)))).toMatchObject({ status: OK, protocol: 6, srcPort: 22, tcpFlags: ACK });
    expect(raw(ipv6(135, ext(59, 1)))).toMatchObject({ status: OK, protocol: 59, hasPorts: false });
  });

  it('stops at ESP and no-next-header', () => {
    expect(raw(ipv6(0, `${ext(50, 0)}00001234 00000001 abcdef`))).toMatchObject({ status: OK, protocol: 50, hasPorts: false });
    expect(raw(ipv6(59, ''))).toMatchObject({ status: OK, protocol: 59, ipLength: 40 });
  });

  it('first fragment carries ports, later ones do not', () => {
    const first = '11 00 0001 12345678';
    const later = '11 00 05a8 12345678';
    expect(raw(ipv6(44, first + udp(4500, 4500)))).toMatchObject({ status: OK, fragment: true, laterFragment: false, srcPort: 4500 });
    expect(raw(ipv6(44, `${later}0102030405060708`))).toMatchObject({
      status: OK,
      protocol: 17,
      fragment: true,
      laterFragment: true,
      hasPorts: false,
    });
  });

  it('an atomic fragment (offset 0, no M) is still a fragment with ports', () => {
    expect(raw(ipv6(44, `06 00 0000 00000001${tcp(1, 2, SYN)}`))).toMatchObject({ fragment: true, laterFragment: false, srcPort: 1 });
  });

  it('a header running past the payload length or the capture is MALFORMED', () => {
    expect(raw(ipv6(0, ext(17, 1) + udp(1, 2)))).toMatchObject({ status: OK, protocol: 17, srcPort: 1 });
    expect(raw(ipv6(0, ext(17, 1)))).toMatchObject({ status: MALFORMED, protocol: 17 });
    expect(raw(ipv6(0, ext(17, 2), 16)).status).toBe(MALFORMED);
    expect(raw(ipv6(0, ext(17, 0).slice(0, 10))).status).toBe(MALFORMED);
    expect(raw(ipv6(44, '11000000')).status).toBe(MALFORMED);
  });

  it('an endless chain of extension headers is cut off as MALFORMED', () => {
    expect(raw(ipv6(60, ext(60, 0).repeat(40) + udp(1, 2))).status).toBe(MALFORMED);
    expect(raw(ipv6(60, ext(60, 0).repeat(10) + ext(17, 0) + udp(1, 2)))).toMatchObject({ status: OK, srcPort: 1 });
  });

  it('payload length 0 (jumbogram / BIG TCP) takes the captured length', () => {
    expect(raw(ipv6(6, tcp(443, 1, ACK), 0))).toMatchObject({ status: OK, ipLength: 60, srcPort: 443 });
  });

  it('header cut before the addresses: MALFORMED with ipLength known', () => {
    expect(raw(ipv6(17, udp(1, 2)).slice(0, 40))).toMatchObject({ status: MALFORMED, ipLength: 50, ipVersion: 0 });
  });
});

describe('ICMP errors quoting their datagram', () => {
  it('time exceeded quoting TCP over IPv4', () => {
    const quoted = ipv4(6, tcp(51000, 443, SYN)).slice(0, (20 + 8) * 2);
    expect(raw(ipv4(1, `0b000000 00000000 ${quoted}`))).toMatchObject({
      status: OK,
      icmpType: 11,
      icmpCode: 0,
      hasInner: true,
      innerProtocol: 6,
      innerSrcPort: 51000,
      innerDstPort: 443,
    });
  });

  it('quote with IP options; quote of a later fragment; quote too short', () => {
    const withOptions = ipv4(17, udp(1000, 53), { options: '01010101' });
    expect(raw(ipv4(1, `03030000 00000000 ${withOptions}`))).toMatchObject({ hasInner: true, innerSrcPort: 1000, innerDstPort: 53 });
    const later = ipv4(17, udp(1000, 53), { flagsFrag: 0x0010 });
    expect(raw(ipv4(1, `03040000 00000000 ${later}`))).toMatchObject({ status: OK, hasInner: false, innerProtocol: -1 });
    const cut = ipv4(17, udp(1000, 53)).slice(0, 22 * 2);
    expect(raw(ipv4(1, `03030000 00000000 ${cut}`))).toMatchObject({ status: OK, icmpType: 3, hasInner: false });
  });

  it('echo and other non-errors never look for a quote', () => {
    const looksQuoted = ipv4(17, udp(1000, 53));
    expect(raw(ipv4(1, `08000000 00010001 ${looksQuoted}`))).toMatchObject({ icmpType: 8, hasInner: false });
    expect(raw(ipv6(58, `80000000 00010001 ${ipv6(17, udp(1, 2))}`))).toMatchObject({ icmpType: 128, hasInner: false });
  });

  it('ICMPv6 packet too big quoting TCP behind a fragment header', () => {
    const quoted = ipv6(44, `06 00 0000 00000007${tcp(40000, 443, ACK)}`);
    expect(raw(ipv6(58, `02000000 00000500 ${quoted}`))).toMatchObject({
      status: OK,
      icmpType: 2,
      hasInner: true,
      innerProtocol: 6,
      innerSrcPort: 40000,
      innerDstPort: 443,
    });
  });

  it('ICMPv6 time exceeded quoting SCTP; parameter problem quoting a later fragment', () => {
    expect(raw(ipv6(58, `03000000 00000000 ${ipv6(132, '0b5914cb 00000000 00000000')}`))).toMatchObject({
      hasInner: true,
      innerProtocol: 132,
      innerSrcPort: 2905,
    });
    expect(raw(ipv6(58, `04000000 00000000 ${ipv6(44, '11 00 0100 00000007 0102030405060708')}`))).toMatchObject({
      status: OK,
      icmpType: 4,
      hasInner: false,
    });
  });

  it('an ICMP header shorter than 4 bytes is MALFORMED', () => {
    expect(raw(ipv4(1, '0303'))).toMatchObject({ status: MALFORMED, icmpType: -1 });
  });
});

describe('decodeFrame arguments', () => {
  const out = new PacketInfo();
  const frame = Buffer.from(F.ETH_TCP_SYN, 'hex');

  it('decodes at an offset inside a bigger buffer and ignores what follows capLen', () => {
    const big = Buffer.alloc(frame.length + 200, 0xee);
    frame.copy(big, 100);
    expect(decodeFrame(big, 100, frame.length, LinkType.ETHERNET, out)).toBe(OK);
    expect(view(out, 100)).toEqual(decodeHex(frame, LinkType.ETHERNET));
  });

  it('capLen past the end of the buffer is clamped', () => {
    expect(decodeFrame(frame, 0, frame.length + 1000, LinkType.ETHERNET, out)).toBe(OK);
    expect(out.srcPort).toBe(50332);
  });

  it('bad offsets, lengths and link types are MALFORMED, and reset the output', () => {
    for (const [offset, capLen, linkType] of [
      [-1, 10, 1],
      [0, -5, 1],
      [0.5, 10, 1],
      [Number.NaN, 10, 1],
      [0, Number.POSITIVE_INFINITY, 1],
      [frame.length + 1, 0, 1],
      [0, frame.length, 12345],
      [0, frame.length, -1],
    ] as const) {
      decodeFrame(frame, 0, frame.length, LinkType.ETHERNET, out);
      expect(decodeFrame(frame, offset, capLen, linkType, out)).toBe(MALFORMED);
      expect(out).toMatchObject({ status: MALFORMED, ipVersion: 0, hasPorts: false, srcPort: 0, protocol: -1 });
      expect(out.src.every((w) => w === 0)).toBe(true);
    }
  });
});
