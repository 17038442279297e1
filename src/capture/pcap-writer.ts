/**
 * Writers for classic pcap and pcapng, used by tests (exact control over byte
 * order, resolution and block types) and by the benchmark (millions of
 * records: built into one large buffer and written in big chunks).
 *
 * Output goes either to memory (toBuffer()) or to a file path (synchronous
 * writes of whole chunks; close() flushes).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { PCAP_MAGIC_NS, PCAP_MAGIC_US } from './pcap-reader.js';
import { PCAPNG_BYTE_ORDER_MAGIC, PCAPNG_EPB, PCAPNG_IDB, PCAPNG_OPB, PCAPNG_SHB, PCAPNG_SPB } from './pcapng-reader.js';

const FLUSH_BYTES = 8 * 1024 * 1024;

/** Growable output buffer that flushes to a file descriptor (or keeps everything in memory). */
class ByteOut {
  buf: Buffer;
  pos = 0;
  private readonly fd: number | null;
  private readonly done: Buffer[] = [];
  private written = 0;

  constructor(path: string | null) {
    this.fd = path === null ? null : openSync(path, 'w');
    this.buf = Buffer.alloc(path === null ? 64 * 1024 : FLUSH_BYTES + 256 * 1024);
  }

  /** Makes room for n more bytes at pos. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.fd !== null && this.pos > 0) {
      this.flush();
      if (n <= this.buf.length) return;
    }
    if (this.fd === null) {
      this.done.push(this.buf.subarray(0, this.pos));
      this.written += this.pos;
      this.buf = Buffer.alloc(Math.max(n, this.buf.length * 2));
      this.pos = 0;
      return;
    }
    this.buf = Buffer.alloc(n);
  }

  maybeFlush(): void {
    if (this.fd !== null && this.pos >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (this.fd === null) return;
    let off = 0;
    while (off < this.pos) off += writeSync(this.fd, this.buf, off, this.pos - off);
    this.written += this.pos;
    this.pos = 0;
  }

  get bytesWritten(): number {
    return this.written + this.pos;
  }

  close(): void {
    if (this.fd !== null) {
      this.flush();
      closeSync(this.fd);
    }
  }

  toBuffer(): Buffer {
    return Buffer.concat([...this.done, this.buf.subarray(0, this.pos)]);
  }
}

function u16(o: ByteOut, v: number, le: boolean): void {
  if (le) o.buf.writeUInt16LE(v & 0xffff, o.pos);
  else o.buf.writeUInt16BE(v & 0xffff, o.pos);
  o.pos += 2;
}

function u32(o: ByteOut, v: number, le: boolean): void {
  if (le) o.buf.writeUInt32LE(v >>> 0, o.pos);
  else o.buf.writeUInt32BE(v >>> 0, o.pos);
  o.pos += 4;
}

export interface PcapWriterOptions {
  /** Nanosecond timestamps (magic 0xa1b23c4d); default microseconds. */
  nano?: boolean;
  bigEndian?: boolean;
  /** LINKTYPE_* (full 32-bit field, so FCS bits can be set); default 1 (Ethernet). */
  linkType?: number;
  snaplen?: number;
  versionMajor?: number;
  versionMinor?: number;
}

/** Classic pcap writer. */
export class PcapWriter {
  private readonly out: ByteOut;
  private readonly le: boolean;
  readonly nano: boolean;
  packets = 0;

  /** path null → in memory (toBuffer()). */
  constructor(path: string | null, opts: PcapWriterOptions = {}) {
    this.out = new ByteOut(path);
    this.le = !opts.bigEndian;
    this.nano = opts.nano ?? false;
    const o = this.out;
    o.ensure(24);
    u32(o, this.nano ? PCAP_MAGIC_NS : PCAP_MAGIC_US, this.le);
    u16(o, opts.versionMajor ?? 2, this.le);
    u16(o, opts.versionMinor ?? 4, this.le);
    u32(o, 0, this.le); // thiszone
    u32(o, 0, this.le); // sigfigs
    u32(o, opts.snaplen ?? 262144, this.le);
    u32(o, opts.linkType ?? 1, this.le);
  }

