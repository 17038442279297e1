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
import { createBenchPair, exited, lastReportTotals, lineReader, netnsUnavailable, sleep, type BenchContext, type BenchRow } from './bench-util.js';
import { macOfA, writeUdpCapture } from './udp-capture.js';

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
    const mac = macOfA(pair);
    const file = join(dir, 'sources.pcap');
    const frames = 5 * SOURCES;
    writeUdpCapture(file, mac, pair.addrA, frames, PPS, (i) => {
      const s = (i * 7919) % SOURCES;
      return { src: `198.19.${(s >> 8) & 255}.${s & 255}`, sport: 1024 + (i % 50_000), dport: 53 };
    });
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
