import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPair, exitOf, ifaceBytes, lines, netnsUnavailable, WIRETOP, type NsPair } from './netns.js';

const why = netnsUnavailable(['iperf3']);

interface Report {
  interval_s: number;
  totals: { rx_rate: number; tx_rate: number; rx_bytes: number; tx_bytes: number; transit_bytes: number; packets: number; dropped: number | null };
  hosts: { host: string; rx_rate: number; tx_rate: number; rx_bytes: number; tx_bytes: number }[];
}

/**
 * Real paced TCP between two namespaces, wiretop capturing live in one of
 * them: its totals must agree with the kernel's interface counters (within
 * 2 %) and the peer's rate with the pacing (within 10 %).
 */
describe.skipIf(why !== null)(`live capture totals against the kernel's counters${why ? ` (skipped: ${why})` : ''}`, () => {
  let pair: NsPair;
  beforeAll(() => {
    pair = createPair('tot', 41);
  });
  afterAll(() => pair?.cleanup());

  it('JSON totals match /sys statistics and the paced rate', async () => {
    const server = pair.spawnIn(pair.a, 'iperf3', ['-s', '-1', '-B', pair.addrA]);
    const before = ifaceBytes(pair, pair.a, pair.vethA);
    const wt = pair.spawnIn(pair.a, 'node', [WIRETOP, '-i', pair.vethA, '--json', '--interval', '1', '--duration', '10', '-n']);
    let stderr = '';
    wt.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const out = lines(wt);
    await out.next((l) => l.startsWith('{'), 20_000); // capture is open
    const pacedBytesPerSec = 1_000_000; // 8 Mbit/s of TCP payload
    pair.exec(pair.b, 'iperf3', ['-c', pair.addrA, '-b', '8M', '-t', '5', '-l', '1448', '--connect-timeout', '3000'], { timeout: 20_000 });
    const code = await exitOf(wt);
    await exitOf(server);
    const after = ifaceBytes(pair, pair.a, pair.vethA);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const reports = out.all.map((l) => JSON.parse(l) as Report);
    const last = reports.at(-1)!;
    const kernel = after.rx - before.rx + (after.tx - before.tx);
    const seen = last.totals.rx_bytes + last.totals.tx_bytes + last.totals.transit_bytes;
    expect(kernel).toBeGreaterThan(4_000_000);
    expect(Math.abs(seen - kernel) / kernel).toBeLessThan(0.02);
    // nothing is lost at this rate: no interval may count packets still waiting in the ring as dropped
    expect(reports.map((r) => r.totals.dropped)).toEqual(reports.map(() => 0));

    // The peer is the top host; its rate over the steady middle of the transfer matches the pacing.
    const top = last.hosts[0]!;
    expect(top.host).toBe(pair.addrB);
    const steady = reports.filter((r) => (r.hosts.find((h) => h.host === pair.addrB)?.rx_rate ?? 0) > 0).slice(1, -1);
    expect(steady.length).toBeGreaterThanOrEqual(3);
    const wireOverPayload = (1448 + 66) / 1448; // Ethernet + IPv4 + TCP with timestamps
    const avg = steady.reduce((s, r) => s + r.hosts.find((h) => h.host === pair.addrB)!.rx_rate, 0) / steady.length;
    expect(Math.abs(avg - pacedBytesPerSec * wireOverPayload) / (pacedBytesPerSec * wireOverPayload)).toBeLessThan(0.1);
  }, 60_000);

  /**
   * An unpaced TCP stream hands the capture 64 KB GSO/GRO segments. wiretop copies only the
   * first 2 KB of a frame out of the ring and takes the length from the IP header: the
   * bytes must still be the kernel's, to the byte.
   */
  it('bulk TCP: segments larger than the copied headers count in full', async () => {
    const server = pair.spawnIn(pair.a, 'iperf3', ['-s', '-1', '-B', pair.addrA]);
    const wt = pair.spawnIn(pair.a, 'node', [WIRETOP, '-i', pair.vethA, '--json', '--interval', '1', '-n']);
    let stderr = '';
    wt.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const out = lines(wt);
    await out.next((l) => l.startsWith('{'), 20_000); // capture is open
    const before = ifaceBytes(pair, pair.a, pair.vethA);
    const first = JSON.parse(out.all.at(-1)!) as Report;
    pair.exec(pair.b, 'iperf3', ['-c', pair.addrA, '-t', '2', '--connect-timeout', '3000'], { timeout: 20_000 });
    await exitOf(server);
    const after = ifaceBytes(pair, pair.a, pair.vethA);
    const n = out.all.length;
    await out.next(() => out.all.length > n + 1, 5_000); // a report made after the count
    wt.kill('SIGINT');
    expect(await exitOf(wt)).toBe(0);
    expect(stderr).toBe('');
    const last = JSON.parse(out.all.filter((l) => l.startsWith('{')).at(-1)!) as Report;
    const kernelBytes = after.rx - before.rx + (after.tx - before.tx);
    const kernelPackets = after.rxPackets - before.rxPackets + (after.txPackets - before.txPackets);
    // the stream really was in segments far larger than what is copied
    expect(kernelBytes / kernelPackets).toBeGreaterThan(8 * 2048);
    const bytes = (r: Report) => r.totals.rx_bytes + r.totals.tx_bytes + r.totals.transit_bytes;
    expect(bytes(last) - bytes(first)).toBe(kernelBytes);
    expect(last.totals.packets - first.totals.packets).toBe(kernelPackets);
  }, 60_000);
});
