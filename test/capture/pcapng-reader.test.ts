import { describe, expect, it } from 'vitest';
import { PcapngWriter } from '../../src/capture/pcap-writer.js';
import { PcapngParser } from '../../src/capture/pcapng-reader.js';
import { UserError } from '../../src/util/user-error.js';
import { CollectSink, readBytes, tsErrorNs } from './collect.js';

const frame = (n: number, fill = 0xcd): Buffer => Buffer.alloc(n, fill);
const T = 1_795_000_000_000_000_000n; // ns since 1970

describe('pcapng reader', () => {
  it('several interfaces, each with its own link type, snaplen and resolution', async () => {
    const w = new PcapngWriter(null);
    const a = w.addInterface({ linkType: 1, tsresol: 9 });
    const b = w.addInterface({ linkType: 101, tsresol: 0x80 | 10, snaplen: 50 }); // 2^-10 s
    const c = w.addInterface({ linkType: 113, tsresol: 0 }); // whole seconds
    const d = w.addInterface({ linkType: 276 }); // no if_tsresol: µs
    w.epb(a, frame(60), 60, T + 123_456_789n);
    w.epb(b, frame(50), 1400, T + 500_000_000n); // 512/1024 s
    w.epb(c, frame(40), 40, T + 7_000_000_000n);
    w.epb(d, frame(30), 30, T + 1_000n);
    w.epb(b, frame(80), 80, T + 0n, 80); // caplen 80 > snaplen 50: clamped
    const { recs, error } = await readBytes(w.toBuffer(), 9);
    expect(error).toBeNull();
    expect(recs.map((r) => [r.linkType, r.capLen, r.origLen])).toEqual([
      [1, 60, 60],
      [101, 50, 1400],
      [113, 40, 40],
      [276, 30, 30],
      [101, 50, 80],
    ]);
    expect(tsErrorNs(recs[0]!.tsMs, '1795000000.123456789')).toBeLessThan(250);
    expect(tsErrorNs(recs[1]!.tsMs, '1795000000.5')).toBeLessThan(250);
    expect(tsErrorNs(recs[2]!.tsMs, '1795000007')).toBeLessThan(250);
    expect(tsErrorNs(recs[3]!.tsMs, '1795000000.000001')).toBeLessThan(250);
  });

  it('nanosecond timestamps beyond 2^53 ticks keep sub-µs precision', async () => {
    const w = new PcapngWriter(null);
    w.addInterface({ linkType: 1, tsresol: 9 });
    const stamps = ['1795000000.000000001', '1795000000.999999999', '4102444800.123456789', '1.000000001'];
    for (const s of stamps) {
      const [sec, f] = s.split('.') as [string, string];
      w.epb(0, frame(1), 1, BigInt(sec) * 1_000_000_000n + BigInt(f));
    }
    const { recs } = await readBytes(w.toBuffer());
    recs.forEach((r, i) => expect(tsErrorNs(r.tsMs, stamps[i]!)).toBeLessThan(250));
  });

  it('applies if_tsoffset (seconds) to every packet of the interface', async () => {
    const w = new PcapngWriter(null);
    w.addInterface({ linkType: 1, tsresol: 3, tsoffset: 1_700_000_000 });
    w.epb(0, frame(1), 1, 1_700_000_005_250_000_000n); // stored as 5250 ms after the offset
    const { recs } = await readBytes(w.toBuffer());
    expect(recs[0]!.tsMs).toBe(1_700_000_005_250);
  });

  it('SPB: interface 0, no timestamp (previous packet’s), caplen = min(original, snaplen, block space)', async () => {
    const w = new PcapngWriter(null);
    w.addInterface({ linkType: 1, snaplen: 64 });
    w.addInterface({ linkType: 101 });
    w.spb(frame(20), 20); // before any timestamp: 0
    w.epb(1, frame(10), 10, T + 2_000_000n);
    w.spb(frame(100), 100, 100); // snaplen 64 wins
    w.spb(frame(30), 1500, 30); // block space (30 + padding) wins
    w.spb(frame(7), 7); // original wins over the 1 byte of padding
    const { recs } = await readBytes(w.toBuffer());
    expect(recs.map((r) => [r.linkType, r.capLen, r.origLen])).toEqual([
      [1, 20, 20],
      [101, 10, 10],
      [1, 64, 100],
      [1, 32, 1500], // 30 bytes padded to 32: the block holds 32
      [1, 7, 7],
    ]);
    expect(recs[0]!.tsMs).toBe(0);
    expect(recs[2]!.tsMs).toBe(recs[1]!.tsMs);
    expect(recs[4]!.tsMs).toBe(recs[1]!.tsMs);
  });

  it('OPB (obsolete packet block) with a 16-bit interface id', async () => {
    const w = new PcapngWriter(null, { bigEndian: true });
    w.addInterface({ linkType: 1 });
    w.addInterface({ linkType: 105, tsresol: 6 });
    w.opb(1, frame(33, 1), 90, T + 1_000_000n);
    const { recs } = await readBytes(w.toBuffer());
    expect(recs.map((r) => [r.linkType, r.capLen, r.origLen])).toEqual([[105, 33, 90]]);
    expect(recs[0]!.data.equals(frame(33, 1))).toBe(true);
    expect(tsErrorNs(recs[0]!.tsMs, '1795000000.001')).toBeLessThan(250);
  });

  it('skips NRB, ISB, DSB, custom and unknown blocks by their length', async () => {
    const w = new PcapngWriter(null);
    w.block(0x00000bad, frame(13)); // custom before any interface
    w.addInterface({ linkType: 1 });
    w.block(4, Buffer.alloc(4)); // NRB with only nrb_record_end
    w.epb(0, frame(10), 10, T);
    w.block(5, Buffer.alloc(12)); // ISB
    w.block(0x0000000a, frame(16)); // DSB
    w.block(0x40000bad, frame(1)); // custom, not copyable
    w.block(0x12345678, frame(999)); // unknown
    w.epb(0, frame(11), 11, T);
    const { recs, error } = await readBytes(w.toBuffer(), 16);
    expect(error).toBeNull();
    expect(recs.map((r) => r.capLen)).toEqual([10, 11]);
  });

  it('a new section resets interfaces and may switch byte order', async () => {
    const w = new PcapngWriter(null, { bigEndian: true });
    w.addInterface({ linkType: 1 });
    w.addInterface({ linkType: 101 });
    w.epb(1, frame(5), 5, T);
    w.section({ bigEndian: false });
    w.addInterface({ linkType: 113, tsresol: 9 });
    w.epb(0, frame(6), 6, T + 1n);
    const ok = w.toBuffer();
    const parser = new PcapngParser();
    const sink = new CollectSink();
    parser.parse(ok, 0, ok.length, sink);
    expect(parser.sectionCount).toBe(2);
    expect(parser.interfaces().map((i) => i.linkType)).toEqual([113]);
    expect(sink.recs.map((r) => [r.linkType, r.capLen])).toEqual([
      [101, 5],
      [113, 6],
    ]);
    // Interface 1 existed only in the first section.
    w.epb(0, frame(1), 1, T);
    const bad = Buffer.from(w.toBuffer());
    bad.writeUInt32LE(1, bad.length - 36 + 8); // interface id of the last EPB (36 bytes long)
    const { recs, error } = await readBytes(bad);
    expect(recs.length).toBe(2);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/corrupt pcapng file after 2 packets: packet on interface 1/);
  });

  it('rejects an unsupported version, bad lengths and a bad byte-order magic with one-line UserErrors', async () => {
    const cases: Array<[Buffer, RegExp]> = [];
    cases.push([new PcapngWriter(null, { versionMajor: 2 }).toBuffer(), /unsupported pcapng version 2\.0/]);
    const odd = new PcapngWriter(null);
    odd.addInterface({ linkType: 1 });
    const oddBytes = odd.toBuffer();
    oddBytes.writeUInt32LE(22, 28 + 4); // IDB length not a multiple of 4
    cases.push([oddBytes, /invalid length 22/]);
    const bom = new PcapngWriter(null).toBuffer();
    bom.writeUInt32LE(0x11223344, 8);
    cases.push([bom, /not a pcap or pcapng file/]);
    const tooShort = new PcapngWriter(null);
    tooShort.addInterface({ linkType: 1 });
    tooShort.block(6, Buffer.alloc(8)); // an EPB of 20 bytes
    cases.push([tooShort.toBuffer(), /packet block too short/]);
    const overflow = new PcapngWriter(null);
    overflow.addInterface({ linkType: 1 });
    overflow.epb(0, frame(8), 8, 0n);
    const ob = overflow.toBuffer();
    ob.writeUInt32LE(9, ob.length - 4 - 8 - 8); // caplen 9 in a block holding 8
    cases.push([ob, /larger than its block/]);
    for (const [bytes, re] of cases) {
      const { error } = await readBytes(bytes);
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).toMatch(re);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
