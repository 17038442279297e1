import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURES, readFile, tsErrorNs } from './collect.js';

/**
 * Real captures (tcpdump/dumpcap between network namespaces; see
 * make-fixtures.sh) checked record by record against expected.json, which
 * holds what tshark and `tcpdump --time-stamp-precision=nano -r FILE -tt -e -n`
 * print for them: [interface, linkType, timestamp, origLen, capLen].
 */
type Expected = Record<string, { tcpdumpChecked: boolean; records: Array<[number, number, string, number, number]> }>;
const expected = JSON.parse(readFileSync(`${FIXTURES}expected.json`, 'utf8')) as Expected;

const names = Object.keys(expected);

describe('real capture fixtures', () => {
  it('covers every byte order, resolution and container', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'eth-us.pcap', // little-endian µs (tcpdump)
        'eth-be.pcap', // big-endian µs
        'eth-ns.pcap', // nanosecond magic
        'sll-any.pcap', // LINUX_SLL2 from -i any
        'eth-ns.pcapng', // if_tsresol 9 (editcap)
        'eth-dsb.pcapng', // decryption secrets block before the packets
        'multi.pcapng', // dumpcap, 3 interfaces, Ethernet + Linux cooked, ISBs at the end
        'writer-mixed.pcapng', // BE+LE sections, EPB/OPB/SPB, 2^-20 and ms resolutions, tsoffset, NRB/ISB/custom/DSB
      ]),
    );
  });

  for (const name of names) {
    const exp = expected[name]!;
    for (const chunkSize of [undefined, 5, 64, 1000]) {
      it(`${name} (chunk ${chunkSize ?? 'default'}): counts, lengths, link types and timestamps match${exp.tcpdumpChecked ? ' tcpdump and' : ''} tshark`, async () => {
        const { recs, warnings, error } = await readFile(FIXTURES + name, chunkSize === undefined ? {} : { chunkSize });
        expect(error).toBeNull();
        expect(warnings).toEqual([]);
        expect(recs.length).toBe(exp.records.length);
        let prevTs = '';
        let fileOrig = 0;
        let readOrig = 0;
        exp.records.forEach(([, linkType, ts, origLen, capLen], i) => {
          const r = recs[i]!;
          expect({ i, linkType: r.linkType, origLen: r.origLen, capLen: r.capLen }).toEqual({ i, linkType, origLen, capLen });
          // SPBs have no timestamp (tshark prints none): the reader repeats the previous packet's.
          const want = ts === '' ? prevTs : ts;
          if (ts !== '') prevTs = ts;
          expect(tsErrorNs(r.tsMs, want), `record ${i} ts ${r.tsMs} vs ${want}`).toBeLessThan(250);
          fileOrig += origLen;
          readOrig += r.origLen;
        });
        expect(readOrig).toBe(fileOrig);
      });
    }
  }

  it('delivers the same bytes whatever the chunk size', async () => {
    for (const name of names) {
      const a = await readFile(FIXTURES + name);
      const b = await readFile(FIXTURES + name, { chunkSize: 3 });
      expect(b.recs.map((r) => r.data.toString('hex'))).toEqual(a.recs.map((r) => r.data.toString('hex')));
    }
  });

  it('big-endian pcap delivers exactly what the little-endian original does', async () => {
    const le = await readFile(`${FIXTURES}eth-us.pcap`);
    const be = await readFile(`${FIXTURES}eth-be.pcap`);
    expect(be.recs).toEqual(le.recs);
  });

  it('pcap with ns magic keeps sub-microsecond digits', async () => {
    const { recs } = await readFile(`${FIXTURES}eth-ns.pcap`);
    const subUs = recs.filter((r) => Math.abs(r.tsMs * 1000 - Math.round(r.tsMs * 1000)) > 0.01);
    expect(subUs.length).toBeGreaterThan(recs.length / 2);
  });

  it('multi-interface pcapng: per-interface link types', async () => {
    const { recs } = await readFile(`${FIXTURES}multi.pcapng`);
    expect(new Set(recs.map((r) => r.linkType))).toEqual(new Set([1, 113]));
    // Cooked frames start with a packet-type word and an ARPHRD type: Ethernet (veth) or loopback (lo).
    for (const r of recs.filter((x) => x.linkType === 113)) expect([1, 772]).toContain(r.data.readUInt16BE(2));
  });
});
