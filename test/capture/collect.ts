import { CaptureStream, FileSource, bufferReader, type FileSourceOptions } from '../../src/capture/file-source.js';
import type { FrameSink } from '../../src/capture/packet-source.js';

export interface Rec {
  capLen: number;
  origLen: number;
  tsMs: number;
  linkType: number;
  /** Copy of the delivered bytes (tests only; the reader itself never copies). */
  data: Buffer;
}

/** Sink that checks every delivery is inside its buffer and keeps a copy. */
export class CollectSink implements FrameSink {
  readonly recs: Rec[] = [];
  constructor(private readonly keepData = true) {}
  frame(buf: Buffer, offset: number, capLen: number, origLen: number, tsMs: number, linkType: number): void {
    if (!Number.isInteger(offset) || !Number.isInteger(capLen) || offset < 0 || capLen < 0 || offset + capLen > buf.length) {
      throw new Error(`frame outside its buffer: offset ${offset} capLen ${capLen} buffer ${buf.length}`);
    }
    if (!Number.isFinite(tsMs)) throw new Error(`non-finite timestamp ${tsMs}`);
    this.recs.push({
      capLen,
      origLen,
      tsMs,
      linkType,
      data: this.keepData ? Buffer.from(buf.subarray(offset, offset + capLen)) : Buffer.alloc(0),
    });
  }
}

export interface ReadResult {
  recs: Rec[];
  warnings: string[];
  error: unknown;
}

export async function readFile(path: string, opts: Omit<FileSourceOptions, 'onWarning'> = {}): Promise<ReadResult> {
  const warnings: string[] = [];
  const sink = new CollectSink();
  const src = new FileSource(path, { ...opts, onWarning: (m) => warnings.push(m) });
  let error: unknown = null;
  try {
    await src.run(sink);
  } catch (err) {
    error = err;
  }
  return { recs: sink.recs, warnings, error };
}

export async function readBytes(bytes: Uint8Array, chunkSize = 4096, keepData = true): Promise<ReadResult> {
  const warnings: string[] = [];
  const sink = new CollectSink(keepData);
  const stream = new CaptureStream('mem.pcap', chunkSize, (m) => warnings.push(m));
  let error: unknown = null;
  try {
    await stream.run(bufferReader(bytes), sink);
  } catch (err) {
    error = err;
  }
  return { recs: sink.recs, warnings, error };
}

/** "sec.frac" (any number of fraction digits) → [seconds, nanoseconds]. */
export function parseTs(ts: string): [number, number] {
  const [s, f = ''] = ts.split('.');
  return [Number(s), Number((f + '000000000').slice(0, 9))];
}

/** Nanoseconds between a delivered tsMs and an exact "sec.frac" string (sub-µs: what a double holds). */
export function tsErrorNs(tsMs: number, ts: string): number {
  const [sec, ns] = parseTs(ts);
  return Math.abs((tsMs - sec * 1000) * 1e6 - ns);
}

export const FIXTURES = new URL('../fixtures/captures/', import.meta.url).pathname;
