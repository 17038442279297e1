/**
 * `wiretop -r FILE`: streams a pcap or pcapng file through the matching
 * parser with bounded memory — one working buffer of chunkSize bytes, grown
 * only for a record that is larger than that and that the file really holds.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { FrameSink, PacketSource, SourceStats } from './packet-source.js';
import { UserError, type WarningSink } from '../util/user-error.js';
import { PcapParser, looksLikePcapPrefix, type CaptureParser } from './pcap-reader.js';
import { PcapngParser, looksLikePcapngPrefix } from './pcapng-reader.js';

export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;
/** prescan() reads in smaller chunks: it stops early and should not read far past where it does. */
const PRESCAN_CHUNK_SIZE = 1024 * 1024;
/** Room in front of each read for the tail of the previous chunk (a record cut by the boundary). */
const READ_HEAD = 256 * 1024;
const NOT_A_CAPTURE = 'not a pcap or pcapng file';

export interface FileSourceOptions {
  onWarning?: WarningSink;
  /** Bytes read per chunk (tests use tiny values to cross chunk boundaries). */
  chunkSize?: number;
}

/** Where the bytes come from: a file, or memory in tests. */
export interface ChunkReader {
  /** Reads up to length bytes into buf at offset; 0 at the end. */
  read(buf: Buffer, offset: number, length: number): Promise<number>;
  /** Total size when known (regular files), else Infinity. */
  readonly size: number;
}

/** Streaming state shared with stop(): the parser once the format is known, and the stop flag. */
export class CaptureStream {
  parser: CaptureParser | null = null;
  stopped = false;

  constructor(
    /** Name used in messages (the path). */
    readonly name: string,
    private readonly chunkSize: number = DEFAULT_CHUNK_SIZE,
    private readonly onWarning?: WarningSink,
  ) {}

  get frames(): number {
    return this.parser?.frames ?? 0;
  }

  stop(): void {
    this.stopped = true;
    this.parser?.halt();
  }

  /**
   * Delivers every complete record into sink. Rejects with UserError for a
   * file that is not a capture or is corrupt; a file cut off mid-record
   * resolves after one warning.
   *
   * Read-ahead: two buffers; the next chunk is read into one while the other
   * is parsed. Each buffer keeps `head` bytes in front of where reads land,
   * so the unparsed tail of a chunk (a record cut by the chunk boundary) is
   * copied in front of the next chunk's bytes. A record longer than the head
   * grows both buffers for as long as it takes (bounded by the records the
   * file really holds, as before).
   */
  async run(reader: ChunkReader, sink: FrameSink): Promise<void> {
    const chunkSize = Math.max(1, Math.floor(this.chunkSize));
    const baseHead = Math.min(READ_HEAD, chunkSize);
    /** head room of buffers allocated from now on; each buffer's own is its length - chunkSize */
    let head = baseHead;
    const bufs = [Buffer.allocUnsafeSlow(head + chunkSize), Buffer.allocUnsafeSlow(head + chunkSize)];
    let readErr: unknown = null;
    const issue = (buf: Buffer): Promise<number> =>
      reader.read(buf, buf.length - chunkSize, chunkSize).then(
        (n) => n,
        (err: unknown) => {
          readErr = err;
          return -1;
        },
      );
    // The unparsed tail of the previous chunk: prev[tailStart, tailEnd).
    let prev: Buffer | null = null;
    let tailStart = 0;
    let tailEnd = 0;
    let cur = 0; // the buffer the in-flight read fills
    let consumed = 0; // bytes of completed reads
    let parser: CaptureParser | null = null;
    let inflight: Promise<number> | null = issue(bufs[0]!);
    try {
      for (;;) {
        const n: number = await inflight!;
        inflight = null;
        if (n < 0) throw readErr;
        const eof = n === 0;
        consumed += n;
        let buf = bufs[cur]!;
        let at = buf.length - chunkSize; // where this read landed
        const left = tailEnd - tailStart;
        if (left > at) {
          // The tail does not fit in front (a record longer than the head room): a bigger buffer.
          head = Math.max(left, parser?.need ?? 0);
          const bigger = Buffer.allocUnsafeSlow(head + chunkSize);
          buf.copy(bigger, head, at, at + n);
          bufs[cur] = buf = bigger;
          at = head;
        }
        const start = at - left;
        if (left > 0) prev!.copy(buf, start, tailStart, tailEnd);
        const end = at + n;
        // Read the next chunk into the other buffer while this one is parsed.
        if (!eof) {
          cur ^= 1;
          if (bufs[cur]!.length !== head + chunkSize) bufs[cur] = Buffer.allocUnsafeSlow(head + chunkSize);
          inflight = issue(bufs[cur]!);
        }
        if (parser === null) {
          if (end === start && eof) throw new UserError(`empty file, not a pcap or pcapng file: ${this.name}`);
          if (end - start >= 4 || eof) {
            parser = this.detect(buf, start, end);
            this.parser = parser;
            if (this.stopped) parser.halt();
          }
        }
        let pos = start;
        if (parser !== null) {
          try {
            pos = parser.parse(buf, start, end, sink);
          } catch (err) {
            if (err instanceof UserError) {
              // Same wording as detect() when the magic matched but the header does not hold up.
              const msg = err.message === NOT_A_CAPTURE ? `${NOT_A_CAPTURE}: ${this.name}` : `${this.name}: ${err.message}`;
              throw new UserError(msg, err.hint);
            }
            throw err;
          }
        }
        if (this.stopped) return;
        const rest = end - pos;
        if (eof) {
          if (rest > 0 && parser !== null) this.warnCut(parser);
          return;
        }
        if (parser !== null && rest > 0 && parser.need > rest && rest + (reader.size - consumed) < parser.need) {
          // The file ends before this record does: report the cut without allocating for it.
          this.warnCut(parser);
          return;
        }
        prev = buf;
        tailStart = pos;
        tailEnd = end;
        // Back to the normal head room once an oversized record has gone through.
        if (rest <= baseHead) head = baseHead;
        // Let signals, timers and stop() in between chunks.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.stopped) return;
      }
    } finally {
      // Never leave a read running into a buffer (or a file handle) the caller is about to drop.
      if (inflight !== null) await inflight;
    }
  }

