// A rescan over 20 000 sockets / 2 000 processes must not hold the event loop.
// Reproduce the figures: npx vitest run --config test/vitest.config.ts test/procs/rescan-scale.test.ts
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcResolver } from '../../src/procs/proc-resolver.js';

const PROCS = 2000;
const PER_PROC = 10;
const NS = 'net:[4026531999]';
let root = '';

const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');
/** IPv4 198.18.x.y as /proc/net prints it on little-endian */
const v4le = (x: number, y: number) => hex(((y << 24) | (x << 16) | (18 << 8) | 198) >>> 0, 8);
const tcpLine = (sl: number, lport: number, rx: number, ry: number, rport: number, ino: number) =>
  `${String(sl).padStart(4)}: ${v4le(0, 1)}:${hex(lport, 4)} ${v4le(rx, ry)}:${hex(rport, 4)} 01 00000000:00000000 00:00000000 00000000     0        0 ${ino} 1 0000000000000000 20 4 30 10 -1`;

function makeTree(): void {
  root = mkdtempSync(join(tmpdir(), 'wt-scale-'));
  const proc = join(root, 'proc');
  mkdirSync(join(proc, 'net'), { recursive: true });
  const lines = ['  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'];
  let sl = 0;
  for (let p = 0; p < PROCS; p++) {
    const pid = 1000 + p;
    const d = join(proc, String(pid));
    mkdirSync(join(d, 'fd'), { recursive: true });
    mkdirSync(join(d, 'ns'));
    writeFileSync(join(d, 'stat'), `${pid} (proc${p}) S 1 ${pid} ${pid} 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 ${5000 + p} 1000000 100 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n`);
    writeFileSync(join(d, 'comm'), `proc${p}\n`);
    writeFileSync(join(d, 'cmdline'), `/usr/bin/proc${p}\0--serve\0`);
    writeFileSync(join(d, 'status'), `Name:\tproc${p}\nUid:\t0\t0\t0\t0\n`);
    symlinkSync(NS, join(d, 'ns', 'net'));
    symlinkSync('/dev/null', join(d, 'fd', '0'));
    symlinkSync('pipe:[1]', join(d, 'fd', '1'));
    symlinkSync('anon_inode:[eventpoll]', join(d, 'fd', '2'));
    for (let s = 0; s < PER_PROC; s++) {
      const ino = 100_000 + p * PER_PROC + s;
      symlinkSync(`socket:[${ino}]`, join(d, 'fd', String(3 + s)));
      lines.push(tcpLine(sl++, 10_000 + ((p * PER_PROC + s) % 50_000), p >> 8, p & 255, 443, ino));
    }
  }
  writeFileSync(join(proc, 'net', 'tcp'), `${lines.join('\n')}\n`);
  symlinkSync('1000', join(proc, 'self'));
}

async function measure<T>(work: () => Promise<T>): Promise<{ ms: number; maxGap: number }> {
  let last = performance.now();
  let maxGap = 0;
  const iv = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 10);
  const t0 = performance.now();
  last = t0;
  await work();
  const ms = performance.now() - t0;
  clearInterval(iv);
  maxGap = Math.max(maxGap, performance.now() - last);
  return { ms, maxGap };
}

describe('rescan at scale (synthetic tree: 20 000 sockets, 2 000 processes)', () => {
  beforeAll(makeTree, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('completes and keeps the event loop ticking', async () => {
    const r = new ProcResolver({ procRoot: join(root, 'proc'), minRescanIntervalMs: 0 });
    const first = await measure(() => r.start());
    expect(r.socketTable.socketCount).toBe(PROCS * PER_PROC);
    const firstStats = r.lastRescan!;
    expect(firstStats.unresolved).toBe(0);
    const pick = 1234;
    const l = r.lookup(6, Uint32Array.of(0, 0, 0xffff, 0xc6120001), 10_000 + pick, Uint32Array.of(0, 0, 0xffff, (0xc612 << 16) | ((Math.floor(pick / PER_PROC) >> 8) << 8) | (Math.floor(pick / PER_PROC) & 255)), 443);
    expect(l.kind === "process" ? l.proc.name : JSON.stringify(l)).toBe(`proc${Math.floor(pick / PER_PROC)}`);

    // Incremental: 50 new connections in processes we already know.
    const tcp = join(root, 'proc', 'net', 'tcp');
    for (let k = 0; k < 50; k++) {
      const p = 7 * k;
      const ino = 900_000 + k;
      symlinkSync(`socket:[${ino}]`, join(root, 'proc', String(1000 + p), 'fd', String(100 + k)));
      appendFileSync(tcp, `${tcpLine(20_000 + k, 60_000 + k, 9, k, 80, ino)}\n`);
    }
    const again = await measure(async () => {
      r.requestRescan();
      await r.idle();
    });
    expect(r.socketTable.socketCount).toBe(PROCS * PER_PROC + 50);
    expect(r.lastRescan?.unresolved).toBe(0);
    const l2 = r.lookup(6, Uint32Array.of(0, 0, 0xffff, 0xc6120001), 60_049, Uint32Array.of(0, 0, 0xffff, (0xc612 << 16) | (9 << 8) | 49), 80);
    expect(l2.kind === 'process' && l2.proc.pid).toBe(1000 + 7 * 49);

    console.log(
      `first full rescan: ${first.ms.toFixed(0)} ms (table published after ${firstStats.publishMs.toFixed(0)} ms), max loop gap ${first.maxGap.toFixed(1)} ms; ` +
        `incremental rescan (+50 sockets): ${again.ms.toFixed(0)} ms (publish ${r.lastRescan!.publishMs.toFixed(0)} ms, ${r.lastRescan!.fdScanned} fd dirs read), max loop gap ${again.maxGap.toFixed(1)} ms`,
    );
    // Control: the same timer on an idle wait as long as the rescan. On a quiet machine it is ~10 ms; on a
    // loaded one the scheduler alone delays timers, and that is not the rescan blocking the loop.
    const control = await measure(() => new Promise<void>((res) => setTimeout(res, Math.min(first.ms, 3000))));
    console.log(`control (idle wait): max loop gap ${control.maxGap.toFixed(1)} ms`);
    const allowance = Math.max(0, control.maxGap - 10);
    expect(first.maxGap).toBeLessThan(50 + allowance);
    expect(again.maxGap).toBeLessThan(50 + allowance);
    r.close();
  });
});
