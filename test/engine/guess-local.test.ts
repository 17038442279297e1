import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arpFrame, ipv4, udpFrame } from '../../src/capture/demo/frame-builder.js';
import { FileSource } from '../../src/capture/file-source.js';
import type { FrameSink } from '../../src/capture/packet-source.js';
import { PcapWriter } from '../../src/capture/pcap-writer.js';
import { LocalAddresses } from '../../src/core/local-addresses.js';
import { Engine } from '../../src/engine/engine.js';
import { LocalGuess } from '../../src/engine/guess-local.js';
import { runEngine } from '../../src/engine/run-engine.js';
import { formatAddress } from '../../src/util/address.js';

const dir = mkdtempSync(join(tmpdir(), 'wiretop-guess-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a pcap of UDP datagrams (src, dst) and returns its path. */
function capture(name: string, pairs: [string, string][], arps = 0): string {
  const path = join(dir, name);
  const w = new PcapWriter(path);
  const buf = Buffer.alloc(256);
  let i = 0;
  for (let a = 0; a < arps; a++) {
    const n = arpFrame(buf, ipv4('198.18.0.1'), ipv4('198.18.0.2'));
    w.record(buf, 0, n, n, 1_795_000_000, i++);
  }
  for (const [src, dst] of pairs) {
    const n = udpFrame(buf, { src: ipv4(src), dst: ipv4(dst), sport: 5000, dport: 53 }, 20, false);
    w.record(buf, 0, n, n, 1_795_000_000, i++);
  }
  w.close();
  return path;
}

interface Seen {
  guess: string | null | undefined;
  /** frames handed on: bytes (hex), lengths, timestamp, and whether the guess had been made */
  frames: { hex: string; capLen: number; origLen: number; tsMs: number; linkType: number; afterGuess: boolean }[];
}

/** Reads a file through a LocalGuess the way `-r` does; records the guess and every frame handed on. */
async function guessOf(path: string): Promise<Seen> {
  const seen: Seen = { guess: undefined, frames: [] };
  const next: FrameSink = {
    frame(buf, offset, capLen, origLen, tsMs, linkType) {
      seen.frames.push({ hex: buf.toString('hex', offset, offset + capLen), capLen, origLen, tsMs, linkType, afterGuess: seen.guess !== undefined });
    },
  };
  const guess = new LocalGuess(next, (addr) => (seen.guess = addr ? formatAddress(addr) : null));
  await new FileSource(path).run(guess);
  guess.finish();
  return seen;
}

/** The frames of a file as the source delivers them, with nothing in between. */
async function framesOf(path: string): Promise<Omit<Seen['frames'][number], 'afterGuess'>[]> {
  const out: Omit<Seen['frames'][number], 'afterGuess'>[] = [];
  await new FileSource(path).run({
    frame(buf, offset, capLen, origLen, tsMs, linkType) {
      out.push({ hex: buf.toString('hex', offset, offset + capLen), capLen, origLen, tsMs, linkType });
    },
  });
  return out;
}

describe('-r without --net: the local address is the one seen most', () => {
  it('picks the address in most packets, whichever side it is on', async () => {
    const pairs: [string, string][] = [];
    for (let k = 0; k < 30; k++) pairs.push(k % 2 ? ['198.18.0.1', `203.0.113.${k}`] : [`203.0.113.${k}`, '198.18.0.1']);
    pairs.push(['203.0.113.200', '203.0.113.201']);
    expect((await guessOf(capture('one.pcap', pairs))).guess).toBe('198.18.0.1');
  });

  it('breaks a tie by the lowest address (numerically, not as text)', async () => {
    const pairs: [string, string][] = [
      ['10.0.0.10', '203.0.113.1'],
      ['10.0.0.9', '203.0.113.2'],
      ['10.0.0.10', '203.0.113.3'],
      ['10.0.0.9', '203.0.113.4'],
    ];
    expect((await guessOf(capture('tie.pcap', pairs))).guess).toBe('10.0.0.9');
  });

  it('does not take a multicast or broadcast group for the local address', async () => {
    const pairs: [string, string][] = [];
    for (let k = 0; k < 10; k++) pairs.push([`198.18.0.${k + 1}`, '224.0.0.251'], [`198.18.0.${k + 1}`, '255.255.255.255']);
    pairs.push(['198.18.0.5', '203.0.113.9']);
    expect((await guessOf(capture('group.pcap', pairs))).guess).toBe('198.18.0.5');
  });

  it('returns null when no frame carries IP', async () => {
    expect((await guessOf(capture('arp.pcap', [], 5))).guess).toBeNull();
  });

  it('hands every frame on, in order and unchanged, and none before the guess is made', async () => {
    const pairs: [string, string][] = [];
    for (let k = 0; k < 300; k++) pairs.push(k % 3 ? ['198.18.0.7', `203.0.113.${k & 255}`] : [`203.0.113.${k & 255}`, '198.18.0.7']);
    const path = capture('order.pcap', pairs, 3);
    const seen = await guessOf(path);
    expect(seen.guess).toBe('198.18.0.7');
    expect(seen.frames.every((f) => f.afterGuess)).toBe(true);
    expect(seen.frames.map(({ afterGuess: _, ...f }) => f)).toEqual(await framesOf(path));
  });

  it('decides after the first 20 000 frames and passes the rest straight on', async () => {
    // the first 20 000 frames are one host's; after them another host sends far more
    const pairs: [string, string][] = [];
    for (let k = 0; k < 20_000; k++) pairs.push(['198.18.0.1', `203.0.113.${k % 200}`]);
    for (let k = 0; k < 30_000; k++) pairs.push(['198.18.0.2', '203.0.113.250']);
    const path = capture('sample.pcap', pairs);
    const seen = await guessOf(path);
    expect(seen.guess).toBe('198.18.0.1');
    expect(seen.frames.length).toBe(50_000);
    expect(seen.frames.map(({ afterGuess: _, ...f }) => f)).toEqual(await framesOf(path));
  });

  it('a regular file is sampled by a second read of its start: the same guess, and every frame counted once', async () => {
    const pairs: [string, string][] = [];
    for (let k = 0; k < 20_000; k++) pairs.push(['198.18.0.1', `203.0.113.${k % 200}`]);
    for (let k = 0; k < 30_000; k++) pairs.push(['198.18.0.2', '203.0.113.250']);
    const path = capture('sample-run.pcap', pairs);
    const engine = new Engine({ interfaceName: path, filter: null, localLabel: '', local: new LocalAddresses(), resolver: null, onSnapshot: () => undefined });
    const source = new FileSource(path);
    const scans: number[] = [];
    const prescan = source.prescan.bind(source);
    source.prescan = (sink, enough) => {
      let n = 0;
      return prescan({ frame: (...a) => (n++, sink.frame(...a)) }, enough).then((ok) => (scans.push(n), ok));
    };
    await runEngine(source, engine, () => 0, null, true).done;
    expect(scans).toEqual([20_000]);
    expect(engine.opts.localLabel).toBe('guessed 198.18.0.1 (set --net)');
    expect(engine.packets).toBe(50_000);
  });
});
