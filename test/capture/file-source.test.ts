import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSource } from '../../src/capture/file-source.js';
import type { FrameSink } from '../../src/capture/packet-source.js';
import { PcapWriter } from '../../src/capture/pcap-writer.js';
import { UserError } from '../../src/util/user-error.js';
import { CollectSink, FIXTURES, readBytes, readFile } from './collect.js';

const dir = mkdtempSync(join(tmpdir(), 'wiretop-file-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Independent scan of a fixture: end offset of the header and of every block/record, and which carry packets. */
function layout(bytes: Buffer): { headerEnd: number; units: Array<{ end: number; origLen: number | null }> } {
  const units: Array<{ end: number; origLen: number | null }> = [];
  if (bytes.readUInt32BE(0) === 0x0a0d0d0a) {
    let p = 0;
    let le = true;
    let headerEnd = 0;
    while (p < bytes.length) {
      const type = bytes.readUInt32LE(p);
      if (type === 0x0a0d0d0a) le = bytes.readUInt32LE(p + 8) === 0x1a2b3c4d;
      const u32 = (o: number): number => (le ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
      const len = u32(p + 4);
      const t = u32(p);
      const origLen = t === 6 || t === 2 ? u32(p + 24) : t === 3 ? u32(p + 8) : null;
      if (headerEnd === 0) headerEnd = p + len;
      else units.push({ end: p + len, origLen });
      p += len;
    }
    return { headerEnd, units };
  }
  const le = bytes.readUInt32LE(0) === 0xa1b2c3d4 || bytes.readUInt32LE(0) === 0xa1b23c4d;
  const u32 = (o: number): number => (le ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
  let p = 24;
  while (p < bytes.length) {
    const cap = u32(p + 8);
    units.push({ end: p + 16 + cap, origLen: u32(p + 12) });
    p += 16 + cap;
  }
  return { headerEnd: 24, units };
}

describe('FileSource: truncated files', () => {
  for (const name of ['eth-us.pcap', 'eth-be.pcap', 'eth-ns.pcapng', 'writer-mixed.pcapng']) {
    it(`${name} cut at every byte: complete records only, one warning unless cut on a boundary`, async () => {
      const bytes = readFileSync(FIXTURES + name);
      const { headerEnd, units } = layout(bytes);
      expect(units.at(-1)!.end).toBe(bytes.length);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const chunk = [1, 5, 64, 4096][cut % 4]!;
        const { recs, warnings, error } = await readBytes(bytes.subarray(0, cut), chunk, false);
        if (cut === 0) {
          expect(error).toBeInstanceOf(UserError);
          continue;
        }
        expect(error, `cut ${cut}`).toBeNull();
        const done = units.filter((u) => u.end <= cut);
        const packets = done.filter((u) => u.origLen !== null);
        expect(recs.length, `cut ${cut}`).toBe(packets.length);
        expect(recs.reduce((s, r) => s + r.origLen, 0)).toBe(packets.reduce((s, u) => s + u.origLen!, 0));
        const onBoundary = cut === headerEnd || units.some((u) => u.end === cut);
        if (onBoundary) {
          expect(warnings, `cut ${cut}`).toEqual([]);
        } else {
          expect(warnings.length, `cut ${cut}`).toBe(1);
          const what = cut < headerEnd ? 'file header incomplete' : 'last record incomplete';
          expect(warnings[0]).toBe(`mem.pcap: cut off after ${packets.length} packets (${what})`);
        }
      }
    });
  }

  it('a real truncated file on disk: every complete record, then one warning, resolves', async () => {
    const bytes = readFileSync(`${FIXTURES}eth-us.pcap`);
    const path = join(dir, 'cut.pcap');
    writeFileSync(path, bytes.subarray(0, bytes.length - 10));
    const { recs, warnings, error } = await readFile(path, { chunkSize: 100 });
    expect(error).toBeNull();
    expect(recs.length).toBe(31);
    expect(warnings).toEqual([`${path}: cut off after 31 packets (last record incomplete)`]);
  });

  it('a huge declared record in a short file is reported as cut, without allocating for it', async () => {
    const w = new PcapWriter(null);
    w.recordNs(Buffer.alloc(10), 10, 0n);
    const bytes = Buffer.concat([w.toBuffer(), Buffer.alloc(16 + 100)]);
    bytes.writeUInt32LE(60_000_000, bytes.length - 100 - 8);
    const path = join(dir, 'huge.pcap');
    writeFileSync(path, bytes);
    const { recs, warnings, error } = await readFile(path, { chunkSize: 64 });
    expect(error).toBeNull();
    expect(recs.length).toBe(1);
    expect(warnings).toEqual([`${path}: cut off after 1 packets (last record incomplete)`]);
  });
});

describe('FileSource: errors are one-line UserErrors naming the file', () => {
  const expectUserError = async (path: string, re: RegExp): Promise<void> => {
    const { error } = await readFile(path);
    expect(error).toBeInstanceOf(UserError);
    const msg = (error as Error).message;
    expect(msg).toMatch(re);
    expect(msg).toContain(path);
    expect(msg).not.toContain('\n');
  };

  it('missing file', async () => {
    await expectUserError(join(dir, 'nope.pcap'), /^no such file: /);
  });

  it('directory', async () => {
    const d = join(dir, 'adir');
    mkdirSync(d, { recursive: true });
    await expectUserError(d, /^is a directory, not a capture file: /);
  });

  it('empty file', async () => {
    const p = join(dir, 'empty.pcap');
    writeFileSync(p, '');
    await expectUserError(p, /^empty file, not a pcap or pcapng file: /);
  });

  it('random bytes and text', async () => {
    const p = join(dir, 'random.bin');
    writeFileSync(p, Buffer.from('this is not a capture file at all\n'));
    await expectUserError(p, /^not a pcap or pcapng file: /);
    writeFileSync(p, Buffer.from([0x00])); // one byte that starts no known magic
    await expectUserError(p, /^not a pcap or pcapng file: /);
    const shb = Buffer.alloc(28); // pcapng block type, but no byte-order magic
    shb.writeUInt32BE(0x0a0d0d0a, 0);
    writeFileSync(p, shb);
    await expectUserError(p, /^not a pcap or pcapng file: /);
  });

  it('unsupported version names the file', async () => {
    const p = join(dir, 'v3.pcap');
    writeFileSync(p, new PcapWriter(null, { versionMajor: 3 }).toBuffer());
    await expectUserError(p, /: unsupported pcap version 3\.4$/);
  });

  it('unreadable file (EACCES)', async (ctx) => {
    if (typeof process.geteuid !== 'function') return ctx.skip('no uids on this platform');
    const p = join(dir, 'secret.pcap');
    writeFileSync(p, readFileSync(`${FIXTURES}eth-us.pcap`));
    chmodSync(p, 0o000);
    const root = process.geteuid() === 0;
    // root reads anything: drop the effective uid for this one open (libuv's pool threads follow setxid).
    if (root) {
      chmodSync(dir, 0o755);
      process.seteuid!(65534);
    }
    try {
      await expectUserError(p, /^permission denied: /);
    } finally {
      if (root) process.seteuid!(0);
    }
  });
});

describe('FileSource: running', () => {
  it('is a PacketSource with recorded time, name = path, stats = frames delivered', async () => {
    const path = `${FIXTURES}eth-us.pcap`;
    const src = new FileSource(path);
    expect(src.name).toBe(path);
    expect(src.recordedTime).toBe(true);
    expect(src.stats()).toEqual({ frames: 0, dropped: null });
    await src.run(new CollectSink());
    expect(src.stats()).toEqual({ frames: 32, dropped: null });
  });

  it('stop() from inside the sink ends at that record; run() resolves', async () => {
    const src = new FileSource(`${FIXTURES}multi.pcapng`);
    let n = 0;
    const sink: FrameSink = {
      frame() {
        if (++n === 5) src.stop();
      },
    };
    await src.run(sink);
    expect(n).toBe(5);
    expect(src.stats().frames).toBe(5);
  });

  it('stop() before run() delivers nothing', async () => {
    const src = new FileSource(`${FIXTURES}eth-us.pcap`);
    src.stop();
    const sink = new CollectSink();
    await src.run(sink);
    expect(sink.recs.length).toBe(0);
  });

  it('yields to the event loop between chunks (timers run, stop() from outside works)', async () => {
    const path = join(dir, 'many.pcap');
    const w = new PcapWriter(path);
    const f = Buffer.alloc(1000, 1);
    for (let i = 0; i < 20_000; i++) w.record(f, 0, 1000, 1000, i, 0);
    w.close();
    const src = new FileSource(path, { chunkSize: 64 * 1024 });
    let frames = 0;
    let ticks = 0;
    const timer = setInterval(() => {
      ticks++;
      if (frames > 0) src.stop();
    }, 0);
    await src.run({
      frame() {
        frames++;
      },
    });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
    expect(frames).toBeGreaterThan(0);
    expect(frames).toBeLessThan(20_000);
  });

  it('streams a file much larger than its chunk with bounded buffers, sum of original lengths exact', async () => {
    const path = join(dir, 'stream.pcap');
    const w = new PcapWriter(path, { nano: true });
    const f = Buffer.alloc(1514, 2);
    let want = 0;
    for (let i = 0; i < 5000; i++) {
      const len = 60 + ((i * 37) % 1455);
      w.record(f, 0, Math.min(len, 128), len, 1_795_000_000 + i, i);
      want += len;
    }
    w.close();
    let got = 0;
    let frames = 0;
    await new FileSource(path, { chunkSize: 1000 }).run({
      frame(_b, _o, _c, origLen) {
        got += origLen;
        frames++;
      },
    });
    expect(frames).toBe(5000);
    expect(got).toBe(want);
  });
});

describe('FileSource: prescan (a second read of the start, for the -r local-address guess)', () => {
  function numbered(name: string, count: number): string {
    const path = join(dir, name);
    const w = new PcapWriter(path);
    const f = Buffer.alloc(600);
    for (let i = 0; i < count; i++) {
      f.writeUInt32BE(i, 0);
      w.record(f, 0, 600, 600, 1_795_000_000_000 + i, 1);
    }
    w.close();
    return path;
  }
  const firstWord = (sink: CollectSink): number[] => sink.recs.map((r) => r.data.readUInt32BE(0));

  it('delivers the first frames in order and stops as soon as it has enough; run() then delivers every frame from the start', async () => {
    const path = numbered('prescan.pcap', 10_000);
    const src = new FileSource(path, { chunkSize: 64 * 1024 });
    const scanned = new CollectSink();
    expect(await src.prescan(scanned, () => scanned.recs.length >= 1234)).toBe(true);
    expect(firstWord(scanned)).toEqual([...Array(1234).keys()]);
    const all = new CollectSink();
    await src.run(all);
    expect(firstWord(all)).toEqual([...Array(10_000).keys()]);
    expect(src.stats().frames).toBe(10_000);
  });

  it('reads a file that ends before it has enough to its end, without a warning for run() to repeat', async () => {
    const path = numbered('short.pcap', 50);
    const warnings: string[] = [];
    const src = new FileSource(path, { onWarning: (w) => warnings.push(w) });
    const scanned = new CollectSink();
    expect(await src.prescan(scanned, () => false)).toBe(true);
    expect(scanned.recs.length).toBe(50);
    expect(warnings).toEqual([]);
  });

  it('gives the same one-line error as run() for a file that is not a capture', async () => {
    const path = join(dir, 'text.txt');
    writeFileSync(path, 'hello, this is text and not a capture\n');
    await expect(new FileSource(path).prescan(new CollectSink(), () => false)).rejects.toThrow(new UserError(`not a pcap or pcapng file: ${path}`));
  });

  it('declines a named pipe without opening it (which would cut its writer off), and run() still reads all of it', async () => {
    const source = numbered('piped.pcap', 300);
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `cat ${source} > ${fifo}`]);
    const exited = new Promise<number | null>((resolve) => writer.on('exit', resolve));
    const src = new FileSource(fifo);
    const scanned = new CollectSink();
    expect(await src.prescan(scanned, () => false)).toBe(false);
    expect(scanned.recs.length).toBe(0);
    const all = new CollectSink();
    await src.run(all);
    expect(await exited).toBe(0);
    expect(firstWord(all)).toEqual([...Array(300).keys()]);
  });
});
