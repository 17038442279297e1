import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame } from '../../src/decode/decode-frame.js';
import { DecodeStatus, LinkType, PacketInfo } from '../../src/decode/packet-info.js';
import { FIXTURES } from '../decode/fixture-table.js';
import { type View, view } from '../decode/helpers.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
// Each run decodes three times and builds three views; leave room for 100 000 runs.
const TIMEOUT = Math.max(30_000, RUNS * 3);

const LINK_TYPES = Object.values(LinkType) as number[];
const PORT_PROTOCOLS = new Set([6, 17, 33, 132, 136]);
const out = new PacketInfo();

/**
 * Decodes `frame` three ways: alone in an exact-size buffer, and at `offset`
 * inside a bigger buffer surrounded by `garbage`, then by its bitwise
 * complement. Bytes outside the frame differ in every position between the
 * last two, so equal results mean nothing outside the frame was read.
 */
function decodeEverywhere(frame: Uint8Array, linkType: number, offset: number, garbage: Uint8Array): View {
  const exact = Buffer.from(frame);
  let status = decodeFrame(exact, 0, exact.length, linkType, out);
  expect(out.status).toBe(status);
  const v0 = view(out);

  const size = offset + frame.length + garbage.length;
  const a = Buffer.alloc(size);
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) {
    const g = garbage[i % Math.max(1, garbage.length)] ?? 0x5a;
    a[i] = g;
    b[i] = g ^ 0xff;
  }
  a.set(frame, offset);
  b.set(frame, offset);
  status = decodeFrame(a, offset, frame.length, linkType, out);
  expect(out.status).toBe(status);
  const va = view(out, offset);
  decodeFrame(b, offset, frame.length, linkType, out);
  const vb = view(out, offset);
  expect(va).toEqual(v0);
  expect(vb).toEqual(v0);
  return v0;
}

function checkInvariants(v: View, frameLength: number): void {
  expect([DecodeStatus.OK, DecodeStatus.NON_IP, DecodeStatus.MALFORMED]).toContain(v.status);
  expect(v.linkHeaderLength).toBeGreaterThanOrEqual(0);
  expect(v.linkHeaderLength).toBeLessThanOrEqual(frameLength);
  if (v.status === DecodeStatus.OK) {
    expect([4, 6]).toContain(v.ipVersion);
    expect(v.protocol).toBeGreaterThanOrEqual(0);
    expect(v.protocol).toBeLessThanOrEqual(255);
    expect(v.ipLength).toBeGreaterThanOrEqual(v.ipVersion === 4 ? 20 : 40);
  }
  if (v.status !== DecodeStatus.OK) expect(v.hasPorts).toBe(false);
  if (v.hasPorts) {
    expect(PORT_PROTOCOLS.has(v.protocol)).toBe(true);
    expect(v.laterFragment).toBe(false);
  }
  for (const p of [v.srcPort, v.dstPort, v.innerSrcPort, v.innerDstPort]) {
    expect(p >= 0 && p <= 0xffff).toBe(true);
  }
  if (v.hasInner) expect(PORT_PROTOCOLS.has(v.innerProtocol)).toBe(true);
  if (v.laterFragment) expect(v.fragment).toBe(true);
  if (v.vlan !== -1) expect(v.vlan >= 0 && v.vlan <= 4095).toBe(true);
  if (v.srcMacOffset !== -1) expect(v.srcMacOffset + 6).toBeLessThanOrEqual(frameLength);
  if (v.dstMacOffset !== -1) expect(v.dstMacOffset + 6).toBeLessThanOrEqual(frameLength);
}

const linkTypeArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...LINK_TYPES) },
  { weight: 1, arbitrary: fc.integer({ min: -1, max: 300 }) },
);
const placementArb = fc.record({
  offset: fc.nat({ max: 64 }),
  garbage: fc.uint8Array({ minLength: 1, maxLength: 48 }),
});

