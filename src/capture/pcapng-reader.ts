/**
 * pcapng as an incremental parser over chunks (see CaptureParser).
 *
 * Blocks handled: SHB (either byte order; a new section forgets its
 * interfaces), IDB (link type, snaplen, if_tsresol, if_tsoffset), EPB, SPB,
 * and the obsolete OPB. Every other block (NRB, ISB, DSB, custom, unknown)
 * is skipped by its length.
 */
import type { FrameSink } from './packet-source.js';
import { UserError } from '../util/user-error.js';
import { MAX_RECORD_BYTES, ViewCache, linkTypeOf, type CaptureParser } from './pcap-reader.js';

export const PCAPNG_SHB = 0x0a0d0d0a;
export const PCAPNG_IDB = 0x00000001;
export const PCAPNG_OPB = 0x00000002;
export const PCAPNG_SPB = 0x00000003;
export const PCAPNG_EPB = 0x00000006;
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const OPT_ENDOFOPT = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

const TWO_32 = 4294967296;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Smallest block: type, length, trailing length. */
const MIN_BLOCK = 12;

export class PcapngParser implements CaptureParser {
  readonly format = 'pcapng' as const;
  frames = 0;
  need = MIN_BLOCK;
  headerDone = false;

  private le = true;
  private halted = false;
  private readonly views = new ViewCache();
  /** Timestamp of the last packet that had one (SPBs carry none). */
  private lastTsMs = 0;

  // Per-interface parameters of the current section, indexed by interface id.
  private nIf = 0;
  private ifLink = new Int32Array(4);
  private ifSnap = new Float64Array(4);
  /** Ticks per second (10^n or 2^n). */
  private ifUnits = new Float64Array(4);
  /** Ticks per millisecond when that is an exact divisor (decimal resolutions ≥ 1 ms), else 0. */
  private ifDiv = new Float64Array(4);
  /** Milliseconds per tick, used when ifDiv is 0 (binary resolutions, or coarser than 1 ms). */
  private ifMul = new Float64Array(4);
  private ifOffsetMs = new Float64Array(4);
  private sections = 0;

  /** Interfaces of the current section (for tests and diagnostics). */
  interfaces(): Array<{ linkType: number; snaplen: number; ticksPerSecond: number; offsetSeconds: number }> {
    const out = [];
    for (let i = 0; i < this.nIf; i++) {
      out.push({
        linkType: this.ifLink[i]!,
        snaplen: this.ifSnap[i]!,
        ticksPerSecond: this.ifUnits[i]!,
        offsetSeconds: this.ifOffsetMs[i]! / 1000,
      });
    }
    return out;
  }

  get sectionCount(): number {
    return this.sections;
  }

  halt(): void {
    this.halted = true;
  }

  parse(buf: Buffer, start: number, end: number, sink: FrameSink): number {
    const dv = this.views.view(buf);
    let pos = start;
    let need = MIN_BLOCK;
    let frames = this.frames;
    let le = this.le;
    try {
      while (!this.halted) {
        const avail = end - pos;
        if (avail < MIN_BLOCK) {
          need = MIN_BLOCK;
          break;
        }
        const type = dv.getUint32(pos, le);
        if (type === PCAPNG_SHB) {
          const len = this.sectionHeader(dv, pos, frames, avail);
          if (avail < len) {
            need = len;
            break;
          }
          le = this.le;
          pos += len;
          continue;
        }
        if (!this.headerDone) throw new UserError('not a pcap or pcapng file');
        const len = dv.getUint32(pos + 4, le);
        if (len < MIN_BLOCK || (len & 3) !== 0 || len > MAX_RECORD_BYTES) {
          throw corrupt(frames, `block of type 0x${type.toString(16)} has an invalid length ${len}`);
        }
        if (avail < len) {
          need = len;
          break;
        }
        if (type === PCAPNG_EPB || type === PCAPNG_OPB) {
          if (len < 32) throw corrupt(frames, `packet block too short (${len} bytes)`);
          const iface = type === PCAPNG_EPB ? dv.getUint32(pos + 8, le) : dv.getUint16(pos + 8, le);
          if (iface >= this.nIf) throw corrupt(frames, `packet on interface ${iface}, which has no description block`);
          let capLen = dv.getUint32(pos + 20, le);
          const origLen = dv.getUint32(pos + 24, le);
          if (capLen > len - 32) throw corrupt(frames, `packet data (${capLen} bytes) larger than its block`);
          const snap = this.ifSnap[iface]!;
          if (snap !== 0 && capLen > snap) capLen = snap;
          const tsMs = this.tsMs(iface, dv.getUint32(pos + 12, le), dv.getUint32(pos + 16, le));
          this.lastTsMs = tsMs;
          frames++;
          sink.frame(buf, pos + 28, capLen, origLen, tsMs, this.ifLink[iface]!);
        } else if (type === PCAPNG_SPB) {
          if (len < 16) throw corrupt(frames, `simple packet block too short (${len} bytes)`);
          if (this.nIf === 0) throw corrupt(frames, 'simple packet block before any interface description block');
          const origLen = dv.getUint32(pos + 8, le);
          let capLen = len - 16;
          if (origLen < capLen) capLen = origLen;
          const snap = this.ifSnap[0]!;
          if (snap !== 0 && capLen > snap) capLen = snap;
          frames++;
          sink.frame(buf, pos + 12, capLen, origLen, this.lastTsMs, this.ifLink[0]!);
        } else if (type === PCAPNG_IDB) {
          if (len < 20) throw corrupt(frames, `interface description block too short (${len} bytes)`);
          this.interfaceDescription(dv, pos, len);
        }
        pos += len;
      }
    } finally {
      this.frames = frames;
      this.le = le;
    }
    this.need = need;
    return pos;
  }

