import { describe, expect, it } from 'vitest';
import { PcapWriter } from '../../src/capture/pcap-writer.js';
import { MAX_RECORD_BYTES, fcsLengthOf, linkTypeOf } from '../../src/capture/pcap-reader.js';
import { UserError } from '../../src/util/user-error.js';
import { readBytes, tsErrorNs } from './collect.js';

const frame = (n: number, fill = 0xab): Buffer => Buffer.alloc(n, fill);

describe('classic pcap reader', () => {
  for (const nano of [false, true]) {
    for (const bigEndian of [false, true]) {
      it(`${nano ? 'ns' : 'µs'} ${bigEndian ? 'big' : 'little'}-endian: lengths and timestamps`, async () => {
        const w = new PcapWriter(null, { nano, bigEndian, linkType: 113 });
        w.recordNs(frame(60, 1), 60, 1_795_000_000_123_456_789n);
        w.recordNs(frame(40, 2), 1500, 1_795_000_001_000_000_001n); // snapped: caplen 40 of 1500
        w.recordNs(frame(0), 0, 4_294_967_295_999_999_999n); // 2106 (uint32 seconds)
        const { recs, warnings, error } = await readBytes(w.toBuffer(), 7);
        expect(error).toBeNull();
        expect(warnings).toEqual([]);
        expect(recs.map((r) => [r.capLen, r.origLen, r.linkType])).toEqual([
          [60, 60, 113],
          [40, 1500, 113],
          [0, 0, 113],
        ]);
        expect(recs[0]!.data.equals(frame(60, 1))).toBe(true);
        const frac = nano ? ['123456789', '000000001', '999999999'] : ['123456000', '000000000', '999999000'];
        expect(tsErrorNs(recs[0]!.tsMs, `1795000000.${frac[0]}`)).toBeLessThan(250);
        expect(tsErrorNs(recs[1]!.tsMs, `1795000001.${frac[1]}`)).toBeLessThan(250);
        expect(tsErrorNs(recs[2]!.tsMs, `4294967295.${frac[2]}`)).toBeLessThan(1000);
      });
    }
  }

  it('masks the FCS-length and reserved bits of the link type field like libpcap (LT_LINKTYPE)', async () => {
    const field = (2 << 28) | 0x04000000 | 1; // Ethernet with a 4-byte FCS
    expect(linkTypeOf(field)).toBe(1);
    expect(fcsLengthOf(field)).toBe(4);
    expect(fcsLengthOf(1)).toBeNull();
    const w = new PcapWriter(null, { linkType: field >>> 0 });
    w.recordNs(frame(64), 64, 1n);
    const { recs } = await readBytes(w.toBuffer());
    expect(recs[0]!.linkType).toBe(1);
  });

  it('swaps caplen and len for versions before 2.3, and for 2.3 files that need it', async () => {
    for (const [minor, cap, orig, wantCap, wantOrig] of [
      [2, 1514, 60, 60, 1514], // 2.2: fields stored the other way round
      [3, 1514, 60, 60, 1514], // 2.3 with caplen > len: swapped
      [3, 60, 1514, 60, 1514], // 2.3 in normal order
      [4, 60, 1514, 60, 1514],
    ] as const) {
      const w = new PcapWriter(null, { versionMinor: minor });
      // Write the header fields raw: record() puts capLen at +8 and origLen at +12.
      const data = frame(Math.min(cap, orig) === cap ? cap : orig);
      w.record(data, 0, data.length, 0, 0, 0);
      const bytes = w.toBuffer();
      bytes.writeUInt32LE(cap, 24 + 8);
      bytes.writeUInt32LE(orig, 24 + 12);
      const body = Buffer.concat([bytes.subarray(0, 40), frame(wantCap)]);
      const { recs, error } = await readBytes(body);
      expect(error).toBeNull();
      expect([recs[0]!.capLen, recs[0]!.origLen]).toEqual([wantCap, wantOrig]);
    }
  });

  it('delivers at most snaplen bytes of a longer record, as libpcap does', async () => {
    const w = new PcapWriter(null, { snaplen: 32 });
    w.recordNs(frame(100), 100, 0n);
    w.recordNs(frame(10, 7), 10, 0n);
    const { recs } = await readBytes(w.toBuffer());
    expect(recs.map((r) => [r.capLen, r.origLen])).toEqual([
      [32, 100],
      [10, 10],
    ]);
    expect(recs[1]!.data.equals(frame(10, 7))).toBe(true);
  });

  it('reads a record far larger than the chunk size', async () => {
    const w = new PcapWriter(null);
    w.recordNs(frame(10), 10, 0n);
    w.recordNs(frame(200_000, 9), 200_000, 0n);
    w.recordNs(frame(10), 10, 0n);
    const { recs, warnings } = await readBytes(w.toBuffer(), 1024);
    expect(warnings).toEqual([]);
    expect(recs.map((r) => r.capLen)).toEqual([10, 200_000, 10]);
    expect(recs[1]!.data.equals(frame(200_000, 9))).toBe(true);
  });

  it('rejects an insane capture length as corruption (UserError), after the good records', async () => {
    const w = new PcapWriter(null);
    w.recordNs(frame(10), 10, 0n);
    const bytes = Buffer.concat([w.toBuffer(), Buffer.alloc(16)]);
    bytes.writeUInt32LE(MAX_RECORD_BYTES + 1, bytes.length - 8);
    const { recs, error } = await readBytes(bytes);
    expect(recs.length).toBe(1);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/^mem\.pcap: corrupt pcap record after 1 packets/);
  });

  it('rejects unsupported and archaic versions', async () => {
    for (const [major, minor, re] of [
      [3, 0, /unsupported pcap version 3\.0/],
      [1, 0, /archaic pcap file format/],
      [2, 5, /unsupported pcap version 2\.5/],
    ] as const) {
      const w = new PcapWriter(null, { versionMajor: major, versionMinor: minor });
      const { error } = await readBytes(w.toBuffer());
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).toMatch(re);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
