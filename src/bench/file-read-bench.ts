/**
 * `-r` throughput: writes a mixed Ethernet/IPv4 TCP+UDP capture (default
 * 1 M packets, 60–1514 byte frames to varied hosts), reads it with
 * FileSource into a no-op sink, and times `tcpdump -r FILE -w /dev/null` on
 * the same file. DESIGN §5: ratio (our packets/s ÷ tcpdump's) ≥ 0.7.
 *
 * Run directly: node dist/bench/file-read-bench.js [--packets N] [--format pcap|pcapng] [--file PATH] [--runs N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileSource } from '../capture/file-source.js';
import type { FrameSink } from '../capture/packet-source.js';
import { PcapWriter, PcapngWriter } from '../capture/pcap-writer.js';

export interface FileReadBenchOptions {
  /** Packets to generate (ignored with file). Default 1 000 000. */
  packets?: number;
  format?: 'pcap' | 'pcapng';
  /** Read this existing file instead of generating one. */
  file?: string;
  /** Timed runs of each reader; the best is reported. Default 3. */
  runs?: number;
  chunkSize?: number;
  /** Skip the tcpdump comparison. */
  noTcpdump?: boolean;
}

export interface FileReadBenchResult {
  packets: number;
  bytes: number;
  seconds: number;
  packetsPerSec: number;
  tcpdumpSeconds: number | null;
  /** Our packets/s divided by tcpdump's (≥ 1: at least as fast). */
  ratio: number | null;
  file: string;
}

/** A sink that only counts, so the reader loop is what gets measured. */
class CountingSink implements FrameSink {
  frames = 0;
  origBytes = 0;
  frame(_buf: Buffer, _offset: number, _capLen: number, origLen: number, _tsMs: number, _linkType: number): void {
    this.frames++;
    this.origBytes += origLen;
  }
}

/** Builds one frame into t (Ethernet + IPv4 + TCP or UDP) and returns its length. */
function buildFrame(t: Buffer, i: number, rnd: () => number): number {
  const r = rnd();
  // Bimodal like real traffic: ACK-sized, full-size, and a spread in between.
  const len = r < 0.4 ? 66 : r < 0.8 ? 1514 : 60 + Math.floor(rnd() * 1455);
  const udp = (i & 7) === 3;
  const l4 = udp ? 8 : 20;
  const ipLen = Math.max(len - 14, 20 + l4);
  // Ethernet
  t.writeUInt32BE(0x02000000, 0);
  t.writeUInt16BE(0x0001, 4);
  t.writeUInt32BE(0x02000000, 6);
  t.writeUInt16BE(0x0002, 10);
  t.writeUInt16BE(0x0800, 12);
  // IPv4
  t[14] = 0x45;
  t[15] = 0;
  t.writeUInt16BE(ipLen, 16);
  t.writeUInt16BE(i & 0xffff, 18);
  t.writeUInt16BE(0x4000, 20);
  t[22] = 64;
  t[23] = udp ? 17 : 6;
  t.writeUInt16BE(0, 24);
  const host = Math.floor(rnd() * 4096);
  const outbound = (i & 1) === 0;
  const local = 0xc6120001; // 198.18.0.1
  const remote = (0xc6130000 | host) >>> 0; // 198.19.x.y
  t.writeUInt32BE(outbound ? local : remote, 26);
  t.writeUInt32BE(outbound ? remote : local, 30);
  // Ports
  const lport = udp ? 53 : 443;
  const rport = 32768 + (host & 0x3fff);
  t.writeUInt16BE(outbound ? lport : rport, 34);
  t.writeUInt16BE(outbound ? rport : lport, 36);
  if (udp) {
    t.writeUInt16BE(ipLen - 20, 38);
    t.writeUInt16BE(0, 40);
  } else {
    t.writeUInt32BE(i >>> 0, 38);
    t.writeUInt32BE(0, 42);
    t[46] = 0x50;
    t[47] = 0x10;
    t.writeUInt32BE(0xffff0000, 48);
  }
  return Math.max(len, 14 + 20 + l4);
}

