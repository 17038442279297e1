import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPair, exitOf, ifaceBytes, lines, netnsUnavailable, WIRETOP, type NsPair } from './netns.js';

const why = netnsUnavailable(['iperf3']);

interface Report {
  totals: { rx_bytes: number; tx_bytes: number; transit_bytes: number; packets: number; dropped: number | null };
  hosts: { host: string; rx_bytes: number }[];
}

/**
 * cap keeps only a raw pointer to the Buffer it writes packets into; if that
 * Buffer were collected the capture process would corrupt its heap and abort.
 * Capture under an unpaced UDP flood for ~10 s while every process of
 * wiretop (the capture child inherits the flags) runs a full GC every 20 ms:
 * the capture process must survive and its counts must agree with the kernel's.
 */
describe.skipIf(why !== null)(`capture under a flood with forced GCs${why ? ` (skipped: ${why})` : ''}`, () => {
  let pair: NsPair;
  let dir: string;
  beforeAll(() => {
    pair = createPair('fld', 75);
    dir = mkdtempSync(join(tmpdir(), 'wt-flood-'));
  });
  afterAll(() => {
    pair?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('survives, and counts what the kernel counted', async () => {
    const gcLog = join(dir, 'gc');
    const preload = `data:text/javascript,import{appendFileSync}from'node:fs';let n=0;setInterval(()=>{globalThis.gc();n++},20).unref();process.on('exit',()=>appendFileSync(${JSON.stringify(gcLog)},process.argv[1].split('/').pop()+' '+n+'\\n'))`;
    const server = pair.spawnIn(pair.a, 'iperf3', ['-s', '-1', '-B', pair.addrA]);
    const before = ifaceBytes(pair, pair.a, pair.vethA);
    const wt = pair.spawnIn(pair.a, 'node', ['--expose-gc', '--import', preload, WIRETOP, '-i', pair.vethA, '--json', '--interval', '1', '--duration', '14', '-n', '-N']);
    let stderr = '';
    wt.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const out = lines(wt);
    await out.next((l) => l.startsWith('{'), 10_000); // capture is open
    pair.exec(pair.b, 'iperf3', ['-c', pair.addrA, '-u', '-b', '0', '-l', '64', '-t', '10', '--connect-timeout', '3000'], { timeout: 30_000 });
    const code = await exitOf(wt);
    await exitOf(server);
    const after = ifaceBytes(pair, pair.a, pair.vethA);

    expect(stderr).toBe('');
    expect(code).toBe(0);
    const reports = out.all.map((l) => JSON.parse(l) as Report);
    // No "capture process … restarted" notice: the child never died.
    expect(out.all.some((l) => l.includes('restarted'))).toBe(false);
    const last = reports.at(-1)!;
    const kernelPackets = after.rxPackets - before.rxPackets + (after.txPackets - before.txPackets);
    const kernelBytes = after.rx - before.rx + (after.tx - before.tx);
    expect(kernelPackets).toBeGreaterThan(200_000);
    // Everything captured or counted as dropped, never more than the kernel saw.
    const seenBytes = last.totals.rx_bytes + last.totals.tx_bytes + last.totals.transit_bytes;
    expect(seenBytes).toBeLessThanOrEqual(kernelBytes * 1.02);
    expect(last.totals.dropped).not.toBeNull();
    expect(Math.abs(last.totals.packets + last.totals.dropped! - kernelPackets) / kernelPackets).toBeLessThan(0.02);
    expect(last.totals.packets).toBeGreaterThan(kernelPackets * 0.5);
    expect(last.hosts[0]!.host).toBe(pair.addrB);

    // The forced GCs really ran in the capture process, many times.
    const gcs = readFileSync(gcLog, 'utf8').trim().split('\n').map((l) => l.split(' ') as [string, string]);
    const child = gcs.find(([name]) => name === 'capture-child.js');
    expect(child).toBeDefined();
    expect(Number(child![1])).toBeGreaterThan(200);
  }, 90_000);
});
