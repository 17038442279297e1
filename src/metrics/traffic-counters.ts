import type { Snapshot } from '../core/snapshot.js';
import { sanitizeText } from '../util/sanitize.js';

/**
 * Turns the cumulative values of snapshot rows into Prometheus counters that
 * never go down. A row's cumulative value counts "since the row appeared": when
 * the engine evicts a row and it comes back, its value starts again from 0, so
 * a value below the previous one means all of it is new. Rows also drop out of
 * snapshots while they live on in the engine (snapshots carry the top rows
 * only), which is why previous values are kept for a while after a row is
 * last seen.
 */

export type Labels = Record<string, string>;

export interface Series {
  labels: Labels;
  values: number[];
  /** update number when a row last contributed */
  touched: number;
}

/** A family of counter series sharing label names, each with one value per metric. */
export class CounterFamily {
  readonly series = new Map<string, Series>();
  constructor(readonly width: number) {}

  add(key: string, labels: Labels, deltas: readonly number[], tick: number): void {
    let s = this.series.get(key);
    if (!s) {
      s = { labels, values: new Array<number>(this.width).fill(0), touched: tick };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.width; i++) s.values[i]! += deltas[i] ?? 0;
    s.touched = tick;
  }

  /** Series that no row fed for `staleAfter` updates end; a counter may stop, never decrease. */
  prune(tick: number, staleAfter: number, keep?: (key: string) => boolean): string[] {
    const gone: string[] = [];
    for (const [key, s] of this.series) {
      if (tick - s.touched > staleAfter && !keep?.(key)) {
        this.series.delete(key);
        gone.push(key);
      }
    }
    return gone;
  }
}

function clean(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/** Previous cumulative values per row key, to compute deltas. */
export class RowDeltas {
  private readonly rows = new Map<string, { last: number[]; touched: number }>();

  deltas(key: string, values: readonly number[], tick: number): number[] {
    const current = values.map(clean);
    const row = this.rows.get(key);
    this.rows.set(key, { last: current, touched: tick });
    if (!row) return current;
    return current.map((v, i) => {
      const prev = row.last[i] ?? 0;
      return v >= prev ? v - prev : v;
    });
  }

  prune(tick: number, staleAfter: number): void {
    for (const [key, row] of this.rows) {
      if (tick - row.touched > staleAfter) this.rows.delete(key);
    }
  }

  get size(): number {
    return this.rows.size;
  }
}

export interface TrafficCountersOptions {
  /** most distinct host label values exported; the rest go to host="other" (default 100) */
  maxHosts?: number;
  /** snapshots after which a row or series nobody fed is forgotten (default 600 ≈ 10 min) */
  staleAfter?: number;
}

export const OTHER_HOST = 'other';

/** Label values come from /proc and the network: no controls, bounded length. */
function label(value: string | number | null): string {
  return value === null ? '' : sanitizeText(String(value), 128);
}

export class TrafficCounters {
  /** [rx, tx, transit, packets, malformed] per interface */
  readonly interfaces = new CounterFamily(5);
  /** [dropped] per interface, only once the engine has known it */
  readonly dropped = new CounterFamily(1);
  /** [rx, tx] */
  readonly processes = new CounterFamily(2);
  /** [rx, tx] */
  readonly hosts = new CounterFamily(2);

  private readonly totalDeltas = new RowDeltas();
  private readonly processDeltas = new RowDeltas();
  private readonly hostDeltas = new RowDeltas();
  private readonly maxHosts: number;
  private readonly staleAfter: number;
  private tick = 0;

  constructor(opts: TrafficCountersOptions = {}) {
    this.maxHosts = Math.max(0, Math.floor(opts.maxHosts ?? 100));
    this.staleAfter = Math.max(1, Math.floor(opts.staleAfter ?? 600));
  }

  update(snap: Snapshot): void {
    const tick = ++this.tick;
    const iface = label(snap.interface);
    const t = snap.totals;
    const ifaceLabels = { interface: iface };
    this.interfaces.add(
      iface,
      ifaceLabels,
      this.totalDeltas.deltas(`totals\0${iface}`, [t.rxBytes, t.txBytes, t.transitBytes, t.packets, t.malformed], tick),
      tick,
    );
    if (t.dropped !== null) {
      this.dropped.add(iface, ifaceLabels, this.totalDeltas.deltas(`dropped\0${iface}`, [t.dropped], tick), tick);
    }

    for (const p of snap.processes) {
      const labels = { pid: label(p.pid), process: label(p.name), user: label(p.user), netns: label(p.netns) };
      const key = JSON.stringify([labels.pid, labels.process, labels.user, labels.netns]);
      this.processes.add(key, labels, this.processDeltas.deltas(p.key, [p.rxBytes, p.txBytes], tick), tick);
    }

    // Biggest hosts claim free slots first; a host that is already exported
    // keeps its series, a newcomer once the cap is reached counts as "other".
    const hosts = [...snap.hosts].sort((a, b) => clean(b.rxBytes) + clean(b.txBytes) - (clean(a.rxBytes) + clean(a.txBytes)));
    for (const h of hosts) {
      const deltas = this.hostDeltas.deltas(h.key, [h.rxBytes, h.txBytes], tick);
      const host = label(h.host);
      const named = this.hosts.series.has(host) || this.namedHosts() < this.maxHosts;
      if (named && host !== OTHER_HOST) this.hosts.add(host, { host }, deltas, tick);
      else this.hosts.add(OTHER_HOST, { host: OTHER_HOST }, deltas, tick);
    }

    const stale = this.staleAfter;
    this.totalDeltas.prune(tick, stale);
    this.processDeltas.prune(tick, stale);
    this.hostDeltas.prune(tick, stale);
    this.processes.prune(tick, stale);
    this.hosts.prune(tick, stale, (key) => key === OTHER_HOST);
  }

  private namedHosts(): number {
    return this.hosts.series.size - (this.hosts.series.has(OTHER_HOST) ? 1 : 0);
  }
}