  /**
   * Appends one record: capLen bytes of data from off; frac is µs or ns
   * (as the file's resolution says).
   */
  record(data: Buffer, off: number, capLen: number, origLen: number, sec: number, frac: number): void {
    const o = this.out;
    o.ensure(16 + capLen);
    const b = o.buf;
    let p = o.pos;
    if (this.le) {
      b.writeUInt32LE(sec >>> 0, p);
      b.writeUInt32LE(frac >>> 0, p + 4);
      b.writeUInt32LE(capLen >>> 0, p + 8);
      b.writeUInt32LE(origLen >>> 0, p + 12);
    } else {
      b.writeUInt32BE(sec >>> 0, p);
      b.writeUInt32BE(frac >>> 0, p + 4);
      b.writeUInt32BE(capLen >>> 0, p + 8);
      b.writeUInt32BE(origLen >>> 0, p + 12);
    }
    p += 16;
    data.copy(b, p, off, off + capLen);
    o.pos = p + capLen;
    this.packets++;
    o.maybeFlush();
  }

  /** Appends one record with a nanosecond timestamp (truncated to µs for a µs file). */
  recordNs(data: Buffer, origLen: number, tsNs: bigint, capLen: number = data.length): void {
    const sec = Number(tsNs / 1_000_000_000n);
    const ns = Number(tsNs % 1_000_000_000n);
    this.record(data, 0, capLen, origLen, sec, this.nano ? ns : Math.floor(ns / 1000));
  }

  /** Raw bytes (for building damaged files in tests). */
  raw(bytes: Buffer): void {
    this.out.ensure(bytes.length);
    bytes.copy(this.out.buf, this.out.pos);
    this.out.pos += bytes.length;
  }

  get bytes(): number {
    return this.out.bytesWritten;
  }

  close(): void {
    this.out.close();
  }

  toBuffer(): Buffer {
    return this.out.toBuffer();
  }
}

export interface PcapngInterface {
  linkType: number;
  snaplen?: number;
  /** Raw if_tsresol byte (6 = µs, 9 = ns, 0x80|n = 2^-n s); omitted → no option (µs). */
  tsresol?: number;
  /** if_tsoffset in seconds; omitted → no option. */
  tsoffset?: number;
  /** Interface name option (if_name), to make files look like real ones. */
  name?: string;
}

export interface PcapngWriterOptions {
  bigEndian?: boolean;
  versionMajor?: number;
  versionMinor?: number;
}

interface IfaceState {
  units: bigint;
  offsetNs: bigint;
}

/** pcapng writer: sections, interfaces, EPB/SPB/OPB and arbitrary blocks. */
export class PcapngWriter {
  private readonly out: ByteOut;
  private le: boolean;
  private ifaces: IfaceState[] = [];
  packets = 0;

  /** path null → in memory. Writes the first section header. */
  constructor(path: string | null, opts: PcapngWriterOptions = {}) {
    this.out = new ByteOut(path);
    this.le = !opts.bigEndian;
    this.section(opts);
  }

  /** Starts a new section (interfaces restart at 0); may switch byte order. */
  section(opts: PcapngWriterOptions = {}): void {
    if (opts.bigEndian !== undefined) this.le = !opts.bigEndian;
    const o = this.out;
    const le = this.le;
    o.ensure(28);
    u32(o, PCAPNG_SHB, le);
    u32(o, 28, le);
    u32(o, PCAPNG_BYTE_ORDER_MAGIC, le);
    u16(o, opts.versionMajor ?? 1, le);
    u16(o, opts.versionMinor ?? 0, le);
    u32(o, 0xffffffff, le); // section length unknown (-1)
    u32(o, 0xffffffff, le);
    u32(o, 28, le);
    this.ifaces = [];
  }

  /** Adds an interface description block; returns its id. */
  addInterface(iface: PcapngInterface): number {
    const opts: Buffer[] = [];
    const le = this.le;
    const opt = (code: number, value: Buffer): void => {
      const h = Buffer.alloc(4);
      if (le) {
        h.writeUInt16LE(code, 0);
        h.writeUInt16LE(value.length, 2);
      } else {
        h.writeUInt16BE(code, 0);
        h.writeUInt16BE(value.length, 2);
      }
      opts.push(h, value, Buffer.alloc((4 - (value.length & 3)) & 3));
    };
    if (iface.name !== undefined) opt(2, Buffer.from(iface.name, 'utf8'));
    if (iface.tsresol !== undefined) opt(9, Buffer.from([iface.tsresol]));
    if (iface.tsoffset !== undefined) {
      const v = Buffer.alloc(8);
      if (le) v.writeBigInt64LE(BigInt(iface.tsoffset));
      else v.writeBigInt64BE(BigInt(iface.tsoffset));
      opt(14, v);
    }
    if (opts.length > 0) opts.push(Buffer.alloc(4)); // opt_endofopt
    const body = Buffer.alloc(8);
    if (le) {
      body.writeUInt16LE(iface.linkType, 0);
      body.writeUInt32LE(iface.snaplen ?? 262144, 4);
    } else {
      body.writeUInt16BE(iface.linkType, 0);
      body.writeUInt32BE(iface.snaplen ?? 262144, 4);
    }
    this.block(PCAPNG_IDB, Buffer.concat([body, ...opts]));
    const r = iface.tsresol ?? 6;
    const units = (r & 0x80) !== 0 ? 2n ** BigInt(r & 0x7f) : 10n ** BigInt(r);
    this.ifaces.push({ units, offsetNs: BigInt(iface.tsoffset ?? 0) * 1_000_000_000n });
    return this.ifaces.length - 1;
  }