/** A real frame with some bytes overwritten, some 16-bit fields set, maybe cut. */
const mutatedFrameArb = fc
  .record({
    fixture: fc.constantFrom(...FIXTURES),
    bytes: fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 6 }),
    words: fc.array(fc.tuple(fc.nat({ max: 80 }), fc.nat({ max: 0xffff })), { maxLength: 2 }),
    // Mostly whole frames with their own link type; now and then cut, or read as another type.
    cut: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat() }),
    otherLinkType: fc.oneof(
      { weight: 5, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom(...LINK_TYPES) },
    ),
  })
  .map(({ fixture, bytes, words, cut, otherLinkType }) => {
    const frame = Buffer.from(fixture.hex, 'hex');
    for (const [pos, value] of bytes) frame[pos % frame.length] = value;
    // Header lengths, EtherTypes and next-header fields live in the first 80 bytes.
    for (const [pos, value] of words) {
      if (pos + 1 < frame.length) {
        frame[pos] = value >> 8;
        frame[pos + 1] = value & 0xff;
      }
    }
    const length = cut === undefined ? frame.length : cut % (frame.length + 1);
    return { frame: frame.subarray(0, length), linkType: otherLinkType ?? fixture.linkType };
  });

describe('decodeFrame under fuzzing', () => {
  it(
    'random bytes with every link type',
    () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 160, size: 'medium' }), linkTypeArb, placementArb, (frame, linkType, place) => {
          const v = decodeEverywhere(frame, linkType, place.offset, place.garbage);
          checkInvariants(v, frame.length);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'random bytes behind a valid link header and IP version nibble',
    () => {
      // [link type, link header hex, IP version it announces]
      const headers: [number, string, number][] = [
        [LinkType.ETHERNET, 'ffffffffffff 020000000001 0800', 4],
        [LinkType.ETHERNET, 'ffffffffffff 020000000001 86dd', 6],
        [LinkType.ETHERNET, 'ffffffffffff 020000000001 8100 0064 86dd', 6],
        [LinkType.LINUX_SLL, '0000 0001 0006 0200000000010000 0800', 4],
        [LinkType.LINUX_SLL2, '86dd 0000 00000002 0001 00 06 0200000000010000', 6],
        [LinkType.NULL, '1e000000', 6],
        [LinkType.LOOP, '00000002', 4],
        [LinkType.RAW, '', 4],
      ];
      fc.assert(
        fc.property(
          fc.constantFrom(...headers),
          fc.uint8Array({ minLength: 40, maxLength: 120, size: 'max' }),
          placementArb,
          ([linkType, header, version], body, place) => {
            body[0] = (version << 4) | (body[0]! & 0x0f);
            if (version === 4) body[0] = 0x45 + (body[0]! & 1); // IHL 5 or 6
            const frame = Buffer.concat([Buffer.from(header.replace(/ /g, ''), 'hex'), body]);
            const v = decodeEverywhere(frame, linkType, place.offset, place.garbage);
            checkInvariants(v, frame.length);
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'mutated real frames at random offsets',
    () => {
      fc.assert(
        fc.property(mutatedFrameArb, placementArb, ({ frame, linkType }, place) => {
          const v = decodeEverywhere(frame, linkType, place.offset, place.garbage);
          checkInvariants(v, frame.length);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it('one PacketInfo reused across frames carries nothing over', () => {
    fc.assert(
      fc.property(mutatedFrameArb, mutatedFrameArb, (first, second) => {
        const fresh = new PacketInfo();
        decodeFrame(Buffer.from(second.frame), 0, second.frame.length, second.linkType, fresh);
        decodeFrame(Buffer.from(first.frame), 0, first.frame.length, first.linkType, out);
        decodeFrame(Buffer.from(second.frame), 0, second.frame.length, second.linkType, out);
        expect(view(out)).toEqual(view(fresh));
      }),
      { numRuns: Math.max(100, RUNS >> 2) },
    );
  });
});
