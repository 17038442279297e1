import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/core/snapshot.js';
import { CarryOver, quietSnapshot } from '../../src/engine/capture-gap.js';
import { testEngine, udp, LOCAL } from './fixtures.js';

const T0 = 1_000_000;

/** Snapshots of one capture run: 1 kB/s from one host for `secs` seconds, starting at `startMs`. */
function run(startMs: number, secs: number, host = '203.0.113.7'): Snapshot[] {
  const { engine, snaps } = testEngine({ startMs });
  for (let s = 0; s < secs; s++) udp(engine, startMs + s * 1000 + 500, host, LOCAL, 5000, 53, 958);
  engine.advanceTo(startMs / 1000 + secs);
  return snaps;
}

describe('capture gap: interface down, capture process restarted', () => {
  it('the quiet snapshot keeps rows and cumulative counters, zeroes every rate, carries the notice', () => {
    const last = run(T0, 5).at(-1)!;
    const q = quietSnapshot(last, last.time + 3000, 99, 'eth0 is down — waiting');
    expect(q.seq).toBe(99);
    expect(q.elapsed).toBeCloseTo(last.elapsed + 3);
    expect(q.notices).toEqual(['eth0 is down — waiting']);
    expect(q.totals.rxBytes).toBe(5000);
    expect(q.totals.rx1 + q.totals.rx2 + q.totals.rx10 + q.totals.rx40).toBe(0);
    expect(q.hosts.map((h) => h.key)).toEqual(last.hosts.map((h) => h.key));
    expect(q.hosts[0]!.rx2).toBe(0);
    expect(q.hosts[0]!.peak).toBe(last.hosts[0]!.peak);
    expect(last.hosts[0]!.rx2).toBeGreaterThan(0); // the original is untouched
  });

  it('carries totals, elapsed and matching rows across the restart; old rows stay until idle', () => {
    const first = run(T0, 5).at(-1)!;
    const carry = new CarryOver(60_000, 100);
    carry.rebase(first, first.time + 2000);
    const secondRun = run(first.time + 2000, 3); // same host again
    const merged = carry.apply(secondRun.at(-1)!);
    expect(merged.totals.rxBytes).toBe(8000);
    expect(merged.totals.packets).toBe(8);
    expect(merged.elapsed).toBeCloseTo(5 + 2 + 3);
    expect(merged.hosts.find((h) => h.host === '203.0.113.7')!.rxBytes).toBe(8000);
    expect(merged.hosts.find((h) => h.host === '203.0.113.7')!.rx1).toBe(1000);

    const other = carry.apply(run(first.time + 2000, 3, '203.0.113.8').at(-1)!);
    expect(other.hosts.map((h) => h.host).sort()).toEqual(['203.0.113.7', '203.0.113.8']);
    expect(other.hosts.find((h) => h.host === '203.0.113.7')!.rx1).toBe(0);

    const muchLater = carry.apply(run(first.time + 120_000, 3, '203.0.113.8').at(-1)!);
    expect(muchLater.hosts.map((h) => h.host)).toEqual(['203.0.113.8']); // idle past 60 s: evicted
    expect(muchLater.totals.rxBytes).toBe(8000); // totals still since start
  });

  it('a second outage stacks on the first', () => {
    const carry = new CarryOver(600_000, 100);
    const a = run(T0, 4).at(-1)!;
    carry.rebase(a, a.time);
    const b = carry.apply(run(a.time, 4).at(-1)!);
    carry.rebase(b, b.time);
    const c = carry.apply(run(b.time, 4).at(-1)!);
    expect(c.totals.rxBytes).toBe(12_000);
    expect(c.hosts[0]!.rxBytes).toBe(12_000);
    expect(c.elapsed).toBeCloseTo(12);
  });
});
