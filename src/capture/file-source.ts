/**
 * `wiretop -r FILE`: streams a pcap or pcapng file through the matching
 * parser with bounded memory — one working buffer of chunkSize bytes, grown
 * only for a record that is larger than that and that the file really holds.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { FrameSink, PacketSource, SourceStats } from './packet-source.js';
import { UserError, type WarningSink } from '../util/user-error.js';
import { PcapParser, looksLikePcapPrefix, type CaptureParser } from './pcap-reader.js';
import { PcapngParser, looksLikePcapngPrefix } from './pcapng-reader.js';

export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;

export interface FileSourceOptions {
  onWarning?: WarningSink;
  /** Bytes read per chunk (tests use tiny values to cross chunk boundaries). */
  chunkSize?: number;
}

export class FileSource implements PacketSource {
  readonly name: string;
  readonly recordedTime = true;
  private readonly path: string;
  private readonly onWarning: WarningSink | undefined;
  private readonly chunkSize: number;
  private parser: CaptureParser | null = null;
  private stopped = false;
  private running = false;

  constructor(path: string, opts: FileSourceOptions = {}) {
    this.path = path;
    this.name = path;
    this.onWarning = opts.onWarning;
    this.chunkSize = Math.max(1, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK_SIZE));
  }

  stats(): SourceStats {
    return { frames: this.parser?.frames ?? 0, dropped: null };
  }

  stop(): void {
    this.stopped = true;
    this.parser?.halt();
  }

  async run(sink: FrameSink): Promise<void> {
    if (this.running) throw new Error('FileSource.run() called twice');
    this.running = true;
    const fh = await this.openFile();
    try {
      await this.stream(fh, sink);
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  private async openFile(): Promise<FileHandle> {
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
      this.fileSize = st.isFile() ? st.size : Infinity;
    } catch (err) {
      await fh.close().catch(() => undefined);
      throw err instanceof UserError ? err : this.fsError(err);
    }
    return fh;
  }

  private fileSize = Infinity;

  private async stream(fh: FileHandle, sink: FrameSink): Promise<void> {
    let buf = Buffer.allocUnsafeSlow(this.chunkSize);
    let end = 0; // valid bytes in buf
    let fileRead = 0; // bytes of the file read so far
    let eof = false;
    let parser: CaptureParser | null = null;

    for (;;) {
      // Fill the rest of the buffer (one read; short reads are fine).
      if (!eof && end < buf.length) {
        const n = await this.read(fh, buf, end, buf.length - end);
        if (n === 0) eof = true;
        end += n;
        fileRead += n;
      }
      if (parser === null) {
        if (end === 0) throw new UserError(`empty file, not a pcap or pcapng file: ${this.path}`);
        if (end < 4 && !eof) continue;
        parser = this.detect(buf, end);
        this.parser = parser;
        if (this.stopped) parser.halt();
      }
      let pos: number;
      try {
        pos = parser.parse(buf, 0, end, sink);
      } catch (err) {
        if (err instanceof UserError) throw new UserError(`${this.path}: ${err.message}`, err.hint);
        throw err;
      }
      if (this.stopped) return;
      const left = end - pos;
      if (eof) {
        if (left > 0) this.warnCut(parser);
        return;
      }
      // Keep the incomplete tail; make room for the next unit if it is bigger than the buffer.
      const need = parser.need;
      if (need > buf.length) {
        if (left + (this.fileSize - fileRead) < need) {
          // The file ends before this record does: report the cut without allocating for it.
          this.warnCut(parser);
          return;
        }
        const bigger = Buffer.allocUnsafeSlow(Math.max(need, this.chunkSize));
        buf.copy(bigger, 0, pos, end);
        buf = bigger;
      } else if (left > 0 && pos > 0) {
        buf.copyWithin(0, pos, end);
      } else if (pos > 0 && buf.length > this.chunkSize) {
        // Drop back to the normal size once an oversized record has gone through.
        buf = Buffer.allocUnsafeSlow(this.chunkSize);
      }
      end = left;
      // Let signals, timers and stop() in between chunks.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.stopped) return;
    }
  }

  private detect(buf: Buffer, end: number): CaptureParser {
    if (looksLikePcapngPrefix(buf, 0, end)) return new PcapngParser();
    if (looksLikePcapPrefix(buf, 0, end)) return new PcapParser();
    throw new UserError(`not a pcap or pcapng file: ${this.path}`);
  }

  private warnCut(parser: CaptureParser): void {
    const what = parser.headerDone ? 'last record incomplete' : 'file header incomplete';
    this.onWarning?.(`${this.path}: cut off after ${parser.frames} packets (${what})`);
  }

  private async read(fh: FileHandle, buf: Buffer, offset: number, length: number): Promise<number> {
    try {
      const { bytesRead } = await fh.read(buf, offset, length, null);
      return bytesRead;
    } catch (err) {
      throw this.fsError(err);
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
        const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
        return new UserError(`cannot read ${p}: ${msg ?? code ?? 'unknown error'}`);
      }
    }
  }
}
