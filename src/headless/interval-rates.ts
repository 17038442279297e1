import type { Snapshot } from '../core/snapshot.js';

/**
 * Headless reports give `*_rate` as bytes/s over the last reporting interval:
 * the difference of cumulative counters between two reports, divided by the
 * time between them (any interval, also the short final one).
 */
export class IntervalRates {
  private prev = new Map<string, [number, number]>();
  private prevElapsed = 0;
  /** seconds covered by the report being built */
  interval = 0;

  begin(snap: Snapshot): void {
    this.interval = Math.max(0.001, snap.elapsed - this.prevElapsed);
    this.prevElapsed = snap.elapsed;
  }

  /** [rx_rate, tx_rate] for a row; remembers its counters for the next report. */
  rates(key: string, rxBytes: number, txBytes: number): [number, number] {
    const p = this.prev.get(key);
    // a row evicted and seen again restarts its counters
    const drx = p && rxBytes >= p[0] ? rxBytes - p[0] : rxBytes;
    const dtx = p && txBytes >= p[1] ? txBytes - p[1] : txBytes;
    this.next.set(key, [rxBytes, txBytes]);
    return [round(drx / this.interval), round(dtx / this.interval)];
  }

  private next = new Map<string, [number, number]>();

  /** Finish a report: rows not reported this time keep their last counters for a while. */
  end(): void {
    for (const [k, v] of this.prev) if (!this.next.has(k) && this.next.size < 200_000) this.next.set(k, v);
    this.prev = this.next;
    this.next = new Map();
  }
}

export function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
