import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { arpFrame, ipv4, udpFrame } from '../../src/capture/demo/frame-builder.js';
import { PcapWriter } from '../../src/capture/pcap-writer.js';
import { guessLocalAddress } from '../../src/engine/guess-local.js';

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

describe('-r without --net: the local address is the one seen most', () => {
  it('picks the address in most packets, whichever side it is on', async () => {
    const pairs: [string, string][] = [];
    for (let k = 0; k < 30; k++) pairs.push(k % 2 ? ['198.18.0.1', `203.0.113.${k}`] : [`203.0.113.${k}`, '198.18.0.1']);
    pairs.push(['203.0.113.200', '203.0.113.201']);
    expect(await guessLocalAddress(capture('one.pcap', pairs))).toBe('198.18.0.1');
  });

  it('breaks a tie by the lowest address (numerically, not as text)', async () => {
    const pairs: [string, string][] = [
      ['10.0.0.10', '203.0.113.1'],
      ['10.0.0.9', '203.0.113.2'],
      ['10.0.0.10', '203.0.113.3'],
      ['10.0.0.9', '203.0.113.4'],
    ];
    expect(await guessLocalAddress(capture('tie.pcap', pairs))).toBe('10.0.0.9');
  });

  it('does not take a multicast or broadcast group for the local address', async () => {
    const pairs: [string, string][] = [];
    for (let k = 0; k < 10; k++) pairs.push([`198.18.0.${k + 1}`, '224.0.0.251'], [`198.18.0.${k + 1}`, '255.255.255.255']);
    pairs.push(['198.18.0.5', '203.0.113.9']);
    expect(await guessLocalAddress(capture('group.pcap', pairs))).toBe('198.18.0.5');
  });

  it('returns null when no frame carries IP', async () => {
    expect(await guessLocalAddress(capture('arp.pcap', [], 5))).toBeNull();
  });
});
