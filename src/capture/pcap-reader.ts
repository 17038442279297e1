/**
 * Classic pcap ("libpcap savefile") as an incremental parser over chunks.
 *
 * The parser never copies or slices: it reads headers with one DataView per
 * buffer and hands the sink the chunk buffer plus the record's offset. The
 * caller (FileSource) keeps the unconsumed tail and feeds it again, followed
 * by more bytes, on the next call.
 */
import type { FrameSink } from './packet-source.js';
import { UserError } from '../util/user-error.js';

/** Records (pcap) and blocks (pcapng) larger than this are treated as corruption, not buffered. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
/** Alexey Kuznetzov's patched libpcap: µs timestamps, 8 more bytes per record header. */
export const PCAP_MAGIC_KUZNETZOV = 0xa1b2cd34;

export const PCAP_FILE_HEADER_BYTES = 24;

/**
 * Incremental record parser shared by the pcap and pcapng readers.
 * parse() consumes as much of buf[start, end) as forms complete units
 * (file header, records, blocks) and returns the offset of the first byte it
 * did not consume; `need` then says how many bytes from there the next unit
 * takes (at least one more than available), so a caller can grow its buffer.
 */
export interface CaptureParser {
  readonly format: 'pcap' | 'pcapng';
  /** Frames delivered so far. */
  readonly frames: number;
  /** Bytes needed from the last returned offset to complete the next unit. */
  readonly need: number;
  /** False until the file header (pcap) or first section header (pcapng) is parsed. */
  readonly headerDone: boolean;
  parse(buf: Buffer, start: number, end: number, sink: FrameSink): number;
  /** Stop delivering: parse() returns at the next record boundary. */
  halt(): void;
}

/** Cached DataView over a buffer (one per distinct buffer, not per record). */
export class ViewCache {
  private buf: Buffer | null = null;
  private dv: DataView = new DataView(new ArrayBuffer(0));
  view(buf: Buffer): DataView {
    if (this.buf !== buf) {
      this.buf = buf;
      this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    return this.dv;
  }
}

const enum LengthOrder {
  Normal = 0,
  Swapped = 1,
  /** pcap 2.3 written by some tools with caplen/len interchanged: swap when caplen > len. */
  Maybe = 2,
}

export class PcapParser implements CaptureParser {
  readonly format = 'pcap' as const;
  frames = 0;
  need: number = PCAP_FILE_HEADER_BYTES;
  headerDone = false;

  private le = true;
  private nano = false;
  private recHdr = 16;
  private snaplen = 0;
  private linkType = 0;
  private lengthOrder: LengthOrder = LengthOrder.Normal;
  private halted = false;
  private readonly views = new ViewCache();

  /** Link type from the file header (LINKTYPE_*), valid once headerDone. */
  get link(): number {
    return this.linkType;
  }
  /** Snapshot length from the file header. */
  get snapLength(): number {
    return this.snaplen;
  }
  get nanosecond(): boolean {
    return this.nano;
  }

  halt(): void {
    this.halted = true;
  }

  parse(buf: Buffer, start: number, end: number, sink: FrameSink): number {
    let pos = start;
    if (!this.headerDone) {
      if (end - pos < PCAP_FILE_HEADER_BYTES) {
        this.need = PCAP_FILE_HEADER_BYTES;
        return pos;
      }
      this.parseHeader(buf, pos);
      pos += PCAP_FILE_HEADER_BYTES;
    }
    pos = this.records(buf, pos, end, sink);
    // The bytes the next record needs (computed here, not in the loop: see records()).
    const recHdr = this.recHdr;
    if (this.halted || end - pos < recHdr) this.need = recHdr;
    else {
      const dv = this.views.view(buf);
      const a = dv.getUint32(pos + 8, this.le);
      const b = dv.getUint32(pos + 12, this.le);
      const swap = this.lengthOrder === LengthOrder.Swapped || (this.lengthOrder === LengthOrder.Maybe && a > b);
      this.need = recHdr + (swap ? b : a);
    }
    return pos;
  }

