import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPair, exitOf, lines, netnsUnavailable, WIRETOP, type NsPair } from './netns.js';

const why = netnsUnavailable(['ping']);

interface Report {
  totals: { rx_rate: number; tx_rate: number; rx_bytes: number; tx_bytes: number; packets: number };
  hosts: { host: string; rx_bytes: number }[];
  notices?: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The capture interface goes down, comes back, is deleted and recreated while
 * wiretop --json runs on it: reports keep coming (zero rates, a notice), and
 * capture resumes with cumulative counters still counting since start.
 */
describe.skipIf(why !== null)(`capture survives its interface going down or away${why ? ` (skipped: ${why})` : ''}`, () => {
  let pair: NsPair;
  beforeAll(() => {
    pair = createPair('out', 86);
  });
  afterAll(() => pair?.cleanup());

  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
  const ping = (count: number) => pair.exec(pair.b, 'ping', ['-c', String(count), '-i', '0.2', '-W', '1', pair.addrA], { timeout: 10_000 });

  it('waits with a notice while down or deleted, then counts again', async () => {
    const wt = pair.spawnIn(pair.a, 'node', [WIRETOP, '-i', pair.vethA, '--json', '--interval', '1', '-n', '-N']);
    let stderr = '';
    wt.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const out = lines(wt);
    const reports = () => out.all.map((l) => JSON.parse(l) as Report);
    const noticed = (re: RegExp) => (l: string) => ((JSON.parse(l) as Report).notices ?? []).some((n) => re.test(n));
    await out.next((l) => l.startsWith('{'), 8000);
    ping(3);
    const before = await out.next((l) => (JSON.parse(l) as Report).totals.packets >= 6, 5000).then((l) => JSON.parse(l) as Report);

    // 1. administratively down, then up again
    ip('-n', pair.a, 'link', 'set', pair.vethA, 'down');
    await out.next(noticed(new RegExp(`${pair.vethA} is down`)), 5000);
    const n = out.all.length;
    await out.next((l) => out.all.indexOf(l) >= n + 1, 4000); // reports keep coming while down
    const down = reports().slice(-1)[0]!;
    expect(down.totals.rx_rate + down.totals.tx_rate).toBe(0);
    expect(down.totals.packets).toBeGreaterThanOrEqual(before.totals.packets);
    ip('-n', pair.a, 'link', 'set', pair.vethA, 'up');
    await out.next(noticed(/capture resumed/), 8000);
    await sleep(300);
    ping(3);
    const afterUp = await out.next((l) => (JSON.parse(l) as Report).totals.packets >= down.totals.packets + 6, 6000).then((l) => JSON.parse(l) as Report);
    expect(afterUp.totals.rx_bytes).toBeGreaterThan(down.totals.rx_bytes); // cumulative carried over, not restarted
    expect(afterUp.hosts.find((h) => h.host === pair.addrB)!.rx_bytes).toBeGreaterThan(before.hosts.find((h) => h.host === pair.addrB)!.rx_bytes);

    // 2. deleted, then recreated
    ip('-n', pair.a, 'link', 'del', pair.vethA); // deletes the peer too
    await out.next(noticed(new RegExp(`${pair.vethA} is gone`)), 5000);
    const gone = reports().slice(-1)[0]!;
    await sleep(1500);
    ip('link', 'add', pair.vethA, 'netns', pair.a, 'type', 'veth', 'peer', 'name', pair.vethB, 'netns', pair.b);
    ip('-n', pair.a, 'addr', 'add', `${pair.addrA}/24`, 'dev', pair.vethA);
    ip('-n', pair.b, 'addr', 'add', `${pair.addrB}/24`, 'dev', pair.vethB);
    ip('-n', pair.b, 'link', 'set', pair.vethB, 'up');
    ip('-n', pair.a, 'link', 'set', pair.vethA, 'up');
    await out.next(noticed(/capture resumed/), 8000);
    await sleep(300);
    ping(3);
    // Rates cover complete seconds: the report that first counts the pings may show them only in the
    // totals (a link coming up sends its own few packets too), the next one as a rate.
    const counted = (l: string) => (JSON.parse(l) as Report).totals.packets >= gone.totals.packets + 6;
    const again = await out.next((l) => counted(l) && (JSON.parse(l) as Report).totals.rx_rate + (JSON.parse(l) as Report).totals.tx_rate > 0, 6000).then((l) => JSON.parse(l) as Report);
    expect(again.totals.rx_rate + again.totals.tx_rate).toBeGreaterThan(0);

    wt.kill('SIGINT');
    expect(await exitOf(wt)).toBe(0);
    expect(stderr).toBe('');
  }, 60_000);
});
