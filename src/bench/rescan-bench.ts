/**
 * A 20 000-socket /proc rescan: runs the procs scale test
 * (test/procs/rescan-scale.test.ts, its synthetic tree generator and its
 * event-loop gap probe) and reads back the figures it prints.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, BenchRow } from './bench-util.js';

const TEST = 'test/procs/rescan-scale.test.ts';

export async function rescanBench(ctx: BenchContext): Promise<BenchRow[]> {
  const cmd = `npx vitest run --config test/vitest.config.ts ${TEST}`;
  const what = '/proc rescan, 20 000 sockets / 2 000 processes (synthetic tree)';
  const target = 'never blocks a frame: max event-loop gap < 50 ms';
  const vitest = join(ctx.root, 'node_modules', 'vitest', 'vitest.mjs');
  if (!existsSync(join(ctx.root, TEST)) || !existsSync(vitest)) {
    return [{ what, target, measured: 'n/a (needs the repository checkout with dev dependencies)', reference: '', command: cmd, ok: null }];
  }
  ctx.log('rescan: running the procs scale test');
  const r = spawnSync(process.execPath, [vitest, 'run', '--config', 'test/vitest.config.ts', TEST], { cwd: ctx.root, encoding: 'utf8', timeout: 300_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  const out = `${r.stdout}\n${r.stderr}`;
  const m = /first full rescan: (\d+) ms \(table published after (\d+) ms\), max loop gap ([\d.]+) ms; incremental rescan \(\+50 sockets\): (\d+) ms .*max loop gap ([\d.]+) ms/.exec(out);
  if (!m) throw new Error(`rescan test printed no figures (exit ${r.status}): ${out.trim().split('\n').slice(-3).join(' ')}`);
  const gap = Math.max(Number(m[3]), Number(m[5]));
  return [
    {
      what,
      target,
      measured: `full rescan ${m[1]} ms (table after ${m[2]} ms), max gap ${m[3]} ms; incremental ${m[4]} ms, max gap ${m[5]} ms`,
      reference: '',
      command: cmd,
      ok: gap < 50 && r.status === 0,
    },
  ];
}
