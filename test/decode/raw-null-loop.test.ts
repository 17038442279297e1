import { describe, expect, it } from 'vitest';
import { DecodeStatus, IpProto, LinkType } from '../../src/decode/packet-info.js';
import * as F from '../fixtures/frames.js';
import { decodeHex, hex } from './helpers.js';

const { OK, NON_IP, MALFORMED } = DecodeStatus;

describe('raw IP, real frames from a tun device', () => {
  it('LINKTYPE_RAW picks the version from the first nibble', () => {
    expect(decodeHex(F.RAW_ICMP_ECHO_REQUEST, LinkType.RAW)).toMatchObject({
      status: OK,
      linkType: 101,
      linkHeaderLength: 0,
      etherType: 0x0800,
      ipVersion: 4,
      src: '198.18.2.1',
      dst: '198.18.2.2',
      ipLength: 84,
      icmpType: 8,
      dstMacOffset: -1,
      srcMacOffset: -1,
    });
    expect(decodeHex(F.RAW_ICMPV6_ECHO_REQUEST, LinkType.RAW)).toMatchObject({
      status: OK,
      etherType: 0x86dd,
      ipVersion: 6,
      src: 'fd00:2::1',
      dst: 'fd00:2::2',
      ipLength: 104,
      protocol: IpProto.ICMPV6,
      icmpType: 128,
    });
    expect(decodeHex(F.RAW_ICMPV6_ROUTER_SOLICIT, LinkType.RAW)).toMatchObject({
      status: OK,
      dst: 'ff02::2',
      icmpType: 133,
    });
  });

  it('LINKTYPE_IPV4 / LINKTYPE_IPV6 insist on their version', () => {
    expect(decodeHex(F.RAW_ICMP_ECHO_REQUEST, LinkType.IPV4)).toMatchObject({ status: OK, linkType: 228, ipVersion: 4 });
    expect(decodeHex(F.RAW_ICMPV6_ECHO_REQUEST, LinkType.IPV6)).toMatchObject({ status: OK, linkType: 229, ipVersion: 6 });
    expect(decodeHex(F.RAW_ICMPV6_ECHO_REQUEST, LinkType.IPV4).status).toBe(MALFORMED);
    expect(decodeHex(F.RAW_ICMP_ECHO_REQUEST, LinkType.IPV6).status).toBe(MALFORMED);
  });

  it('other versions and empty frames are MALFORMED', () => {
    expect(decodeHex(hex('5500'), LinkType.RAW).status).toBe(MALFORMED);
    expect(decodeHex(hex(''), LinkType.RAW).status).toBe(MALFORMED);
  });
});

// BSD loopback frames cannot be captured on Linux: these put the 4-byte family
// header, as macOS/FreeBSD/OpenBSD write it, in front of the real tun packets.
describe('NULL and LOOP (BSD loopback)', () => {
  const v4 = F.RAW_ICMP_ECHO_REQUEST;
  const v6 = F.RAW_ICMPV6_ECHO_REQUEST;

  it('NULL in either host byte order, AF_INET', () => {
    for (const family of ['02000000', '00000002']) {
      expect(decodeHex(hex(family + v4), LinkType.NULL)).toMatchObject({
        status: OK,
        linkType: 0,
        linkHeaderLength: 4,
        etherType: 0x0800,
        src: '198.18.2.1',
        icmpType: 8,
      });
    }
  });

  it('NULL, every AF_INET6 value, both byte orders', () => {
    for (const af of [10, 24, 28, 30]) {
      const h = af.toString(16).padStart(2, '0');
      for (const family of [`${h}000000`, `000000${h}`]) {
        expect(decodeHex(hex(family + v6), LinkType.NULL)).toMatchObject({
          status: OK,
          etherType: 0x86dd,
          ipVersion: 6,
          dst: 'fd00:2::2',
        });
      }
    }
  });

  it('LOOP is network byte order only', () => {
    expect(decodeHex(hex(`00000002${v4}`), LinkType.LOOP)).toMatchObject({ status: OK, linkType: 108, ipVersion: 4 });
    expect(decodeHex(hex(`0000001e${v6}`), LinkType.LOOP)).toMatchObject({ status: OK, ipVersion: 6 });
    expect(decodeHex(hex(`02000000${v4}`), LinkType.LOOP)).toMatchObject({ status: NON_IP, linkHeaderLength: 4 });
  });

  it('other families are NON_IP; short headers MALFORMED', () => {
    expect(decodeHex(hex(`07000000${v4}`), LinkType.NULL)).toMatchObject({ status: NON_IP, etherType: -1 });
    expect(decodeHex(hex(`02000100${v4}`), LinkType.NULL).status).toBe(NON_IP);
    expect(decodeHex(hex('020000'), LinkType.NULL).status).toBe(MALFORMED);
    expect(decodeHex(hex('000000'), LinkType.LOOP).status).toBe(MALFORMED);
    expect(decodeHex(hex('02000000'), LinkType.NULL)).toMatchObject({ status: MALFORMED, etherType: 0x0800 });
  });
});
