/**
 * The real TUI on a pty capturing between two namespaces:
 *  - first screen after start;
 *  - loss at 100 k packets/s with the TUI running (the status line's count);
 *  - key → redraw latency under the heaviest flood this machine generates
 *    (iperf3 UDP unpaced, 64-byte payloads): in the filter prompt, type a
 *    letter and time until the status line shows it, then erase it.
 */
import { createBenchPair, exited, fmt, netnsUnavailable, percentile, sleep, type BenchContext, type BenchRow } from './bench-util.js';
import { flood, iperfServer, PPS_100K_RATE } from './live-bench.js';
import { startTui } from './tui-harness.js';

const LETTERS = 'QZXKWVJ';

export async function latencyBench(ctx: BenchContext): Promise<BenchRow[]> {
  const cmd = 'npm run bench -- --only latency';
  const why = netnsUnavailable(['iperf3', 'script']);
  if (why) return [{ what: 'key → redraw latency under flood', target: 'p99 < 100 ms', measured: `n/a (${why})`, reference: '', command: cmd, ok: null }];
  const samples = ctx.quick ? 40 : 200;
  const pair = createBenchPair('lt', 71);
  try {
    iperfServer(pair);
    const tui = startTui(pair, pair.a, ctx.root, ['-i', pair.vethA, '-n']);
    const status = () => tui.row(-1);
    const firstAt = await tui.waitFor(() => status().includes('LIVE'), 15_000);
    const firstMs = firstAt - tui.startedAt;
    await sleep(2000);

    // Loss at 100 k packets/s with the TUI on screen.
    const floodS = ctx.quick ? 4 : 10;
    ctx.log(`latency: TUI at 100 k packets/s for ${floodS} s`);
    const f = await flood(pair, floodS, PPS_100K_RATE);
    await sleep(2500);
    const dropped = /dropped: ([\d.,]+\s*[kM]?)/.exec(status())?.[1]?.trim() ?? '?';

    // Key latency under the heaviest flood.
    ctx.log(`latency: ${samples} key presses under an unpaced flood`);
    const k0 = pair.counters();
    const t0 = performance.now();
    const heavy = pair.spawnIn(pair.b, 'iperf3', ['-c', pair.addrA, '-u', '-b', '0', '-l', '64', '-t', String(Math.ceil(samples * 0.25 + 20)), '--connect-timeout', '3000'], { stdio: 'ignore' });
    await sleep(2000);
    tui.key('/');
    await tui.waitFor(() => status().includes('/▏'), 5000);
    const lat: number[] = [];
    let timeouts = 0;
    for (let i = 0; i < samples; i++) {
      const c = LETTERS[i % LETTERS.length]!;
      const sent = performance.now();
      tui.key(c);
      try {
        lat.push((await tui.waitFor(() => status().includes(`/${c}▏`), 2000)) - sent);
      } catch {
        lat.push(2000);
        timeouts++;
      }
      tui.key('\x7f');
      await tui.waitFor(() => status().includes('/▏'), 2000).catch(() => undefined);
      await sleep(30 + Math.random() * 70);
    }
    const seconds = (performance.now() - t0) / 1000;
    const k1 = pair.counters();
    heavy.kill('SIGINT');
    await exited(heavy);
    tui.key('\x1b');
    await sleep(200);
    tui.key('q');
    await Promise.race([exited(tui.proc), sleep(5000)]);
    lat.sort((a, b) => a - b);
    const p50 = percentile(lat, 50);
    const p99 = percentile(lat, 99);
    const pps = (k1.packets - k0.packets) / seconds;
    return [
      {
        what: 'key → redraw latency, TUI on a pty, heaviest flood',
        target: 'p99 < 100 ms',
        measured: `p50 ${fmt(p50, 1)} ms, p99 ${fmt(p99, 1)} ms, max ${fmt(lat.at(-1)!, 1)} ms (${lat.length} keys${timeouts ? `, ${timeouts} timed out` : ''})`,
        reference: `flood ${fmt(pps / 1000, 0)} k packets/s (iperf3 -u -b 0 -l 64)`,
        command: cmd,
        ok: p99 < 100,
      },
      {
        what: 'live loss at 100 k packets/s, TUI running',
        target: '0 dropped',
        measured: `${dropped} dropped (status line)`,
        reference: `${fmt(f.packets / f.seconds / 1000, 0)} k packets/s for ${fmt(f.seconds, 1)} s`,
        command: cmd,
        ok: dropped === '0',
      },
      {
        what: 'first screen after start (pty, namespace exec included)',
        target: '< 500 ms',
        measured: `${fmt(firstMs, 0)} ms`,
        reference: '',
        command: cmd,
        ok: firstMs < 500,
      },
    ];
  } finally {
    pair.cleanup();
  }
}