  /** Validates an SHB at pos (byte order from its magic) and, when complete, starts a new section. Returns its length. */
  private sectionHeader(dv: DataView, pos: number, frames: number, avail: number): number {
    let le: boolean;
    if (dv.getUint32(pos + 8, true) === PCAPNG_BYTE_ORDER_MAGIC) le = true;
    else if (dv.getUint32(pos + 8, false) === PCAPNG_BYTE_ORDER_MAGIC) le = false;
    else if (!this.headerDone) throw new UserError('not a pcap or pcapng file');
    else throw corrupt(frames, 'section header block with a bad byte-order magic');
    const len = dv.getUint32(pos + 4, le);
    if (len < 28 || (len & 3) !== 0 || len > MAX_RECORD_BYTES) {
      throw corrupt(frames, `section header block has an invalid length ${len}`);
    }
    if (len > avail) return len;
    const major = dv.getUint16(pos + 12, le);
    const minor = dv.getUint16(pos + 14, le);
    if (major !== 1) throw new UserError(`unsupported pcapng version ${major}.${minor}`);
    this.le = le;
    this.nIf = 0;
    this.sections++;
    this.headerDone = true;
    return len;
  }

  private interfaceDescription(dv: DataView, pos: number, len: number): void {
    const le = this.le;
    const i = this.nIf;
    if (i === this.ifLink.length) this.grow();
    this.ifLink[i] = linkTypeOf(dv.getUint16(pos + 8, le));
    this.ifSnap[i] = dv.getUint32(pos + 12, le);
    let units = 1e6;
    let offsetSec = 0;
    const optEnd = pos + len - 4;
    let p = pos + 16;
    while (p + 4 <= optEnd) {
      const code = dv.getUint16(p, le);
      const olen = dv.getUint16(p + 2, le);
      if (code === OPT_ENDOFOPT) break;
      if (p + 4 + olen > optEnd) break;
      if (code === OPT_IF_TSRESOL && olen >= 1) {
        const v = dv.getUint8(p + 4);
        units = (v & 0x80) !== 0 ? 2 ** (v & 0x7f) : 10 ** v;
      } else if (code === OPT_IF_TSOFFSET && olen >= 8) {
        offsetSec = Number(dv.getBigInt64(p + 4, le));
      }
      p += 4 + ((olen + 3) & ~3);
    }
    this.ifUnits[i] = units;
    const perMs = units / 1000;
    // Exact integer divisor → one correctly rounded division per packet.
    if (Number.isInteger(perMs) && perMs >= 1 && perMs <= MAX_SAFE) {
      this.ifDiv[i] = perMs;
      this.ifMul[i] = 0;
    } else {
      this.ifDiv[i] = 0;
      this.ifMul[i] = 1000 / units;
    }
    this.ifOffsetMs[i] = offsetSec * 1000;
    this.nIf = i + 1;
  }

  private tsMs(iface: number, high: number, low: number): number {
    const t = high * TWO_32 + low;
    let ms: number;
    if (t <= MAX_SAFE) {
      const div = this.ifDiv[iface]!;
      ms = div !== 0 ? t / div : t * this.ifMul[iface]!;
    } else {
      // Beyond 2^53 ticks (e.g. nanoseconds since 1970): split into whole seconds and an exact remainder.
      const units = this.ifUnits[iface]!;
      let sec = Math.floor(t / units);
      let r = high * TWO_32 - sec * units + low;
      if (r < 0 || r >= units) {
        const k = Math.floor(r / units);
        sec += k;
        r -= k * units;
      }
      ms = sec * 1000 + (r * 1000) / units;
    }
    return ms + this.ifOffsetMs[iface]!;
  }

  private grow(): void {
    const n = this.ifLink.length * 2;
    const link = new Int32Array(n);
    link.set(this.ifLink);
    this.ifLink = link;
    this.ifSnap = grown(this.ifSnap, n);
    this.ifUnits = grown(this.ifUnits, n);
    this.ifDiv = grown(this.ifDiv, n);
    this.ifMul = grown(this.ifMul, n);
    this.ifOffsetMs = grown(this.ifOffsetMs, n);
  }
}

function grown(a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

function corrupt(frames: number, what: string): UserError {
  return new UserError(`corrupt pcapng file after ${frames} packets: ${what}`);
}

/** True when the first bytes (any prefix, at least one byte) could start a pcapng file. */
export function looksLikePcapngPrefix(buf: Buffer, start: number, end: number): boolean {
  const n = Math.min(4, end - start);
  if (n <= 0) return false;
  for (let i = 0; i < n; i++) {
    if (buf[start + i] !== ((PCAPNG_SHB >>> (8 * (3 - i))) & 0xff)) return false;
  }
  return true;
}
