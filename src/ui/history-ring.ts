import type { Snapshot } from '../core/snapshot.js';

/** Ten minutes of one-per-second snapshots: enough to freeze and scrub back five minutes and more. */
export const DEFAULT_HISTORY = 600;
const MIN_HISTORY = 300;

/**
 * The last N snapshots, addressed by their `seq`. Backs freeze-and-scrub and
 * the sparklines; memory is bounded by N whatever the run time.
 */
export class HistoryRing {
  readonly capacity: number;
  private readonly slots: (Snapshot | undefined)[];
  private start = 0;
  private count = 0;

  constructor(capacity = DEFAULT_HISTORY) {
    this.capacity = Math.max(MIN_HISTORY, Math.floor(capacity));
    this.slots = new Array<Snapshot | undefined>(this.capacity);
  }

  get size(): number {
    return this.count;
  }

  push(snap: Snapshot): void {
    const last = this.latest();
    // A restarted engine starts its seq again: old seconds can no longer be addressed.
    if (last && snap.seq <= last.seq) this.clear();
    if (this.count < this.capacity) {
      this.slots[(this.start + this.count) % this.capacity] = snap;
      this.count++;
    } else {
      this.slots[this.start] = snap;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  clear(): void {
    this.slots.fill(undefined);
    this.start = 0;
    this.count = 0;
  }

  /** i-th oldest held snapshot. */
  at(i: number): Snapshot | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.slots[(this.start + i) % this.capacity];
  }

  oldest(): Snapshot | undefined {
    return this.at(0);
  }

  latest(): Snapshot | undefined {
    return this.at(this.count - 1);
  }

  /** The snapshot with this seq; seqs may have gaps (a slow consumer), so search. */
  get(seq: number): Snapshot | undefined {
    const i = this.indexOf(seq);
    return i < 0 ? undefined : this.at(i);
  }

  /** Index of the newest snapshot whose seq is ≤ `seq`, or -1 when none. */
  indexAtOrBefore(seq: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.at(mid)!.seq <= seq) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private indexOf(seq: number): number {
    const i = this.indexAtOrBefore(seq);
    return i >= 0 && this.at(i)!.seq === seq ? i : -1;
  }

  /** Up to `count` snapshots ending with the one at seq `endSeq` (inclusive), oldest first. */
  window(endSeq: number, count: number): Snapshot[] {
    const end = this.indexAtOrBefore(endSeq);
    const out: Snapshot[] = [];
    for (let i = Math.max(0, end - count + 1); i <= end; i++) out.push(this.at(i)!);
    return out;
  }

  /** The seq one step older/newer than `seq` among those held (clamped to the ends). */
  step(seq: number, delta: number): number | undefined {
    if (this.count === 0) return undefined;
    let i = this.indexAtOrBefore(seq);
    if (i < 0) i = 0;
    const j = Math.min(this.count - 1, Math.max(0, i + delta));
    return this.at(j)!.seq;
  }
}
