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

  it('-r /dev/stdin without --net: a capture piped in reports as the file does (the local guess reads it once)', () => {
    const file = join(dir, 'piped.pcap');
    const w = new PcapWriter(file);
    const b = Buffer.alloc(256);
    for (let i = 0; i < 3000; i++) {
      const out = i % 2 === 0;
      const remote = ipv4(`203.0.113.${i % 50}`);
      const n = udpFrame(b, { src: out ? ipv4('198.18.0.9') : remote, dst: out ? remote : ipv4('198.18.0.9'), sport: out ? 53 : 4000 + (i % 50), dport: out ? 4000 + (i % 50) : 53 }, 60, false);
      w.record(b, 0, n, n, 1_700_000_000 + Math.floor(i / 1000), (i % 1000) * 900);
    }
    w.close();
    const run = (cmd: string) => execFileSync('sh', ['-c', cmd], { maxBuffer: 1 << 28 }).toString();
    const fromFile = run(`"${process.execPath}" "${WIRETOP}" -r "${file}" --json -n`);
    const fromPipe = run(`cat "${file}" | "${process.execPath}" "${WIRETOP}" -r /dev/stdin --json -n`);
    const strip = (out: string) => out.split('\n').filter(Boolean).map((l) => ({ ...(JSON.parse(l) as object), interface: null }));
    expect(strip(fromPipe)).toEqual(strip(fromFile));
    const last = JSON.parse(fromPipe.trim().split('\n').at(-1)!) as { totals: { rx_bytes: number; tx_bytes: number; transit_bytes: number } };
    // the guess made 198.18.0.9 local: its traffic is rx and tx, not transit
    expect(last.totals.transit_bytes).toBe(0);
    expect(last.totals.rx_bytes).toBeGreaterThan(0);
    expect(last.totals.tx_bytes).toBeGreaterThan(0);
    const text = run(`cat "${file}" | "${process.execPath}" "${WIRETOP}" -r /dev/stdin --text -n`);
    expect(text).toContain('local: guessed 198.18.0.9 (set --net)');
  }, 60_000);
});
