import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ipv4, udpFrame } from '../../src/capture/demo/frame-builder.js';
import { PcapWriter } from '../../src/capture/pcap-writer.js';
import { WIRETOP } from './netns.js';

/**
 * `wiretop -r FILE --json | consumer`: a pipe is asynchronous in node, so the
 * process must not exit before the last (large) line has gone through it.
 */
describe('headless output through a pipe', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wt-pipe-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every line arrives whole, the last (whole-file) one included', () => {
    const file = join(dir, 'many.pcap');
    const w = new PcapWriter(file);
    const b = Buffer.alloc(256);
    let bytes = 0;
    for (let i = 0; i < 60_000; i++) {
      // 20 s of capture time, thousands of hosts and connections: lines of a few hundred KB
      const n = udpFrame(b, { src: ipv4(`203.0.${(i >> 8) & 63}.${i & 255}`), dst: ipv4('198.18.0.1'), sport: 1024 + (i % 5000), dport: 53 }, 40, false);
      w.record(b, 0, n, n, 1_700_000_000 + Math.floor(i / 3000), (i % 3000) * 300);
      bytes += n;
    }
    w.close();
    const out = execFileSync('sh', ['-c', `"${process.execPath}" "${WIRETOP}" -r "${file}" --json --net 198.18.0.1 | cat`], { maxBuffer: 1 << 30 }).toString();
    const lines = out.split('\n').filter(Boolean);
    expect(out.endsWith('\n')).toBe(true);
    const objs = lines.map((l) => JSON.parse(l) as { totals: { rx_bytes: number } });
    expect(lines.length).toBe(10); // boundaries at 2, 4 … 18 s of capture time, then the whole file
    expect(objs.at(-1)!.totals.rx_bytes).toBe(bytes);
    expect(lines.at(-1)!.length).toBeGreaterThan(65_536); // larger than a pipe's buffer
  }, 60_000);
});
