import type { Rates } from './snapshot.js';

/**
 * Per-row traffic counters in flat typed arrays: a 40-slot ring of per-second
 * rx/tx bytes (lazily zeroed), cumulative bytes and packets, last-seen second,
 * and the peak 2 s rate. Rows are dense ids handed out by a KeyTable.
 */
export const RING_SECONDS = 40;
const R = RING_SECONDS;
/** A per-second slot saturates here rather than wrapping. */
const SLOT_MAX = 0xffffffff;

/**
 * s mod RING_SECONDS for a second s ≥ 0. Epoch seconds are beyond small
 * integers, so `%` on them is a floating-point modulo (a call per use).
 */
function ringSlot(s: number): number {
  return s - Math.floor(s / R) * R;
}

/** Window rates of one row (the snapshot's Rates without the peak). */
export type WindowRates = Omit<Rates, 'peak'>;

/**
 * Row layout: the counters an update touches share one 64-byte block (8
 * doubles), bytes of the row's current second included: they reach the ring
 * (a second's rx and tx slots side by side) when the row moves on to another
 * second or is read.
 */
const F = 8;
const LAST_SEC = 0;
const RX_BYTES = 1;
const TX_BYTES = 2;
const PACKETS = 3;
const LAST_SEEN = 4;
/** bytes of second LAST_SEC not yet added to its ring slot */
const RX_CUR = 5;
const TX_CUR = 6;
const PEAK = 7;
/** LAST_SEC of a row with no second yet: never written since allocation, or reused (its ring holds old slots). */
const NEVER_WRITTEN = -1;
const REUSED = -2;
/** Ring words per row: RING_SECONDS × (rx, tx). */
const RW = 2 * R;

