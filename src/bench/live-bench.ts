/**
 * Live capture cost and loss at 100 k packets/s between two namespaces:
 * iperf3 UDP with 64-byte payloads paced to 100 k packets/s; wiretop
 * (`--json`, the same capture child as the TUI) captures on the receiving
 * veth. CPU is the capture child's utime+stime over the flood minus its idle
 * rate; loss is the kernel's packet counters minus what wiretop captured.
 * nethogs and iftop are measured on the same flood, one at a time.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  cpuMs,
  createBenchPair,
  exited,
  findDescendant,
  fmt,
  hasCommand,
  lastReportTotals,
  lineReader,
  netnsUnavailable,
  sleep,
  type BenchContext,
  type BenchPair,
  type BenchRow,
} from './bench-util.js';

/** iperf3 counts payload bits: 64 B × 8 × 100 000/s */
export const PPS_100K_RATE = '52M';

export interface FloodResult {
  /** the steady window: from 1 s after the sender started to 1 s before its end */
  seconds: number;
  /** packets through A's veth in that window (rx + tx) */
  packets: number;
  /** probe() at the window's end minus at its start */
  probed: number;
}

/**
 * Runs an iperf3 UDP flood from B to A (server already listening). The
 * figures cover the steady middle of the flood, not the sender's start and end.
 */
export async function flood(pair: BenchPair, seconds: number, rate: string, probe: () => number = () => 0, port = 5201): Promise<FloodResult> {
  const c = pair.spawnIn(pair.b, 'iperf3', ['-c', pair.addrA, '-p', String(port), '-u', '-b', rate, '-l', '64', '-t', String(seconds + 2), '--connect-timeout', '3000'], { stdio: 'ignore' });
  const done = exited(c);
  await sleep(1500);
  const k0 = pair.counters();
  const p0 = probe();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const k1 = pair.counters();
  const p1 = probe();
  const t1 = performance.now();
  await done;
  if (c.exitCode !== 0) throw new Error(`iperf3 client failed (exit ${c.exitCode})`);
  return { seconds: (t1 - t0) / 1000, packets: k1.packets - k0.packets, probed: p1 - p0 };
}

export function iperfServer(pair: BenchPair, port = 5201): ChildProcess {
  return pair.spawnIn(pair.a, 'iperf3', ['-s', '-B', pair.addrA, '-p', String(port)], { stdio: 'ignore' });
}

/** CPU of pid over a flood, minus its idle rate. */
async function cpuOverFlood(pair: BenchPair, pid: number, idleS: number, floodS: number): Promise<{ usPerPacket: number; idlePct: number; pps: number; packets: number }> {
  const i0 = cpuMs(pid)!;
  const ti0 = performance.now();
  await sleep(idleS * 1000);
  const idleMsPerMs = (cpuMs(pid)! - i0) / (performance.now() - ti0);
  const f = await flood(pair, floodS, PPS_100K_RATE, () => cpuMs(pid)!);
  const above = f.probed - idleMsPerMs * f.seconds * 1000;
  return { usPerPacket: (above * 1000) / f.packets, idlePct: idleMsPerMs * 100, pps: f.packets / f.seconds, packets: f.packets };
}

