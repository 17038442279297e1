/**
 * The first miss of each connection tuple (by its 52-bit tuple hash): which
 * rescans had started then, and the generation it was answered with. Held for
 * `ttlMs`; an entry older than that counts as none.
 *
 * A fixed-size table in one Float64Array, not a Map of objects: under a flood
 * from many sources the engine asks tens of thousands of times a second, and
 * the Map's entries cost ~0.8 µs a call and garbage to collect. When the few
 * slots a key may take are all held, the oldest entry gives way (that tuple's
 * next miss is a first miss again, as with any bounded table).
 */
const FIELDS = 4;
const KEY = 0; // tuple hash + 1; 0 = empty slot
const SEQ = 1;
const GEN = 2;
const AT = 3;
/** Slots a key may take, from its home slot on. */
const PROBES = 8;

export class FirstMisses {
  private readonly slots: Float64Array;
  private readonly mask: number;

  /** The table holds 2^slotBits entries, 32 bytes each (memory becomes resident as it is used). */
  constructor(
    private readonly ttlMs: number,
    slotBits = 17,
  ) {
    this.mask = (1 << slotBits) - 1;
    this.slots = new Float64Array(FIELDS << slotBits);
  }

  /**
   * The slot holding key's first miss: the one held if it is younger than the
   * ttl, else a new one recording (seq, gen) at `now`. Read it with seqAt/genAt.
   */
  note(key: number, now: number, seq: number, gen: number): number {
    const s = this.slots;
    const k = key + 1;
    const home = hashSlot(key) & this.mask;
    let victim = -1;
    let victimAt = Number.POSITIVE_INFINITY;
    for (let p = 0; p < PROBES; p++) {
      const i = (home + p) & this.mask;
      const o = i * FIELDS;
      const held = s[o + KEY]!;
      if (held === k) {
        if (now - s[o + AT]! <= this.ttlMs) return i;
        victim = i;
        break;
      }
      if (held === 0) {
        // Slots are never emptied, and a key takes the first free slot of its run: not further on.
        victim = i;
        break;
      }
      // an expired entry first, then the oldest
      const at = now - s[o + AT]! > this.ttlMs ? Number.NEGATIVE_INFINITY : s[o + AT]!;
      if (at < victimAt) {
        victimAt = at;
        victim = i;
      }
    }
    const o = victim * FIELDS;
    s[o + KEY] = k;
    s[o + SEQ] = seq;
    s[o + GEN] = gen;
    s[o + AT] = now;
    return victim;
  }

  seqAt(slot: number): number {
    return this.slots[slot * FIELDS + SEQ]!;
  }

  genAt(slot: number): number {
    return this.slots[slot * FIELDS + GEN]!;
  }
}

/** Home slot of a 52-bit key: its low and high parts mixed. */
function hashSlot(key: number): number {
  const lo = key % 0x100000000;
  const hi = (key - lo) / 0x100000000;
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  return h >>> 0;
}
