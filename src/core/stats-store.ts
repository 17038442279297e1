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

/**
 * The packet clock shared by an engine's stores, so the per-packet call
 * passes no floating-point values (each would be boxed on the heap):
 * [0] second, [1] ms timestamp, [2] ring slot of the second.
 */
export type PacketClock = Float64Array;
export function newPacketClock(): PacketClock {
  return new Float64Array(3);
}
/** Set the clock for a packet at tsMs (second and slot recomputed only when the second changes). */
export function setPacketClock(c: PacketClock, sec: number, tsMs: number): void {
  if (c[0] !== sec) {
    c[0] = sec;
    c[2] = ringSlot(sec);
  }
  c[1] = tsMs;
}

/** Window rates of one row (the snapshot's Rates without the peak). */
export type WindowRates = Omit<Rates, 'peak'>;

export class StatsStore {
  private rxRing: Uint32Array;
  private txRing: Uint32Array;
  /** second of the newest slot written; -1 = never */
  private lastSec: Float64Array;
  rxBytes: Float64Array;
  txBytes: Float64Array;
  packets: Float64Array;
  peak: Float64Array;
  /** ms timestamp of the last packet */
  lastSeenMs: Float64Array;
  /** sum of each row's ring slots (all RING_SECONDS of them), kept as slots change */
  private rxSum: Float64Array;
  private txSum: Float64Array;
  private capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.rxRing = new Uint32Array(capacity * R);
    this.txRing = new Uint32Array(capacity * R);
    this.lastSec = new Float64Array(capacity).fill(-1);
    this.rxBytes = new Float64Array(capacity);
    this.txBytes = new Float64Array(capacity);
    this.packets = new Float64Array(capacity);
    this.peak = new Float64Array(capacity);
    this.lastSeenMs = new Float64Array(capacity);
    this.rxSum = new Float64Array(capacity);
    this.txSum = new Float64Array(capacity);
  }

  grow(capacity: number): void {
    if (capacity <= this.capacity) return;
    const g32 = (a: Uint32Array, n: number) => {
      const b = new Uint32Array(n);
      b.set(a);
      return b;
    };
    const g64 = (a: Float64Array, n: number, fill = 0) => {
      const b = new Float64Array(n);
      if (fill !== 0) b.fill(fill);
      b.set(a);
      return b;
    };
    this.rxRing = g32(this.rxRing, capacity * R);
    this.txRing = g32(this.txRing, capacity * R);
    this.lastSec = g64(this.lastSec, capacity, -1);
    this.rxBytes = g64(this.rxBytes, capacity);
    this.txBytes = g64(this.txBytes, capacity);
    this.packets = g64(this.packets, capacity);
    this.peak = g64(this.peak, capacity);
    this.lastSeenMs = g64(this.lastSeenMs, capacity);
    this.rxSum = g64(this.rxSum, capacity);
    this.txSum = g64(this.txSum, capacity);
    this.capacity = capacity;
  }

  reset(id: number): void {
    this.rxRing.fill(0, id * R, id * R + R);
    this.txRing.fill(0, id * R, id * R + R);
    this.lastSec[id] = -1;
    this.rxBytes[id] = 0;
    this.txBytes[id] = 0;
    this.packets[id] = 0;
    this.peak[id] = 0;
    this.lastSeenMs[id] = 0;
    this.rxSum[id] = 0;
    this.txSum[id] = 0;
  }

  /** Hot path: count one packet of `bytes` at second `sec`. */
  add(id: number, sec: number, bytes: number, tx: boolean, tsMs: number): void {
    const eff = this.roll(id, sec);
    const slot = id * R + ringSlot(eff);
    if (tx) {
      const old = this.txRing[slot]!;
      const v = old + bytes > SLOT_MAX ? SLOT_MAX : old + bytes;
      this.txRing[slot] = v;
      this.txSum[id]! += v - old;
      this.txBytes[id]! += bytes;
    } else {
      const old = this.rxRing[slot]!;
      const v = old + bytes > SLOT_MAX ? SLOT_MAX : old + bytes;
      this.rxRing[slot] = v;
      this.rxSum[id]! += v - old;
      this.rxBytes[id]! += bytes;
    }
    this.packets[id]! += 1;
    this.lastSeenMs[id] = tsMs;
  }

  /** Hot path: `add` at the packet clock (same counting, no boxed arguments). */
  addAt(id: number, bytes: number, tx: boolean, c: PacketClock): void {
    const sec = c[0]!;
    const slot = id * R + (this.lastSec[id] === sec ? c[2]! : ringSlot(this.roll(id, sec)));
    if (tx) {
      const old = this.txRing[slot]!;
      const v = old + bytes > SLOT_MAX ? SLOT_MAX : old + bytes;
      this.txRing[slot] = v;
      this.txSum[id]! += v - old;
      this.txBytes[id]! += bytes;
    } else {
      const old = this.rxRing[slot]!;
      const v = old + bytes > SLOT_MAX ? SLOT_MAX : old + bytes;
      this.rxRing[slot] = v;
      this.rxSum[id]! += v - old;
      this.rxBytes[id]! += bytes;
    }
    this.packets[id]! += 1;
    this.lastSeenMs[id] = c[1]!;
  }

  /**
   * Add (sign 1) or subtract (sign -1) all of row `src` of `from` into row
   * `dst` of this store: attributing a connection's traffic to its process
   * once the owner is known, or moving it between owners. `swap` counts the
   * source's rx as tx and back: the process at the other end of a connection.
   */
  merge(dst: number, from: StatsStore, src: number, sign: 1 | -1, swap = false): void {
    const fromRx = swap ? from.txRing : from.rxRing;
    const fromTx = swap ? from.rxRing : from.txRing;
    const srcSec = from.lastSec[src]!;
    if (srcSec >= 0) {
      const dstSec = this.lastSec[dst]!;
      const newest = dstSec > srcSec ? dstSec : srcSec;
      this.roll(dst, newest);
      const lo = Math.max(srcSec - R + 1, newest - R + 1);
      for (let s = lo; s <= srcSec; s++) {
        const k = ringSlot(s);
        const a = dst * R + k;
        const b = src * R + k;
        const rx = clampSlot(this.rxRing[a]! + sign * fromRx[b]!);
        const tx = clampSlot(this.txRing[a]! + sign * fromTx[b]!);
        this.rxSum[dst]! += rx - this.rxRing[a]!;
        this.txSum[dst]! += tx - this.txRing[a]!;
        this.rxRing[a] = rx;
        this.txRing[a] = tx;
      }
    }
    this.rxBytes[dst]! += sign * (swap ? from.txBytes : from.rxBytes)[src]!;
    this.txBytes[dst]! += sign * (swap ? from.rxBytes : from.txBytes)[src]!;
    this.packets[dst]! += sign * from.packets[src]!;
    if (sign > 0 && from.lastSeenMs[src]! > this.lastSeenMs[dst]!) this.lastSeenMs[dst] = from.lastSeenMs[src]!;
  }

  /**
   * Rates over complete seconds before `nowSec`, dividing by the elapsed time
   * when less than the window has passed. `elapsed` is in seconds (> 0).
   */
  rates(id: number, nowSec: number, elapsed: number, out: WindowRates): void {
    const last = this.lastSec[id]!;
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
      let k = ringSlot(nowSec - 1);
      for (let age = 1; age <= R; age++, k = k === 0 ? R - 1 : k - 1) {
        const s = nowSec - age;
        if (s > last || s <= last - R) continue;
        const slot = base + k;
        const rx = this.rxRing[slot]!;
        const tx = this.txRing[slot]!;
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
    if (p > this.peak[id]!) this.peak[id] = p;
  }

  /**
   * What `rates` gives as rx40 + tx40, and the same peak update, touching
   * only the ring slots inside the window: ranking every row each second
   * must stay cheap with 100 000 rows.
   */
  score40(id: number, nowSec: number, elapsed: number): number {
    const last = this.lastSec[id]!;
    if (last < 0 || last <= nowSec - 1 - R) return 0;
    // The window is seconds nowSec-R .. nowSec-1; the ring holds last-R+1 .. last.
    const base = id * R;
    let rx40: number;
    let tx40: number;
    if (last === nowSec - 1) {
      rx40 = this.rxSum[id]!;
      tx40 = this.txSum[id]!;
    } else if (last === nowSec) {
      const k = base + ringSlot(last);
      rx40 = this.rxSum[id]! - this.rxRing[k]!;
      tx40 = this.txSum[id]! - this.txRing[k]!;
    } else if (last < nowSec - 1) {
      // Idle for a while: the window lost the ring's oldest `gone` seconds.
      // Read whichever part is shorter (at most half the ring).
      const gone = nowSec - 1 - last;
      if (gone <= R - gone) {
        rx40 = this.rxSum[id]! - sumSlots(this.rxRing, base, last - R + 1, gone);
        tx40 = this.txSum[id]! - sumSlots(this.txRing, base, last - R + 1, gone);
      } else {
        rx40 = sumSlots(this.rxRing, base, nowSec - R, R - gone);
        tx40 = sumSlots(this.txRing, base, nowSec - R, R - gone);
      }
    } else {
      // ahead of nowSec (a packet stamped later than the snapshot): seconds up to nowSec-1
      rx40 = sumSlots(this.rxRing, base, last - R + 1, nowSec - last + R - 1);
      tx40 = sumSlots(this.txRing, base, last - R + 1, nowSec - last + R - 1);
    }
    // peak: the 2 s window, seconds nowSec-2 and nowSec-1, where the ring still holds them
    let rx2 = 0;
    let tx2 = 0;
    for (let s = nowSec - 2; s <= nowSec - 1; s++) {
      if (s > last || s <= last - R) continue;
      const k = base + ringSlot(s);
      rx2 += this.rxRing[k]!;
      tx2 += this.txRing[k]!;
    }
    const d2 = Math.min(2, elapsed);
    const d40 = Math.min(40, elapsed);
    const p = rx2 / d2 + tx2 / d2;
    if (p > this.peak[id]!) this.peak[id] = p;
    return rx40 / d40 + tx40 / d40;
  }

  /** Second of the newest traffic, or -1. */
  lastSecond(id: number): number {
    return this.lastSec[id]!;
  }

  /** Advance row id's ring to `sec`; returns the second to count in (a packet too late for the ring counts in the newest). */
  private roll(id: number, sec: number): number {
    const last = this.lastSec[id]!;
    if (last === sec) return sec;
    if (sec < last) return sec > last - R ? sec : last;
    const base = id * R;
    if (last < 0 || sec - last >= R) {
      this.rxRing.fill(0, base, base + R);
      this.txRing.fill(0, base, base + R);
      this.rxSum[id] = 0;
      this.txSum[id] = 0;
    } else {
      for (let s = last + 1, k = ringSlot(last + 1); s <= sec; s++, k = k === R - 1 ? 0 : k + 1) {
        this.rxSum[id]! -= this.rxRing[base + k]!;
        this.txSum[id]! -= this.txRing[base + k]!;
        this.rxRing[base + k] = 0;
        this.txRing[base + k] = 0;
      }
    }
    this.lastSec[id] = sec;
    return sec;
  }
}

/** Sum of `count` ring slots of a row from second `from` on (count ≤ RING_SECONDS). */
function sumSlots(ring: Uint32Array, base: number, from: number, count: number): number {
  let sum = 0;
  let k = ringSlot(from);
  const first = count < R - k ? count : R - k;
  for (let i = 0; i < first; i++) sum += ring[base + k + i]!;
  for (let i = 0; i < count - first; i++) sum += ring[base + i]!;
  return sum;
}

function clampSlot(v: number): number {
  return v < 0 ? 0 : v > SLOT_MAX ? SLOT_MAX : v;
}
