/**
 * Open-addressing hash index from fixed-width uint32 keys to dense row ids,
 * with no allocation per lookup: the caller fills `scratch` and asks.
 * Linear probing with backward-shift deletion (no tombstones), so eviction
 * keeps probe chains short for the table's whole life.
 */
export class KeyTable {
  readonly width: number;
  readonly maxRows: number;
  /** caller writes the key to look up / insert here */
  readonly scratch: Uint32Array;
  private rowKeys: Uint32Array;
  private rowHash: Int32Array;
  private slots: Int32Array; // row id + 1; 0 = empty
  private mask: number;
  private freeIds: Int32Array;
  private freeCount = 0;
  private nextId = 0;
  private liveCount = 0;
  private capacityRows: number;

  constructor(width: number, maxRows: number, initialRows = 1024) {
    this.width = width;
    this.maxRows = maxRows;
    this.scratch = new Uint32Array(width);
    this.capacityRows = Math.max(16, Math.min(initialRows, maxRows));
    this.rowKeys = new Uint32Array(this.capacityRows * width);
    this.rowHash = new Int32Array(this.capacityRows);
    this.freeIds = new Int32Array(this.capacityRows);
    const slotCount = nextPow2(this.capacityRows * 2);
    this.slots = new Int32Array(slotCount);
    this.mask = slotCount - 1;
  }

  get size(): number {
    return this.liveCount;
  }

  /** Highest row id ever handed out + 1: iterate 0..idLimit and check isLive. */
  get idLimit(): number {
    return this.nextId;
  }

  /** Capacity of the per-row arrays; grows (doubling) up to maxRows. */
  get rowCapacity(): number {
    return this.capacityRows;
  }

  isLive(id: number): boolean {
    return id < this.nextId && this.rowHash[id] !== 0;
  }

  hashScratch(): number {
    // FNV-1a over words, mixed; never 0 (0 marks a free row). An int32, not a uint32: a value
    // above 2^31 would leave optimized code as a boxed double.
    let h = 0x811c9dc5 | 0;
    const k = this.scratch;
    for (let i = 0; i < this.width; i++) {
      h ^= k[i]!;
      h = Math.imul(h, 0x01000193);
      h ^= h >>> 15;
    }
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h ^= h >>> 13;
    return h | 1;
  }

  /** Is row id live and holding the key in scratch? (A known row checked without hashing.) */
  matches(id: number): boolean {
    return id < this.nextId && this.rowHash[id] !== 0 && this.keyEquals(id * this.width);
  }

  /** Row id of the key in scratch, or -1. */
  find(hash: number): number {
    const slots = this.slots;
    const w = this.width;
    let s = hash & this.mask;
    for (;;) {
      const v = slots[s]!;
      if (v === 0) return -1;
      const id = v - 1;
      if (this.rowHash[id] === hash && this.keyEquals(id * w)) return id;
      s = (s + 1) & this.mask;
    }
  }

  /**
   * Insert the key in scratch (caller checked it is absent). Returns the new
   * row id, or -1 when the table is full (caller folds into an "other" row).
   */
  insert(hash: number): number {
    let id: number;
    if (this.freeCount > 0) {
      id = this.freeIds[--this.freeCount]!;
    } else {
      if (this.nextId >= this.maxRows) return -1;
      if (this.nextId >= this.capacityRows) this.growRows();
      id = this.nextId++;
    }
    const w = this.width;
    this.rowKeys.set(this.scratch, id * w);
    this.rowHash[id] = hash;
    this.liveCount++;
    if (this.liveCount * 2 > this.slots.length) this.growSlots();
    this.place(id, hash);
    return id;
  }

  /** Read word i of row id's key. */
  keyWord(id: number, i: number): number {
    return this.rowKeys[id * this.width + i]!;
  }


  remove(id: number): void {
    const hash = this.rowHash[id]!;
    if (hash === 0) return;
    const slots = this.slots;
    const mask = this.mask;
    let s = hash & mask;
    while (slots[s] !== id + 1) s = (s + 1) & mask;
    // backward-shift deletion
    let hole = s;
    let j = (s + 1) & mask;
    for (;;) {
      const v = slots[j]!;
      if (v === 0) break;
      const home = this.rowHash[v - 1]! & mask;
      // move v into the hole if its home is not in (hole, j] cyclically
      const between = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!between) {
        slots[hole] = v;
        hole = j;
      }
      j = (j + 1) & mask;
    }
    slots[hole] = 0;
    this.rowHash[id] = 0;
    this.freeIds[this.freeCount++] = id;
    this.liveCount--;
  }

  /** Called when rows grow so owners can grow parallel arrays. */
  onGrow: ((newCapacity: number) => void) | null = null;

  private keyEquals(base: number): boolean {
    const k = this.scratch;
    const rk = this.rowKeys;
    for (let i = 0; i < this.width; i++) if (rk[base + i] !== k[i]) return false;
    return true;
  }

  private place(id: number, hash: number): void {
    let s = hash & this.mask;
    while (this.slots[s] !== 0) s = (s + 1) & this.mask;
    this.slots[s] = id + 1;
  }

  private growRows(): void {
    const cap = Math.min(this.maxRows, this.capacityRows * 2);
    const keys = new Uint32Array(cap * this.width);
    keys.set(this.rowKeys);
    this.rowKeys = keys;
    const hashes = new Int32Array(cap);
    hashes.set(this.rowHash);
    this.rowHash = hashes;
    const free = new Int32Array(cap);
    free.set(this.freeIds);
    this.freeIds = free;
    this.capacityRows = cap;
    this.onGrow?.(cap);
  }

  private growSlots(): void {
    const slotCount = this.slots.length * 2;
    this.slots = new Int32Array(slotCount);
    this.mask = slotCount - 1;
    for (let id = 0; id < this.nextId; id++) {
      const h = this.rowHash[id]!;
      if (h !== 0) this.place(id, h);
    }
  }
}

function nextPow2(n: number): number {
  let p = 16;
  while (p < n) p *= 2;
  return p;
}
