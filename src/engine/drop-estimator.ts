/**
 * Packets the capture lost, from the interface's kernel packet counters and
 * the frames captured (DESIGN §3: libpcap's own drop count is not reachable
 * through cap).
 *
 * The kernel counts a packet before the capture can see it: on a veth, or any
 * device that hands packets to the per-CPU backlog, a burst sits counted but
 * undelivered until the receive softirq runs, and under load that is
 * milliseconds later. One comparison of "counted" against "captured" is then
 * high by whatever was in flight (measured: 17–21 packets at the start of a
 * 100 k packets/s flood in runs that, counted once everything had settled,
 * lost none). Real loss only grows; packets in flight come and go. So the
 * estimate is the smallest difference seen over a window of samples, and it
 * never goes down: a packet in flight at every sample of a whole window is not
 * in flight, it is lost.
 */
export class DropEstimator {
  private readonly diffs: Float64Array;
  private count = 0;
  private next = 0;
  private base: number | null = null;
  private pending: number | null = null;
  private _dropped = 0;

  /** @param window samples whose smallest difference counts (at 100 ms a sample, 10 = one second) */
  constructor(window = 10) {
    this.diffs = new Float64Array(Math.max(1, window));
  }

  /** The kernel's count when the capture opened (null: unreadable, nothing is ever estimated). */
  start(kernelCount: number | null): void {
    this.base = kernelCount;
    this.pending = null;
    this.count = 0;
    this.next = 0;
  }

  /** Is an estimate possible at all (a readable counter at open)? */
  get known(): boolean {
    return this.base !== null;
  }

  /**
   * Right after a drain. `framesCaptured` is every frame delivered so far;
   * `kernelCount` (null: not sampled this time) is read now and compared at
   * the next settle, after the next drain has emptied the ring of everything
   * the kernel held at this moment.
   */
  settle(framesCaptured: number, kernelCount: number | null): void {
    if (this.base === null) return;
    if (this.pending !== null) this.record(this.pending - this.base - framesCaptured);
    this.pending = kernelCount;
  }

  /**
   * After the last drain: what is still pending counts, and a run shorter than
   * a window is judged on the samples it has (there is no later to wait for).
   */
  finish(framesCaptured: number, kernelCount: number | null): void {
    if (this.base === null) return;
    this.settle(framesCaptured, null);
    if (kernelCount !== null) this.record(kernelCount - this.base - framesCaptured);
    if (this.count > 0 && this.count < this.diffs.length) this.judge();
  }

  /** Packets lost so far; 0 until a whole window has been seen. */
  get dropped(): number {
    return this._dropped;
  }

  private record(diff: number): void {
    const d = this.diffs;
    d[this.next] = diff;
    this.next = (this.next + 1) % d.length;
    if (this.count < d.length) this.count++;
    if (this.count === d.length) this.judge();
  }

  /** The estimate rises to the smallest difference among the samples held (the window's first `count`, or all). */
  private judge(): void {
    const d = this.diffs;
    let min = d[0]!;
    for (let i = 1; i < this.count; i++) if (d[i]! < min) min = d[i]!;
    if (min > this._dropped) this._dropped = min;
  }
}