  /** Timestamp in the interface's ticks (floor), from epoch nanoseconds. */
  ticks(iface: number, tsNs: bigint): bigint {
    const st = this.ifaces[iface];
    if (st === undefined) throw new Error(`no interface ${iface} in this section`);
    const rel = (tsNs - st.offsetNs) * st.units;
    const q = rel / 1_000_000_000n;
    return rel < 0n && q * 1_000_000_000n !== rel ? q - 1n : q;
  }

  /** Enhanced packet block. */
  epb(iface: number, data: Buffer, origLen: number, tsNs: bigint, capLen: number = data.length): void {
    this.packetBlock(PCAPNG_EPB, iface, data, 0, capLen, origLen, this.ticks(iface, tsNs));
  }

  /** Obsolete packet block (16-bit interface id, drops count 0). */
  opb(iface: number, data: Buffer, origLen: number, tsNs: bigint, capLen: number = data.length): void {
    this.packetBlock(PCAPNG_OPB, iface, data, 0, capLen, origLen, this.ticks(iface, tsNs));
  }

  /** Fast path: EPB from a slice of a template buffer with a precomputed tick count (an integer below 2^53). */
  epbTicks(iface: number, data: Buffer, off: number, capLen: number, origLen: number, ticks: number): void {
    this.packetBlock(PCAPNG_EPB, iface, data, off, capLen, origLen, ticks);
  }

  /** Simple packet block: original length plus capLen bytes of data. */
  spb(data: Buffer, origLen: number, capLen: number = data.length): void {
    const o = this.out;
    const le = this.le;
    const padded = (capLen + 3) & ~3;
    const total = 16 + padded;
    o.ensure(total);
    u32(o, PCAPNG_SPB, le);
    u32(o, total, le);
    u32(o, origLen, le);
    data.copy(o.buf, o.pos, 0, capLen);
    o.buf.fill(0, o.pos + capLen, o.pos + padded);
    o.pos += padded;
    u32(o, total, le);
    this.packets++;
    o.maybeFlush();
  }

  /** Any block (NRB, ISB, DSB, custom, unknown types): body is padded to 4 bytes. */
  block(type: number, body: Buffer): void {
    const o = this.out;
    const le = this.le;
    const padded = (body.length + 3) & ~3;
    const total = 12 + padded;
    o.ensure(total);
    u32(o, type, le);
    u32(o, total, le);
    body.copy(o.buf, o.pos);
    o.buf.fill(0, o.pos + body.length, o.pos + padded);
    o.pos += padded;
    u32(o, total, le);
    o.maybeFlush();
  }

  get bytes(): number {
    return this.out.bytesWritten;
  }

  close(): void {
    this.out.close();
  }

  toBuffer(): Buffer {
    return this.out.toBuffer();
  }

  private packetBlock(
    type: number,
    iface: number,
    data: Buffer,
    off: number,
    capLen: number,
    origLen: number,
    ticks: bigint | number,
  ): void {
    const o = this.out;
    const le = this.le;
    const padded = (capLen + 3) & ~3;
    const total = 32 + padded;
    o.ensure(total);
    let high: number;
    let low: number;
    if (typeof ticks === 'bigint') {
      high = Number((ticks >> 32n) & 0xffffffffn);
      low = Number(ticks & 0xffffffffn);
    } else {
      high = Math.floor(ticks / 4294967296);
      low = ticks - high * 4294967296;
    }
    u32(o, type, le);
    u32(o, total, le);
    if (type === PCAPNG_OPB) {
      u16(o, iface, le);
      u16(o, 0, le);
    } else {
      u32(o, iface, le);
    }
    u32(o, high, le);
    u32(o, low, le);
    u32(o, capLen, le);
    u32(o, origLen, le);
    data.copy(o.buf, o.pos, off, off + capLen);
    o.buf.fill(0, o.pos + capLen, o.pos + padded);
    o.pos += padded;
    u32(o, total, le);
    this.packets++;
    o.maybeFlush();
  }
}
