import type { Cumulative, Rates, Snapshot } from '../core/snapshot.js';

const ZERO_RATES = { rx1: 0, tx1: 0, rx2: 0, tx2: 0, rx10: 0, tx10: 0, rx40: 0, tx40: 0 } as const satisfies Omit<Rates, 'peak'>;

/**
 * The snapshot to show while capture is interrupted (interface down or
 * deleted): the last one's rows and totals with every rate at zero, moved to
 * `nowMs`, carrying `notice`.
 */
export function quietSnapshot(last: Snapshot, nowMs: number, seq: number, notice: string): Snapshot {
  const elapsed = last.elapsed + Math.max(0, nowMs - last.time) / 1000;
  return {
    ...last,
    seq,
    time: nowMs,
    elapsed,
    totals: { ...last.totals, ...ZERO_RATES },
    hosts: last.hosts.map((h) => ({ ...h, ...ZERO_RATES })),
    processes: last.processes.map((p) => ({ ...p, ...ZERO_RATES })),
    connections: last.connections.map((c) => ({ ...c, ...ZERO_RATES })),
    notices: [notice],
  };
}

interface Row extends Rates, Cumulative {
  key: string;
}

/**
 * A restarted capture process starts counting from zero. CarryOver adds what
 * the earlier capture processes counted, so totals and cumulative bytes stay
 * "since wiretop started" across an interface outage: totals and elapsed are
 * offset; rows present in both add up; rows only the earlier capture had stay
 * (rates zero) until they would have been evicted as idle.
 */
export class CarryOver {
  private base: Snapshot | null = null;
  private elapsedOffset = 0;

  constructor(
    private readonly idleMs: number,
    private readonly rowLimit: number,
  ) {}

  /** Capture stopped; `last` is the last snapshot published (already carried). */
  rebase(last: Snapshot, restartMs: number): void {
    this.base = last;
    this.elapsedOffset = last.elapsed + Math.max(0, restartMs - last.time) / 1000;
  }

  /** Move the restart point (the capture process is started again at `restartMs`). */
  restartAt(restartMs: number): void {
    if (this.base) this.elapsedOffset = this.base.elapsed + Math.max(0, restartMs - this.base.time) / 1000;
  }

  get active(): boolean {
    return this.base !== null;
  }

  apply(snap: Snapshot): Snapshot {
    const b = this.base;
    if (!b) return snap;
    const t = snap.totals;
    const bt = b.totals;
    return {
      ...snap,
      elapsed: this.elapsedOffset + snap.elapsed,
      totals: {
        ...t,
        peak: Math.max(t.peak, bt.peak),
        rxBytes: t.rxBytes + bt.rxBytes,
        txBytes: t.txBytes + bt.txBytes,
        transitBytes: t.transitBytes + bt.transitBytes,
        packets: t.packets + bt.packets,
        malformed: t.malformed + bt.malformed,
        dropped: t.dropped === null && bt.dropped === null ? null : (t.dropped ?? 0) + (bt.dropped ?? 0),
      },
      hosts: this.rows(snap.hosts, b.hosts, snap.time, this.rowLimit),
      processes: this.rows(snap.processes, b.processes, snap.time, this.rowLimit),
      connections: this.rows(snap.connections, b.connections, snap.time, this.rowLimit * 2),
    };
  }

  private rows<T extends Row>(now: T[], before: T[], nowMs: number, limit: number): T[] {
    const old = new Map(before.map((r) => [r.key, r]));
    const out = now.map((r) => {
      const o = old.get(r.key);
      if (!o) return r;
      old.delete(r.key);
      return { ...r, rxBytes: r.rxBytes + o.rxBytes, txBytes: r.txBytes + o.txBytes, packets: r.packets + o.packets, peak: Math.max(r.peak, o.peak), lastSeen: Math.max(r.lastSeen, o.lastSeen) };
    });
    for (const o of old.values()) {
      if (out.length >= limit) break;
      if (nowMs - o.lastSeen > this.idleMs) continue;
      out.push({ ...o, ...ZERO_RATES });
    }
    return out;
  }
}
