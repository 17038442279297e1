import { readFileSync } from 'node:fs';
import type { ProcessRow } from '../core/snapshot.js';
import { parseStat } from '../procs/process-details.js';

/** Rows checked per snapshot: the busiest ones, which are what an operator looks at. */
const CHECK_ROWS = 50;

/**
 * Marks process rows whose process has exited (ProcessRow.gone): the row
 * stays, with its traffic, until it is evicted as idle. A process is gone
 * when /proc/PID is missing or now belongs to another process (its start
 * time differs from the one in the row key "pid:starttime"). One small
 * synchronous read per checked row and snapshot; a process once gone stays
 * gone without further reads.
 */
export class ProcessLiveness {
  private readonly gone = new Set<string>();

  constructor(
    private readonly procRoot = '/proc',
    private readonly rows = CHECK_ROWS,
  ) {}

  mark(processes: ProcessRow[]): void {
    const candidates: ProcessRow[] = [];
    for (const p of processes) {
      if (p.pid === null) continue;
      if (this.gone.has(p.key)) p.gone = true;
      else candidates.push(p);
    }
    if (candidates.length > this.rows) {
      candidates.sort((a, b) => b.rx2 + b.tx2 - (a.rx2 + a.tx2) || b.rxBytes + b.txBytes - (a.rxBytes + a.txBytes));
      candidates.length = this.rows;
    }
    for (const p of candidates) {
      if (this.alive(p.pid!, p.key)) continue;
      p.gone = true;
      this.gone.add(p.key);
    }
    // forget keys no longer published (evicted rows), so the set stays bounded
    if (this.gone.size > 4 * this.rows + processes.length) {
      const shown = new Set(processes.map((p) => p.key));
      for (const k of this.gone) if (!shown.has(k)) this.gone.delete(k);
    }
  }

  private alive(pid: number, key: string): boolean {
    let text: string;
    try {
      text = readFileSync(`${this.procRoot}/${pid}/stat`, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // gone, or gone while we read (ESRCH); anything else (EACCES …) says nothing about liveness
      return !(code === 'ENOENT' || code === 'ESRCH' || code === 'ENOTDIR');
    }
    const colon = key.indexOf(':');
    const expected = colon > 0 ? Number(key.slice(colon + 1)) : NaN;
    const st = parseStat(text);
    if (!st || !Number.isFinite(expected)) return true;
    return st.startTime === expected; // else the pid was reused
  }
}