  private detect(buf: Buffer, start: number, end: number): CaptureParser {
    if (looksLikePcapngPrefix(buf, start, end)) return new PcapngParser();
    if (looksLikePcapPrefix(buf, start, end)) return new PcapParser();
    throw new UserError(`${NOT_A_CAPTURE}: ${this.name}`);
  }

  private warnCut(parser: CaptureParser): void {
    const what = parser.headerDone ? 'last record incomplete' : 'file header incomplete';
    this.onWarning?.(`${this.name}: cut off after ${parser.frames} packets (${what})`);
  }
}

/** Reads a capture held in memory (tests, fuzzing) through the same streaming path as files. */
export function bufferReader(bytes: Uint8Array): ChunkReader {
  let pos = 0;
  return {
    size: bytes.length,
    read(buf: Buffer, offset: number, length: number): Promise<number> {
      const n = Math.min(length, bytes.length - pos);
      buf.set(bytes.subarray(pos, pos + n), offset);
      pos += n;
      return Promise.resolve(n);
    },
  };
}

export class FileSource implements PacketSource {
  readonly name: string;
  readonly recordedTime = true;
  private readonly path: string;
  private readonly stream: CaptureStream;
  private readonly chunkSize: number;
  private running = false;
  /** the separate read of prescan() while it runs */
  private scan: CaptureStream | null = null;
  private stopped = false;

  constructor(path: string, opts: FileSourceOptions = {}) {
    this.path = path;
    this.name = path;
    this.chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.stream = new CaptureStream(path, this.chunkSize, opts.onWarning);
  }

  stats(): SourceStats {
    return { frames: this.stream.frames, dropped: null };
  }

  stop(): void {
    this.stopped = true;
    this.stream.stop();
    this.scan?.stop();
  }

  async run(sink: FrameSink): Promise<void> {
    if (this.running) throw new Error('FileSource.run() called twice');
    this.running = true;
    const { fh, size } = await this.openFile();
    try {
      await this.stream.run(this.reader(fh, size), sink);
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  /**
   * A regular file is read twice: this first read stops as soon as `enough()`
   * (it reads ahead at most one small chunk). Its warnings are left to run(),
   * which reads the same bytes again; its errors are the ones run() would give.
   */
  async prescan(sink: FrameSink, enough: () => boolean): Promise<boolean> {
    // Decided by stat, not by opening: opening a named pipe and closing it again would cut off its writer.
    if (!(await stat(this.path).then((st) => st.isFile(), () => false))) return false;
    const { fh, size } = await this.openFile();
    try {
      const scan = new CaptureStream(this.path, Math.min(PRESCAN_CHUNK_SIZE, this.chunkSize));
      this.scan = scan;
      if (!this.stopped && !enough()) {
        await scan.run(this.reader(fh, size), {
          frame(buf, offset, capLen, origLen, tsMs, linkType) {
            sink.frame(buf, offset, capLen, origLen, tsMs, linkType);
            if (enough()) scan.stop();
          },
        });
      }
      return true;
    } finally {
      this.scan = null;
      await fh.close().catch(() => undefined);
    }
  }

  private reader(fh: FileHandle, size: number): ChunkReader {
    return {
      size,
      read: async (buf, offset, length) => {
        try {
          return (await fh.read(buf, offset, length, null)).bytesRead;
        } catch (err) {
          throw this.fsError(err);
        }
      },
    };
  }

  private async openFile(): Promise<{ fh: FileHandle; size: number }> {
    let fh: FileHandle;
    try {
      fh = await open(this.path, 'r');
    } catch (err) {
      throw this.fsError(err);
    }
    try {
      const st = await fh.stat();
      if (st.isDirectory()) throw new UserError(`is a directory, not a capture file: ${this.path}`);
      if (st.isFile() && st.size === 0) throw new UserError(`empty file, not a pcap or pcapng file: ${this.path}`);
      return { fh, size: st.isFile() ? st.size : Infinity };
    } catch (err) {
      await fh.close().catch(() => undefined);
      throw err instanceof UserError ? err : this.fsError(err);
    }
  }

  private fsError(err: unknown): Error {
    const code = (err as NodeJS.ErrnoException | null)?.code;
    const p = this.path;
    switch (code) {
      case 'ENOENT':
        return new UserError(`no such file: ${p}`);
      case 'EACCES':
      case 'EPERM':
        return new UserError(`permission denied: ${p}`);
      case 'EISDIR':
        return new UserError(`is a directory, not a capture file: ${p}`);
      case 'ENOTDIR':
        return new UserError(`no such file (a path component is not a directory): ${p}`);
      case 'ELOOP':
        return new UserError(`too many symbolic links: ${p}`);
      case 'EIO':
        return new UserError(`I/O error reading ${p}`);
      default: {
        const first = err instanceof Error ? err.message.split('\n')[0] : undefined;
        return new UserError(`cannot read ${p}: ${first ?? code ?? 'unknown error'}`);
      }
    }
  }
}
