import { describe, expect, test } from 'vitest';
import { DropEstimator } from '../../src/engine/drop-estimator.js';

/**
 * A capture seen through the estimator: every 100 ms the kernel has counted
 * `rate` more packets; `inFlight(i)` of them are still on their way to the
 * ring at sample i, `lostAt(i)` are lost for good. Returns the estimate after
 * each sample.
 */
function run(samples: number, opts: { rate?: number; inFlight?: (i: number) => number; lostAt?: (i: number) => number; window?: number }): number[] {
  const rate = opts.rate ?? 10_000;
  const est = new DropEstimator(opts.window ?? 10);
  est.start(5_000_000);
  let counted = 5_000_000;
  let lost = 0;
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    counted += rate;
    lost += opts.lostAt?.(i) ?? 0;
    // the frames delivered by the drain after sample i-1's count: all it had counted, minus losses
    // and minus packets still in flight (counted since, but not yet in the ring)
    const captured = counted - 5_000_000 - lost - (opts.inFlight?.(i) ?? 0) - rate;
    est.settle(captured, counted);
    out.push(est.dropped);
  }
  return out;
}

describe('DropEstimator', () => {
  test('packets counted but still in flight at a sample are not reported as lost', () => {
    // bursts still in the backlog at some samples (as measured on a veth at the start of a flood)
    const spikes = new Map([[3, 19], [4, 2], [17, 21], [30, 340], [31, 120]]);
    const est = run(60, { inFlight: (i) => spikes.get(i) ?? 0 });
    expect(est.at(-1)).toBe(0);
    expect(Math.max(...est)).toBe(0);
  });

  test('real loss is reported within one window and never goes down', () => {
    const est = run(40, { lostAt: (i) => (i === 12 ? 348 : 0), inFlight: (i) => (i % 3 === 0 ? 50 : 0) });
    expect(est[11]).toBe(0);
    // the loss shows once every sample of a window includes it (10 samples after the one that
    // compared against the loss): sample 12's count is settled at 13, so at 22 at the latest
    expect(est[22]).toBe(348);
    expect(est.slice(22).every((d) => d === 348)).toBe(true);
  });

  test('loss that keeps happening is counted as it grows', () => {
    const est = run(50, { lostAt: () => 7 });
    expect(est.at(-1)).toBeGreaterThanOrEqual(7 * 38);
    expect(est.at(-1)).toBeLessThanOrEqual(7 * 50);
    for (let i = 1; i < est.length; i++) expect(est[i]).toBeGreaterThanOrEqual(est[i - 1]!);
  });

  test('a run shorter than a window is judged at its end on what it has', () => {
    const est = new DropEstimator(10);
    est.start(100);
    est.settle(0, 1100); // 1000 counted
    est.settle(990, 2100); // 10 of the first 1000 lost
    expect(est.dropped).toBe(0);
    est.finish(1980, 2100); // the last drain: 20 lost in all
    expect(est.dropped).toBe(10);
  });

  test('no counter at open: nothing is estimated', () => {
    const est = new DropEstimator(2);
    est.start(null);
    expect(est.known).toBe(false);
    est.settle(0, 500);
    est.settle(0, 900);
    est.finish(0, 900);
    expect(est.dropped).toBe(0);
  });

  test('a counter that went back (interface recreated) never lowers the figure', () => {
    const est = new DropEstimator(2);
    est.start(1000);
    est.settle(0, 1100);
    est.settle(90, 1200); // 10 lost
    est.settle(190, 1300);
    expect(est.dropped).toBe(10);
    est.settle(290, 5); // the interface is recreated: its counters start again from 0
    est.settle(300, 10);
    est.settle(310, 20);
    expect(est.dropped).toBe(10);
  });
});
