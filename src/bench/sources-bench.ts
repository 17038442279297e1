/**
 * Loss under a flood from many sources (an amplification attack's replies, a
 * scan): tcpreplay sends a capture of UDP datagrams from 50 000 distinct
 * 198.19.0.0/16 sources to a closed port of namespace A at 100 k packets/s;
 * wiretop (`--json`, the TUI's capture child) captures on A. Every source is a
 * new host and connection row, and every connection waits for attribution.
 * Loss is counted after the flood settled: the interface's packet counters
 * against what wiretop captured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ipv4, udpFrame } from '../capture/demo/frame-builder.js';
import { PcapWriter } from '../capture/pcap-writer.js';
import { createBenchPair, exited, lastReportTotals, lineReader, netnsUnavailable, sleep, type BenchContext, type BenchRow } from './bench-util.js';

const SOURCES = 50_000;
const PPS = 100_000;

export async function sourcesBench(ctx: BenchContext): Promise<BenchRow[]> {
  const cmd = 'npm run bench -- --only sources';
  const what = `live loss at 100 k packets/s from ${SOURCES / 1000} k distinct sources (headless --json)`;
  const why = netnsUnavailable(['tcpreplay']);
  if (why) return [{ what, target: '0 dropped', measured: `n/a (${why})`, reference: '', command: cmd, ok: null }];
  const seconds = ctx.quick ? 5 : 15;
  const dir = mkdtempSync(join(tmpdir(), 'wiretop-sources-'));
  const pair = createBenchPair('src', 71);
  try {
    // a capture of one pass over every source, replayed as often as the flood lasts
    const mac = pair
      .exec(pair.a, 'cat', [`/sys/class/net/${pair.vethA}/address`])
      .trim()
      .split(':')
      .map((h) => parseInt(h, 16));
    const file = join(dir, 'sources.pcap');
    const w = new PcapWriter(file);
    const b = Buffer.alloc(256);
    const frames = 5 * SOURCES;
    for (let i = 0; i < frames; i++) {
      const s = (i * 7919) % SOURCES;
      const n = udpFrame(b, { src: ipv4(`198.19.${(s >> 8) & 255}.${s & 255}`), dst: ipv4(pair.addrA), sport: 1024 + (i % 50_000), dport: 53 }, 64, false);
      for (let k = 0; k < 6; k++) b[k] = mac[k]!;
      w.record(b, 0, n, n, 1_700_000_000 + Math.floor(i / PPS), Math.floor(((i % PPS) * 1e6) / PPS));
    }
    w.close();
    const wt = pair.spawnIn(pair.a, process.execPath, [join(ctx.root, 'bin', 'wiretop.js'), '-i', pair.vethA, '--json', '--interval', '1', '-n', '-N']);
    const out = lineReader(wt);
    await out.wait((l) => l.startsWith('{'), 10_000);
    await sleep(1000);
    const k0 = pair.counters().packets;
    const c0 = lastReportTotals(out.all).packets;
    ctx.log(`sources: ${seconds} s at 100 k packets/s from ${SOURCES} sources (tcpreplay)`);
    const t0 = performance.now();
    pair.exec(pair.b, 'tcpreplay', ['-q', '-i', pair.vethB, `--pps=${PPS}`, `--loop=${Math.ceil((seconds * PPS) / frames)}`, file], (seconds + 60) * 1000);
    const elapsed = (performance.now() - t0) / 1000;
    await sleep(2500); // the flood settles; a report made after the count
    const sent = pair.counters().packets - k0;
    const last = lastReportTotals(out.all);
    const lost = sent - (last.packets - c0);
    wt.kill('SIGINT');
    await exited(wt);
    return [
      {
        what,
        target: '0 dropped',
        measured: `${lost} of ${sent} packets lost (wiretop's estimate ${last.dropped ?? 'n/a'})`,
        reference: `${(sent / elapsed / 1000).toFixed(0)} k packets/s for ${elapsed.toFixed(1)} s; every source a new host and connection`,
        command: cmd,
        ok: lost <= 0,
      },
    ];
  } finally {
    pair.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}
