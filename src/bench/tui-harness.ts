/**
 * The real TUI on a real pty (`script`), inside a namespace: its raw output
 * is counted and fed to a headless xterm so the screen can be read back.
 */
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Terminal as TerminalType } from '@xterm/headless';
import type { BenchPair } from './bench-util.js';

export interface Tui {
  proc: ChildProcess;
  /** bytes the program wrote to the terminal so far */
  bytes(): number;
  /** text of screen row y (0-based; -1 = last) */
  row(y: number): string;
  screen(): string;
  /** resolves when pred(screen) holds after some output, or rejects after timeoutMs */
  waitFor(pred: () => boolean, timeoutMs: number): Promise<number>;
  key(s: string): void;
  /** epoch of spawn (performance.now()) */
  startedAt: number;
}

export function startTui(pair: BenchPair, ns: string, root: string, args: string[], cols = 120, rows = 36, command?: string): Tui {
  const require = createRequire(import.meta.url);
  const { Terminal } = require('@xterm/headless') as { Terminal: typeof TerminalType };
  const term = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
  const cmd = command ?? [process.execPath, join(root, 'bin', 'wiretop.js'), ...args].map((a) => `'${a}'`).join(' ');
  const startedAt = performance.now();
  const proc = pair.spawnIn(ns, 'env', ['TERM=xterm-256color', 'LANG=C.UTF-8', 'script', '-q', '-f', '-c', `stty cols ${cols} rows ${rows}; exec ${cmd}`, '/dev/null']);
  let total = 0;
  const waiters: { pred: () => boolean; resolve: (t: number) => void }[] = [];
  proc.stdout!.on('data', (d: Buffer) => {
    total += d.length;
    term.write(d, () => {
      if (waiters.length === 0) return;
      const now = performance.now();
      for (const w of [...waiters]) {
        if (w.pred()) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(now);
        }
      }
    });
  });
  const row = (y: number): string => {
    const buf = term.buffer.active;
    const line = buf.getLine(y < 0 ? buf.baseY + rows + y : buf.baseY + y);
    return line ? line.translateToString(true) : '';
  };
  return {
    proc,
    startedAt,
    bytes: () => total,
    row,
    screen: () => Array.from({ length: rows }, (_, y) => row(y)).join('\n'),
    waitFor: (pred, timeoutMs) =>
      new Promise((resolve, reject) => {
        if (pred()) return resolve(performance.now());
        const t = setTimeout(() => {
          const i = waiters.findIndex((w) => w.pred === pred);
          if (i >= 0) waiters.splice(i, 1);
          reject(new Error(`screen did not change as expected within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push({ pred, resolve: (n) => (clearTimeout(t), resolve(n)) });
      }),
    key: (s) => void proc.stdin!.write(s),
  };
}