export class StatsStore {
  /** per row, F doubles: second of the newest slot written (-1 = never), cumulative rx/tx bytes, packets, last-seen ms, ring sums, peak */
  private row: Float64Array;
  /** per row, RING_SECONDS (rx, tx) pairs of per-second bytes */
  private ring: Uint32Array;
  /** per row, (rx, tx) sums of the row's ring slots, kept as slots change */
  private sums: Float64Array;
  private capacity: number;
  /** rows below this id have been reset() at least once (their ring may hold old seconds) */
  private handedOut = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.row = newRows(capacity);
    this.ring = new Uint32Array(capacity * RW);
    this.sums = new Float64Array(capacity * 2);
  }

  grow(capacity: number): void {
    if (capacity <= this.capacity) return;
    const row = newRows(capacity);
    row.set(this.row);
    this.row = row;
    const ring = new Uint32Array(capacity * RW);
    ring.set(this.ring);
    this.ring = ring;
    const sums = new Float64Array(capacity * 2);
    sums.set(this.sums);
    this.sums = sums;
    this.capacity = capacity;
  }

  /**
   * Make row id a new, empty row. Its ring is not cleared here: nothing reads the ring of a
   * row that has no second yet (LAST_SEC < 0), and its first add clears it if it was used
   * before (roll). A flood of new sources makes tens of thousands of rows a second.
   */
  reset(id: number): void {
    const o = id * F;
    const row = this.row;
    // A row never handed out before is still as allocated: its ring is zero, and its first
    // roll need not clear 320 bytes of memory the process has not even touched yet.
    if (id >= this.handedOut) {
      this.handedOut = id + 1;
      row[o + LAST_SEC] = NEVER_WRITTEN;
    } else row[o + LAST_SEC] = REUSED;
    row[o + RX_BYTES] = 0;
    row[o + TX_BYTES] = 0;
    row[o + PACKETS] = 0;
    row[o + LAST_SEEN] = 0;
    row[o + RX_CUR] = 0;
    row[o + TX_CUR] = 0;
    row[o + PEAK] = 0;
    this.sums[id * 2] = 0;
    this.sums[id * 2 + 1] = 0;
  }

  /** Cumulative received bytes of row id. */
  rxBytesOf(id: number): number {
    return this.row[id * F + RX_BYTES]!;
  }
  /** Cumulative sent bytes of row id. */
  txBytesOf(id: number): number {
    return this.row[id * F + TX_BYTES]!;
  }
  /** Packets counted in row id. */
  packetsOf(id: number): number {
    return this.row[id * F + PACKETS]!;
  }
  /** Highest 2 s rate seen by rates()/score40() for row id. */
  peakOf(id: number): number {
    return this.row[id * F + PEAK]!;
  }
  /** ms timestamp of row id's last packet. */
  lastSeenOf(id: number): number {
    return this.row[id * F + LAST_SEEN]!;
  }

  /** Copies per row (off the hot path; the accessors above read one row). */
  get rxBytes(): Float64Array {
    return this.column(RX_BYTES);
  }
  get txBytes(): Float64Array {
    return this.column(TX_BYTES);
  }
  get packets(): Float64Array {
    return this.column(PACKETS);
  }
  get peak(): Float64Array {
    return this.column(PEAK);
  }
  get lastSeenMs(): Float64Array {
    return this.column(LAST_SEEN);
  }

  private column(field: number): Float64Array {
    const out = new Float64Array(this.capacity);
    for (let id = 0; id < this.capacity; id++) out[id] = this.row[id * F + field]!;
    return out;
  }

  /**
   * Count `rx` and `tx` bytes of `packets` packets at second `sec`, the last
   * of them at `lastMs`. The engine calls this once per row and second with
   * what the row gathered (not once per packet), and for the odd packet that
   * takes a slow path.
   */
  add(id: number, sec: number, rx: number, tx: number, packets: number, lastMs: number): void {
    const row = this.row;
    const o = id * F;
    const eff = row[o + LAST_SEC] === sec ? sec : this.roll(id, sec);
    if (eff === row[o + LAST_SEC]) {
      row[o + RX_CUR]! += rx;
      row[o + TX_CUR]! += tx;
    } else {
      // a second older than the row's newest, still in the ring
      const ring = this.ring;
      const at = (id * R + ringSlot(eff)) * 2;
      const oldRx = ring[at]!;
      const oldTx = ring[at + 1]!;
      const newRx = oldRx + rx > SLOT_MAX ? SLOT_MAX : oldRx + rx;
      const newTx = oldTx + tx > SLOT_MAX ? SLOT_MAX : oldTx + tx;
      ring[at] = newRx;
      ring[at + 1] = newTx;
      this.sums[id * 2]! += newRx - oldRx;
      this.sums[id * 2 + 1]! += newTx - oldTx;
    }
    row[o + RX_BYTES]! += rx;
    row[o + TX_BYTES]! += tx;
    row[o + PACKETS]! += packets;
    if (lastMs > row[o + LAST_SEEN]!) row[o + LAST_SEEN] = lastMs;
  }

  /**
   * Add the current second's bytes to its ring slot (saturating there, as
   * adding each packet there would: all terms are ≥ 0).
   */
  private flush(id: number): void {
    const row = this.row;
    const o = id * F;
    const rx = row[o + RX_CUR]!;
    const tx = row[o + TX_CUR]!;
    if (rx === 0 && tx === 0) return;
    const at = (id * R + ringSlot(row[o + LAST_SEC]!)) * 2;
    const ring = this.ring;
    const sums = this.sums;
    if (rx !== 0) {
      const old = ring[at]!;
      const v = old + rx > SLOT_MAX ? SLOT_MAX : old + rx;
      ring[at] = v;
      sums[id * 2]! += v - old;
      row[o + RX_CUR] = 0;
    }
    if (tx !== 0) {
      const old = ring[at + 1]!;
      const v = old + tx > SLOT_MAX ? SLOT_MAX : old + tx;
      ring[at + 1] = v;
      sums[id * 2 + 1]! += v - old;
      row[o + TX_CUR] = 0;
    }
  }

  /**
   * Add (sign 1) or subtract (sign -1) all of row `src` of `from` into row
   * `dst` of this store: attributing a connection's traffic to its process
   * once the owner is known, or moving it between owners. `swap` counts the
   * source's rx as tx and back: the process at the other end of a connection.
   */
  merge(dst: number, from: StatsStore, src: number, sign: 1 | -1, swap = false): void {
    const fromRx = swap ? 1 : 0;
    const fromTx = swap ? 0 : 1;
    const fr = from.row;
    const row = this.row;
    const d = dst * F;
    const o = src * F;
    from.flush(src);
    this.flush(dst);
    const srcSec = fr[o + LAST_SEC]!;
    if (srcSec >= 0) {
      const dstSec = row[d + LAST_SEC]!;
      const newest = dstSec > srcSec ? dstSec : srcSec;
      this.roll(dst, newest);
      const lo = Math.max(srcSec - R + 1, newest - R + 1);
      const ring = this.ring;
      const fring = from.ring;
      for (let s = lo, k = ringSlot(lo); s <= srcSec; s++, k = k === R - 1 ? 0 : k + 1) {
        const b = (src * R + k) * 2;
        // most seconds of a young connection's ring are empty: nothing to move
        if (fring[b]! === 0 && fring[b + 1]! === 0) continue;
        const a = (dst * R + k) * 2;
        const rx = clampSlot(ring[a]! + sign * fring[b + fromRx]!);
        const tx = clampSlot(ring[a + 1]! + sign * fring[b + fromTx]!);
        this.sums[dst * 2]! += rx - ring[a]!;
        this.sums[dst * 2 + 1]! += tx - ring[a + 1]!;
        ring[a] = rx;
        ring[a + 1] = tx;
      }
    }
    row[d + RX_BYTES]! += sign * fr[o + (swap ? TX_BYTES : RX_BYTES)]!;
    row[d + TX_BYTES]! += sign * fr[o + (swap ? RX_BYTES : TX_BYTES)]!;
    row[d + PACKETS]! += sign * fr[o + PACKETS]!;
    if (sign > 0 && fr[o + LAST_SEEN]! > row[d + LAST_SEEN]!) row[d + LAST_SEEN] = fr[o + LAST_SEEN]!;
  }

  /**
   * Rates over complete seconds before `nowSec`, dividing by the elapsed time
   * when less than the window has passed. `elapsed` is in seconds (> 0).
   */
  rates(id: number, nowSec: number, elapsed: number, out: WindowRates): void {
    this.flush(id);
    const last = this.row[id * F + LAST_SEC]!;
    let rx1 = 0,
      tx1 = 0,
      rx2 = 0,
      tx2 = 0,
      rx10 = 0,
      tx10 = 0,
      rx40 = 0,
      tx40 = 0;
    if (last >= 0 && last > nowSec - 1 - R) {
      const base = id * R;
      const ring = this.ring;
      let k = ringSlot(nowSec - 1);
      for (let age = 1; age <= R; age++, k = k === 0 ? R - 1 : k - 1) {
        const s = nowSec - age;
        if (s > last || s <= last - R) continue;
        const slot = (base + k) * 2;
        const rx = ring[slot]!;
        const tx = ring[slot + 1]!;
        if (rx === 0 && tx === 0) continue;
        rx40 += rx;
        tx40 += tx;
        if (age <= 10) {
          rx10 += rx;
          tx10 += tx;
          if (age <= 2) {
            rx2 += rx;
            tx2 += tx;
            if (age === 1) {
              rx1 = rx;
              tx1 = tx;
            }
          }
        }
      }
    }
    const d1 = Math.min(1, elapsed);
    const d2 = Math.min(2, elapsed);
    const d10 = Math.min(10, elapsed);
    const d40 = Math.min(40, elapsed);
    out.rx1 = rx1 / d1;
    out.tx1 = tx1 / d1;
    out.rx2 = rx2 / d2;
    out.tx2 = tx2 / d2;
    out.rx10 = rx10 / d10;
    out.tx10 = tx10 / d10;
    out.rx40 = rx40 / d40;
    out.tx40 = tx40 / d40;
    const p = out.rx2 + out.tx2;
    if (p > this.row[id * F + PEAK]!) this.row[id * F + PEAK] = p;
  }

  /**
   * What `rates` gives as rx40 + tx40, and the same peak update, touching
   * only the ring slots inside the window: ranking every row each second
   * must stay cheap with 100 000 rows.
   */
  score40(id: number, nowSec: number, elapsed: number): number {
    this.flush(id);
    const row = this.row;
    const o = id * F;
    const last = row[o + LAST_SEC]!;
    if (last < 0 || last <= nowSec - 1 - R) return 0;
    // The window is seconds nowSec-R .. nowSec-1; the ring holds last-R+1 .. last.
    const base = id * R;
    const ring = this.ring;
    let rx40: number;
    let tx40: number;
    if (last === nowSec - 1) {
      rx40 = this.sums[id * 2]!;
      tx40 = this.sums[id * 2 + 1]!;
    } else if (last === nowSec) {
      const k = (base + ringSlot(last)) * 2;
      rx40 = this.sums[id * 2]! - ring[k]!;
      tx40 = this.sums[id * 2 + 1]! - ring[k + 1]!;
    } else if (last < nowSec - 1) {
      // Idle for a while: the window lost the ring's oldest `gone` seconds.
      // Read whichever part is shorter (at most half the ring).
      const gone = nowSec - 1 - last;
      if (gone <= R - gone) {
        rx40 = this.sums[id * 2]! - sumSlots(ring, base, 0, last - R + 1, gone);
        tx40 = this.sums[id * 2 + 1]! - sumSlots(ring, base, 1, last - R + 1, gone);
      } else {
        rx40 = sumSlots(ring, base, 0, nowSec - R, R - gone);
        tx40 = sumSlots(ring, base, 1, nowSec - R, R - gone);
      }
    } else {
      // ahead of nowSec (a packet stamped later than the snapshot): seconds up to nowSec-1
      rx40 = sumSlots(ring, base, 0, last - R + 1, nowSec - last + R - 1);
      tx40 = sumSlots(ring, base, 1, last - R + 1, nowSec - last + R - 1);
    }
    // peak: the 2 s window, seconds nowSec-2 and nowSec-1, where the ring still holds them
    let rx2 = 0;
    let tx2 = 0;
    for (let s = nowSec - 2; s <= nowSec - 1; s++) {
      if (s > last || s <= last - R) continue;
      const k = (base + ringSlot(s)) * 2;
      rx2 += ring[k]!;
      tx2 += ring[k + 1]!;
    }
    const d2 = Math.min(2, elapsed);
    const d40 = Math.min(40, elapsed);
    const p = rx2 / d2 + tx2 / d2;
    if (p > row[o + PEAK]!) row[o + PEAK] = p;
    return rx40 / d40 + tx40 / d40;
  }

  /** Second of the newest traffic, or -1. */
  lastSecond(id: number): number {
    return this.row[id * F + LAST_SEC]!;
  }

  /** Advance row id's ring to `sec`; returns the second to count in (a packet too late for the ring counts in the newest). */
  private roll(id: number, sec: number): number {
    const row = this.row;
    const o = id * F;
    const last = row[o + LAST_SEC]!;
    if (last === sec) return sec;
    if (sec < last) return sec > last - R ? sec : last;
    this.flush(id);
    const ring = this.ring;
    const sums = this.sums;
    const base = id * R;
    if (last === NEVER_WRITTEN) {
      // zero since allocation
    } else if (last < 0 || sec - last >= R) {
      // element stores: fill() is a builtin call that costs more than the 80 stores
      for (let i = base * 2, end = base * 2 + RW; i < end; i++) ring[i] = 0;
      sums[id * 2] = 0;
      sums[id * 2 + 1] = 0;
    } else {
      for (let s = last + 1, k = ringSlot(last + 1); s <= sec; s++, k = k === R - 1 ? 0 : k + 1) {
        const at = (base + k) * 2;
        sums[id * 2]! -= ring[at]!;
        sums[id * 2 + 1]! -= ring[at + 1]!;
        ring[at] = 0;
        ring[at + 1] = 0;
      }
    }
    row[o + LAST_SEC] = sec;
    return sec;
  }
}

/**
 * Rows as allocated: all zero, not written. A row is reset() when it is handed out, and a
 * zero row reads as empty anyway (its ring is zero, and the first add from second 0 on rolls
 * it), so untouched capacity stays untouched memory: the engine sizes its tables for the row
 * cap up front and only the rows in use become resident.
 */
function newRows(capacity: number): Float64Array {
  return new Float64Array(capacity * F);
}

/** Sum of `count` ring slots (rx: side 0, tx: side 1) of a row from second `from` on (count ≤ RING_SECONDS). */
function sumSlots(ring: Uint32Array, base: number, side: number, from: number, count: number): number {
  let sum = 0;
  const k = ringSlot(from);
  const first = count < R - k ? count : R - k;
  for (let i = 0; i < first; i++) sum += ring[(base + k + i) * 2 + side]!;
  for (let i = 0; i < count - first; i++) sum += ring[(base + i) * 2 + side]!;
  return sum;
}

function clampSlot(v: number): number {
  return v < 0 ? 0 : v > SLOT_MAX ? SLOT_MAX : v;
}