  /**
   * The record loop: delivers complete records from pos on and returns the
   * offset of the first one not delivered. Nothing after the loop needs type
   * feedback (no property access): the loop is first optimized on-stack
   * while it runs, and code after it that has never run would deoptimize the
   * on-stack code at the end of every chunk, leaving the next chunk to start
   * in the interpreter.
   */
  private records(buf: Buffer, start: number, end: number, sink: FrameSink): number {
    const dv = this.views.view(buf);
    const le = this.le;
    const recHdr = this.recHdr;
    const snaplen = this.snaplen;
    const linkType = this.linkType;
    const fracDiv = this.nano ? 1e6 : 1e3;
    const lengthOrder = this.lengthOrder;
    let pos = start;
    let frames = this.frames;
    while (!this.halted) {
      const avail = end - pos;
      if (avail < recHdr) break;
      let capLen = dv.getUint32(pos + 8, le);
      let origLen = dv.getUint32(pos + 12, le);
      if (lengthOrder !== LengthOrder.Normal) {
        if (lengthOrder === LengthOrder.Swapped || capLen > origLen) {
          const t = capLen;
          capLen = origLen;
          origLen = t;
        }
      }
      if (capLen > MAX_RECORD_BYTES) {
        throw new UserError(
          `corrupt pcap record after ${frames} packets (capture length ${capLen} exceeds the maximum of ${MAX_RECORD_BYTES})`,
        );
      }
      const total = recHdr + capLen;
      if (avail < total) break;
      const tsMs = dv.getUint32(pos, le) * 1000 + dv.getUint32(pos + 4, le) / fracDiv;
      // libpcap hands out at most snaplen bytes of a longer record (damaged or Solaris-2.3 files).
      const deliver = snaplen !== 0 && capLen > snaplen ? snaplen : capLen;
      this.frames = ++frames;
      sink.frame(buf, pos + recHdr, deliver, origLen, tsMs, linkType);
      pos += total;
    }
    return pos;
  }

  private parseHeader(buf: Buffer, pos: number): void {
    const dv = this.views.view(buf);
    const magicBE = dv.getUint32(pos, false);
    const magicLE = dv.getUint32(pos, true);
    let magic: number;
    if (isPcapMagic(magicLE)) {
      this.le = true;
      magic = magicLE;
    } else if (isPcapMagic(magicBE)) {
      this.le = false;
      magic = magicBE;
    } else {
      throw new UserError('not a pcap or pcapng file');
    }
    const le = this.le;
    const major = dv.getUint16(pos + 4, le);
    const minor = dv.getUint16(pos + 6, le);
    if (major < 2) throw new UserError(`archaic pcap file format (version ${major}.${minor})`);
    if (!((major === 2 && minor <= 4) || (major === 543 && minor === 0))) {
      throw new UserError(`unsupported pcap version ${major}.${minor}`);
    }
    // Versions before 2.3 stored caplen and len the other way round; some 2.3 writers did too.
    if (major === 543 || minor < 3) this.lengthOrder = LengthOrder.Swapped;
    else if (minor === 3) this.lengthOrder = LengthOrder.Maybe;
    this.snaplen = dv.getUint32(pos + 16, le);
    // As libpcap does: the low 16 bits are the link type; the upper bits carry FCS length and reserved flags.
    this.linkType = linkTypeOf(dv.getUint32(pos + 20, le));
    this.nano = magic === PCAP_MAGIC_NS;
    this.recHdr = magic === PCAP_MAGIC_KUZNETZOV ? 24 : 16;
    this.headerDone = true;
  }
}

function isPcapMagic(m: number): boolean {
  return m === PCAP_MAGIC_US || m === PCAP_MAGIC_NS || m === PCAP_MAGIC_KUZNETZOV;
}

/** libpcap's LT_LINKTYPE(): the link-layer type proper, without the FCS-length/reserved upper bits. */
export function linkTypeOf(field: number): number {
  return field & 0xffff;
}

/** FCS length in bytes carried in a link type field (libpcap's LT_FCS_LENGTH), or null when absent. */
export function fcsLengthOf(field: number): number | null {
  if ((field & 0x04000000) === 0) return null;
  return ((field >>> 28) & 0xf) * 2;
}

/** True when the first bytes (any prefix, at least one byte) could start a classic pcap file. */
export function looksLikePcapPrefix(buf: Buffer, start: number, end: number): boolean {
  const n = Math.min(4, end - start);
  if (n <= 0) return false;
  for (const magic of [PCAP_MAGIC_US, PCAP_MAGIC_NS, PCAP_MAGIC_KUZNETZOV]) {
    for (const le of [false, true]) {
      let ok = true;
      for (let i = 0; i < n; i++) {
        const byte = le ? (magic >>> (8 * i)) & 0xff : (magic >>> (8 * (3 - i))) & 0xff;
        if (buf[start + i] !== byte) {
          ok = false;
          break;
        }
      }
      if (ok) return true;
    }
  }
  return false;
}
