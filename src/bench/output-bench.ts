/**
 * Bytes/s the TUI writes to its terminal at steady state, 120×36, with ten
 * busy rows: ten UDP senders at different paced rates, each from its own
 * address to its own iperf3 server. nethogs on the same traffic and the same
 * terminal size is the reference.
 */
import { createBenchPair, exited, fmt, hasCommand, netnsUnavailable, sleep, type BenchContext, type BenchRow } from './bench-util.js';
import { startTui } from './tui-harness.js';

const SENDERS = 10;

export async function outputBench(ctx: BenchContext): Promise<BenchRow[]> {
  const cmd = 'npm run bench -- --only output';
  const why = netnsUnavailable(['iperf3', 'script']);
  if (why) return [{ what: 'terminal output at steady state', target: '≤ 1 KB/s', measured: `n/a (${why})`, reference: '', command: cmd, ok: null }];
  const warmS = ctx.quick ? 5 : 8;
  const measureS = ctx.quick ? 10 : 30;
  const pair = createBenchPair('ob', 72, SENDERS);
  try {
    for (let i = 0; i < SENDERS; i++) pair.spawnIn(pair.a, 'iperf3', ['-s', '-B', pair.addrA, '-p', String(5301 + i)], { stdio: 'ignore' });
    await sleep(500);
    const total = (warmS + measureS) * 2 + 15;
    for (let i = 0; i < SENDERS; i++) {
      pair.spawnIn(pair.b, 'iperf3', ['-c', pair.addrA, '-p', String(5301 + i), '-B', pair.extraB[i]!, '-u', '-b', `${(i + 1) * 80}K`, '-l', '1000', '-t', String(total), '--connect-timeout', '3000'], { stdio: 'ignore' });
    }
    const measure = async (args: string[], command?: string): Promise<number> => {
      const tui = startTui(pair, pair.a, ctx.root, args, 120, 36, command);
      await sleep(warmS * 1000);
      const b0 = tui.bytes();
      await sleep(measureS * 1000);
      const rate = (tui.bytes() - b0) / measureS;
      tui.key('q');
      await Promise.race([exited(tui.proc), sleep(3000)]);
      tui.proc.kill('SIGKILL');
      return rate;
    };
    ctx.log(`output: wiretop TUI, ${warmS} s warm-up, ${measureS} s measured`);
    const ours = await measure(['-i', pair.vethA, '-n']);
    let ref = 'nethogs n/a (not installed)';
    if (hasCommand('nethogs')) {
      ctx.log('output: nethogs on the same traffic');
      const theirs = await measure([], `nethogs -C -d 1 ${pair.vethA}`); // -C: UDP too
      ref = `nethogs ${fmt(theirs, 0)} B/s (same traffic and size)`;
    }
    return [
      {
        what: 'terminal output at steady state, 120×36, 10 busy rows',
        target: '≤ 1 KB/s',
        measured: `${fmt(ours, 0)} B/s`,
        reference: ref,
        command: cmd,
        ok: ours <= 1024,
      },
    ];
  } finally {
    pair.cleanup();
  }
}