/** Writes a synthetic capture of n packets at path; returns its size in bytes. */
export function writeBenchCapture(path: string, n: number, format: 'pcap' | 'pcapng' = 'pcap'): number {
  let seed = 0x9e3779b9;
  const rnd = (): number => {
    // xorshift32: deterministic, no allocation.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const frame = Buffer.alloc(1514, 0x5a);
  const startSec = 1_795_000_000;
  let usec = 0;
  if (format === 'pcap') {
    const w = new PcapWriter(path);
    for (let i = 0; i < n; i++) {
      const len = buildFrame(frame, i, rnd);
      usec += 1 + Math.floor(rnd() * 20);
      w.record(frame, 0, len, len, startSec + Math.floor(usec / 1e6), usec % 1e6);
    }
    w.close();
    return w.bytes;
  }
  const w = new PcapngWriter(path);
  w.addInterface({ linkType: 1, tsresol: 6, name: 'eth0' }); // dumpcap's default resolution
  for (let i = 0; i < n; i++) {
    const len = buildFrame(frame, i, rnd);
    usec += 1 + Math.floor(rnd() * 20);
    w.epbTicks(0, frame, 0, len, len, startSec * 1e6 + usec);
  }
  w.close();
  return w.bytes;
}

async function timeOurs(file: string, chunkSize: number | undefined): Promise<{ seconds: number; packets: number }> {
  const sink = new CountingSink();
  const src = new FileSource(file, chunkSize === undefined ? {} : { chunkSize });
  const t0 = process.hrtime.bigint();
  await src.run(sink);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, packets: sink.frames };
}

function timeTcpdump(file: string): number | null {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('tcpdump', ['-r', file, '-w', '/dev/null'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error || r.status !== 0) return null;
  return seconds;
}

export async function benchFileRead(opts: FileReadBenchOptions = {}): Promise<FileReadBenchResult> {
  const runs = Math.max(1, opts.runs ?? 3);
  let dir: string | null = null;
  let file = opts.file;
  if (file === undefined) {
    dir = mkdtempSync(join(tmpdir(), 'wiretop-bench-'));
    const format = opts.format ?? 'pcap';
    file = join(dir, `bench.${format}`);
    writeBenchCapture(file, opts.packets ?? 1_000_000, format);
  }
  try {
    const bytes = statSync(file).size;
    // Warm the page cache and the JIT once before timing either reader.
    await timeOurs(file, opts.chunkSize);
    let best = Infinity;
    let packets = 0;
    let tcpBest = Infinity;
    for (let i = 0; i < runs; i++) {
      const r = await timeOurs(file, opts.chunkSize);
      packets = r.packets;
      best = Math.min(best, r.seconds);
      if (!opts.noTcpdump) {
        const t = timeTcpdump(file);
        if (t !== null) tcpBest = Math.min(tcpBest, t);
      }
    }
    const tcpdumpSeconds = Number.isFinite(tcpBest) ? tcpBest : null;
    return {
      packets,
      bytes,
      seconds: best,
      packetsPerSec: packets / best,
      tcpdumpSeconds,
      ratio: tcpdumpSeconds === null ? null : tcpdumpSeconds / best,
      file: dir === null ? file : '(temporary)',
    };
  } finally {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}

function parseCli(argv: string[]): FileReadBenchOptions {
  const o: FileReadBenchOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--packets' && v !== undefined) (o.packets = Number(v)), i++;
    else if (a === '--format' && (v === 'pcap' || v === 'pcapng')) (o.format = v), i++;
    else if (a === '--file' && v !== undefined) (o.file = v), i++;
    else if (a === '--runs' && v !== undefined) (o.runs = Number(v)), i++;
    else if (a === '--chunk' && v !== undefined) (o.chunkSize = Number(v)), i++;
    else if (a === '--no-tcpdump') o.noTcpdump = true;
  }
  return o;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const r = await benchFileRead(parseCli(process.argv.slice(2)));
  const mpps = (r.packetsPerSec / 1e6).toFixed(2);
  const tcp =
    r.tcpdumpSeconds === null
      ? 'tcpdump: n/a'
      : `tcpdump -r -w /dev/null: ${r.tcpdumpSeconds.toFixed(3)} s (${(r.packets / r.tcpdumpSeconds / 1e6).toFixed(2)} M packets/s), ratio ${r.ratio!.toFixed(2)}`;
  console.log(
    `file read: ${r.packets} packets, ${(r.bytes / 1e6).toFixed(1)} MB in ${r.seconds.toFixed(3)} s (${mpps} M packets/s); ${tcp}`,
  );
}