export async function liveBench(ctx: BenchContext): Promise<BenchRow[]> {
  const why = netnsUnavailable(['iperf3']);
  const cmd = 'npm run bench -- --only live';
  if (why) {
    return [{ what: 'live CPU per packet at 100 k packets/s', target: '≤ 0.5 µs', measured: `n/a (${why})`, reference: '', command: cmd, ok: null }];
  }
  const idleS = ctx.quick ? 3 : 10;
  const floodS = ctx.quick ? 4 : 10;
  const pair = createBenchPair('lv', 70);
  try {
    iperfServer(pair);
    const wt = pair.spawnIn(pair.a, process.execPath, [join(ctx.root, 'bin', 'wiretop.js'), '-i', pair.vethA, '--json', '--interval', '1', '-n', '-N']);
    let stderr = '';
    wt.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const out = lineReader(wt);
    await out.wait((l) => l.startsWith('{'), 10_000);
    // An independent count of the loss: what the kernel counted on the interface between the
    // first report and the last (the link is quiet at both ends) against what wiretop captured.
    const k0 = pair.counters().packets;
    const captured0 = lastReportTotals(out.all).packets;
    const child = findDescendant(wt.pid!, 'capture-child');
    if (child === null) throw new Error('capture child not found');
    await sleep(1000);
    ctx.log(`live: wiretop idle ${idleS} s, then ${floodS} s at 100 k packets/s`);
    const r = await cpuOverFlood(pair, child, idleS, floodS);
    await sleep(1500);
    const kernelCounted = pair.counters().packets - k0;
    await sleep(1200); // a report (one a second) made after the count: everything counted is in it
    const settled = lastReportTotals(out.all);
    const lost = kernelCounted - (settled.packets - captured0);
    wt.kill('SIGINT');
    await exited(wt);
    if (stderr.trim()) ctx.log(`live: wiretop stderr: ${stderr.trim().split('\n')[0]}`);
    const last = lastReportTotals(out.all);

    const refs: string[] = [];
    // The floors: the same capture (cap, ring, naps) with a sink that only counts frames, one
    // that also decodes them, and the engine alone (decode and count; no attribution, no IPC).
    for (const [label, extra] of [
      ['capture alone (cap + naps, no-op sink)', []],
      ['capture + decode (no counting)', ['--decode']],
      ['capture + engine (no attribution, no IPC)', ['--engine', pair.addrA]],
    ] as const) {
      const bare = pair.spawnIn(pair.a, process.execPath, [join(ctx.root, 'dist', 'bench', 'bare-capture.js'), pair.vethA, ...extra], { stdio: 'ignore' });
      await sleep(1500);
      if (bare.exitCode === null) {
        ctx.log(`live: ${label} on the same flood`);
        const t = await cpuOverFlood(pair, bare.pid!, idleS, floodS);
        bare.kill('SIGTERM');
        await exited(bare);
        refs.push(`${label} ${fmt(t.usPerPacket)} µs (idle ${fmt(t.idlePct, 1)} %)`);
      } else refs.push(`${label} n/a (exited)`);
    }
    for (const [tool, args] of [
      ['nethogs', ['-t', '-C', '-d', '1', pair.vethA]],
      ['iftop', ['-t', '-n', '-N', '-P', '-i', pair.vethA]],
    ] as const) {
      if (!hasCommand(tool)) {
        refs.push(`${tool} n/a (not installed)`);
        continue;
      }
      const p = pair.spawnIn(pair.a, tool, [...args], { stdio: 'ignore' });
      await sleep(1500);
      if (p.exitCode !== null) {
        refs.push(`${tool} n/a (exited)`);
        continue;
      }
      ctx.log(`live: ${tool} on the same flood`);
      const t = await cpuOverFlood(pair, p.pid!, ctx.quick ? 2 : 5, floodS);
      p.kill('SIGKILL');
      await exited(p);
      refs.push(`${tool} ${fmt(t.usPerPacket)} µs (idle ${fmt(t.idlePct, 1)} %)`);
    }
    const dropped = last.dropped;
    return [
      {
        what: 'live CPU per packet, capture child (capture+decode+aggregate), above idle',
        target: '≤ 0.5 µs at 100 k packets/s',
        measured: `${fmt(r.usPerPacket)} µs at ${fmt(r.pps / 1000, 0)} k packets/s`,
        reference: refs.join('; '),
        command: cmd,
        ok: r.usPerPacket <= 0.5,
      },
      {
        what: 'live CPU when the link is idle (capture child)',
        target: '≤ 1 % of a core',
        measured: `${fmt(r.idlePct, 2)} %`,
        reference: '',
        command: cmd,
        ok: r.idlePct <= 1,
      },
      {
        what: 'live loss at 100 k packets/s (headless --json)',
        target: '0 dropped',
        measured: dropped === null ? 'n/a' : `${dropped} of ${last.packets + dropped} packets (wiretop's estimate)`,
        reference: `counted after the flood settled: kernel ${kernelCounted}, captured ${settled.packets - captured0}, lost ${lost}`,
        command: cmd,
        ok: dropped === null ? null : dropped === 0 && lost <= 0,
      },
    ];
  } finally {
    pair.cleanup();
  }
}
