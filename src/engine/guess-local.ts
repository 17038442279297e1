import type { FrameSink } from '../capture/packet-source.js';
import { KeyTable } from '../core/key-table.js';
import { isGroupAddress } from '../core/local-addresses.js';
import { decodeFrame } from '../decode/decode-frame.js';
import { DecodeStatus, PacketInfo } from '../decode/packet-info.js';
import { formatAddress } from '../util/address.js';
import type { Engine } from './engine.js';

/** The guess looks at this many frames from the start of the file … */
const SAMPLE_FRAMES = 20_000;
/** … or at as many as fit in this many captured bytes, whichever comes first. */
const SAMPLE_BYTES = 8 * 1024 * 1024;
/** Per held frame: offset in the held bytes, captured length, original length, timestamp, link type. */
const META = 5;

/**
 * DESIGN §2: for a file without --net, "local" is the address seen in the most
 * packets among the first frames (ties: the numerically lowest; multicast and
 * broadcast groups never). A LocalSample counts the first SAMPLE_FRAMES frames
 * (or the first SAMPLE_BYTES captured bytes, whichever comes first) and ignores
 * the rest; `full` says it has seen all it will count.
 */
export class LocalSample implements FrameSink {
  private readonly info = new PacketInfo();
  private readonly table = new KeyTable(4, 2 * SAMPLE_FRAMES, 256);
  private counts = new Int32Array(this.table.rowCapacity);
  private frames = 0;
  private bytes = 0;

  constructor() {
    this.table.onGrow = (cap) => {
      const c = new Int32Array(cap);
      c.set(this.counts);
      this.counts = c;
    };
  }

  get full(): boolean {
    return this.frames >= SAMPLE_FRAMES || this.bytes >= SAMPLE_BYTES;
  }

  frame(buf: Buffer, offset: number, capLen: number, _origLen: number, _tsMs: number, linkType: number): void {
    if (this.full) return;
    if (decodeFrame(buf, offset, capLen, linkType, this.info) === DecodeStatus.OK) {
      this.count(this.info.src);
      this.count(this.info.dst);
    }
    this.frames++;
    this.bytes += Math.max(0, Math.min(capLen, buf.length - offset));
  }

  /** The address seen in most sampled frames, or null when none carried IP. */
  best(): Uint32Array | null {
    const table = this.table;
    let best = -1;
    const words = new Uint32Array(4);
    const bestWords = new Uint32Array(4);
    for (let id = 0; id < table.idLimit; id++) {
      if (!table.isLive(id)) continue;
      for (let i = 0; i < 4; i++) words[i] = table.keyWord(id, i);
      if (best < 0 || this.counts[id]! > this.counts[best]! || (this.counts[id] === this.counts[best] && lowerWords(words, bestWords))) {
        best = id;
        bestWords.set(words);
      }
    }
    return best < 0 ? null : bestWords;
  }

  private count(w: Uint32Array): void {
    if (isGroupAddress(w)) return;
    const table = this.table;
    table.scratch.set(w);
    const h = table.hashScratch();
    let id = table.find(h);
    if (id < 0) id = table.insert(h);
    if (id >= 0) this.counts[id]!++;
  }
}

/**
 * The guess for a source that can be read only once (a pipe, `-r /dev/stdin`):
 * the sampled frames are held (copied) until the guess is made, then handed on
 * in order. A regular file is sampled by a separate read of its start instead
 * (see PacketSource.prescan), which copies nothing.
 *
 * `decide` is called once, with the address or null when no frame carried IP,
 * before any frame reaches `next`.
 */
export class LocalGuess implements FrameSink {
  private readonly sample = new LocalSample();
  private held: Buffer | null = Buffer.allocUnsafe(1 << 20);
  private heldBytes = 0;
  private meta: Float64Array | null = new Float64Array(1024 * META);
  private heldFrames = 0;
  private decided = false;

  constructor(
    private readonly next: FrameSink,
    private readonly decide: (addr: Uint32Array | null) => void,
  ) {}

  frame(buf: Buffer, offset: number, capLen: number, origLen: number, tsMs: number, linkType: number): void {
    if (this.decided) {
      this.next.frame(buf, offset, capLen, origLen, tsMs, linkType);
      return;
    }
    this.sample.frame(buf, offset, capLen, origLen, tsMs, linkType);
    this.hold(buf, offset, capLen, origLen, tsMs, linkType);
    if (this.sample.full) this.finish();
  }

  /** Make the guess now (the source ended before the sample was full) and hand on what is held. */
  finish(): void {
    if (this.decided) return;
    this.decided = true;
    this.decide(this.sample.best());
    const held = this.held!;
    const meta = this.meta!;
    this.held = null;
    this.meta = null;
    for (let i = 0; i < this.heldFrames; i++) {
      const m = i * META;
      this.next.frame(held, meta[m]!, meta[m + 1]!, meta[m + 2]!, meta[m + 3]!, meta[m + 4]!);
    }
  }

  private hold(buf: Buffer, offset: number, capLen: number, origLen: number, tsMs: number, linkType: number): void {
    const end = Math.min(offset + capLen, buf.length);
    const len = Math.max(0, end - offset);
    let held = this.held!;
    if (this.heldBytes + len > held.length) {
      const bigger = Buffer.allocUnsafe(Math.max(held.length * 2, this.heldBytes + len));
      held.copy(bigger, 0, 0, this.heldBytes);
      this.held = held = bigger;
    }
    if (len > 0) buf.copy(held, this.heldBytes, offset, end);
    let meta = this.meta!;
    if ((this.heldFrames + 1) * META > meta.length) {
      const bigger = new Float64Array(meta.length * 2);
      bigger.set(meta);
      this.meta = meta = bigger;
    }
    const m = this.heldFrames * META;
    meta[m] = this.heldBytes;
    meta[m + 1] = len; // = capLen: a source hands on whole records
    meta[m + 2] = origLen;
    meta[m + 3] = tsMs;
    meta[m + 4] = linkType;
    this.heldBytes += len;
    this.heldFrames++;
  }
}

/** What the engine makes of a guess: the address counts as local, and the snapshot says it was guessed. */
export function applyGuess(engine: Engine, addr: Uint32Array | null): void {
  if (addr) engine.opts.local.addAddress(addr);
  engine.opts.localLabel = addr ? `guessed ${formatAddress(addr)} (set --net)` : 'none (set --net)';
}

function lowerWords(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}
