/**
 * A bulk TCP stream (the nightly backup saturating the uplink): iperf3 TCP,
 * unpaced, from namespace B to A; wiretop (`--json`, the TUI's capture child)
 * captures on A. The stream arrives as 32–64 KB GSO segments, of which cap
 * copies the first 2 KB: the capture process's CPU, and whether its byte count
 * is the kernel's to the byte.
 */
import { join } from 'node:path';
import {
  cpuMs,
  createBenchPair,
  exited,
  findDescendant,
  fmt,
  lastReportTotals,
  lineReader,
  netnsUnavailable,
  sleep,
  type BenchContext,
  type BenchRow,
  type ReportTotals,
} from './bench-util.js';
import { iperfServer } from './live-bench.js';

const bytesOf = (t: ReportTotals): number => t.rx_bytes + t.tx_bytes + t.transit_bytes;

export async function bulkBench(ctx: BenchContext): Promise<BenchRow[]> {
  const cmd = 'npm run bench -- --only bulk';
  const what = 'live CPU on a bulk TCP stream (iperf3, unpaced), capture child';
  const why = netnsUnavailable(['iperf3']);
  if (why) return [{ what, target: 'counts every byte; little CPU', measured: `n/a (${why})`, reference: '', command: cmd, ok: null }];
  const seconds = ctx.quick ? 3 : 8;
  const pair = createBenchPair('bk', 72);
  try {
    iperfServer(pair);
    const wt = pair.spawnIn(pair.a, process.execPath, [join(ctx.root, 'bin', 'wiretop.js'), '-i', pair.vethA, '--json', '--interval', '1', '-n', '-N']);
    const out = lineReader(wt);
    await out.wait((l) => l.startsWith('{'), 10_000);
    const child = findDescendant(wt.pid!, 'capture-child');
    if (child === null) throw new Error('capture child not found');
    await sleep(1000);
    const k0 = pair.counters();
    const t0 = lastReportTotals(out.all);
    ctx.log(`bulk: ${seconds + 3} s of unpaced iperf3 TCP`);
    const c = pair.spawnIn(pair.b, 'iperf3', ['-c', pair.addrA, '-t', String(seconds + 3), '--connect-timeout', '3000'], { stdio: 'ignore' });
    await sleep(1500);
    const w0 = pair.counters();
    const cpu0 = cpuMs(child)!;
    const s0 = performance.now();
    await sleep(seconds * 1000);
    const w1 = pair.counters();
    const cpu1 = cpuMs(child)!;
    const elapsed = (performance.now() - s0) / 1000;
    await exited(c);
    await sleep(2500); // settled; a report made after the count
    const k1 = pair.counters();
    const t1 = lastReportTotals(out.all);
    wt.kill('SIGINT');
    await exited(wt);
    const packets = w1.packets - w0.packets;
    const cpuPct = ((cpu1 - cpu0) / (elapsed * 1000)) * 100;
    const kernelBytes = k1.bytes - k0.bytes;
    const counted = bytesOf(t1) - bytesOf(t0);
    return [
      {
        what,
        target: 'counts every byte; little CPU',
        measured: `${fmt(cpuPct, 1)} % of a core, ${fmt(((cpu1 - cpu0) * 1000) / packets)} µs/packet at ${fmt((w1.bytes - w0.bytes) / elapsed / 1e9, 2)} GB/s`,
        reference: `${fmt(packets / elapsed / 1000, 0)} k packets/s of ${fmt((w1.bytes - w0.bytes) / packets / 1024, 0)} KB average; bytes counted ${counted === kernelBytes ? '=' : '≠'} kernel's (${counted} / ${kernelBytes})`,
        command: cmd,
        ok: counted === kernelBytes,
      },
    ];
  } finally {
    pair.cleanup();
  }
}
