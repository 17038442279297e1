import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OTHER_HOST, TrafficCounters } from '../../src/metrics/traffic-counters.js';
import { host, proc, snapshot } from './snapshot-factory.js';

const hostValue = (c: TrafficCounters, h: string): number[] | undefined => c.hosts.series.get(h)?.values;

describe('TrafficCounters', () => {
  it('turns cumulative totals into counters and survives an engine restart', () => {
    const c = new TrafficCounters();
    c.update(snapshot({ totals: { rxBytes: 100, txBytes: 50, packets: 3 } }));
    c.update(snapshot({ totals: { rxBytes: 150, txBytes: 50, packets: 4 } }));
    expect(c.interfaces.series.get('eth0')?.values).toEqual([150, 50, 0, 4, 0]);
    // capture restarted: cumulative values start again from zero
    c.update(snapshot({ totals: { rxBytes: 10, txBytes: 5, packets: 1 } }));
    expect(c.interfaces.series.get('eth0')?.values).toEqual([160, 55, 0, 5, 0]);
  });

  it('exports dropped only once known', () => {
    const c = new TrafficCounters();
    c.update(snapshot());
    expect(c.dropped.series.size).toBe(0);
    c.update(snapshot({ totals: { dropped: 7 } }));
    expect(c.dropped.series.get('eth0')?.values).toEqual([7]);
  });

  it('a row that is evicted and comes back never decreases its counter', () => {
    const c = new TrafficCounters();
    c.update(snapshot({ processes: [proc(53, 'named', 1000, 5000)] }));
    c.update(snapshot({ processes: [] }));
    c.update(snapshot({ processes: [proc(53, 'named', 10, 20)] }));
    const [s] = [...c.processes.series.values()];
    expect(s?.values).toEqual([1010, 5020]);
    expect(s?.labels).toEqual({ pid: '53', process: 'named', user: 'bind', netns: '' });
  });

  it('sums rows with the same labels and labels classes with an empty pid', () => {
    const c = new TrafficCounters();
    c.update(snapshot({ processes: [proc(null, '<kernel>', 5, 6), proc(7, 'a', 1, 1, { key: '7:1' }), proc(7, 'a', 2, 2, { key: '7:2' })] }));
    const byProc = new Map([...c.processes.series.values()].map((s) => [s.labels.process, s]));
    expect(byProc.get('<kernel>')?.labels.pid).toBe('');
    expect(byProc.get('a')?.values).toEqual([3, 3]);
  });

  it('sanitises hostile label values', () => {
    const c = new TrafficCounters();
    c.update(snapshot({ processes: [proc(1, 'evil\u001b[2J\nname', 1, 1)] }));
    const [s] = [...c.processes.series.values()];
    expect(s?.labels.process).toBe('evil?[2J?name');
  });

  it('caps hosts by cumulative bytes, folds the rest into "other", keeps exported hosts', () => {
    const c = new TrafficCounters({ maxHosts: 2 });
    c.update(snapshot({ hosts: [host('198.18.0.3', 1, 0), host('198.18.0.2', 500, 0), host('198.18.0.4', 300, 0)] }));
    expect(hostValue(c, '198.18.0.2')).toEqual([500, 0]);
    expect(hostValue(c, '198.18.0.4')).toEqual([300, 0]);
    expect(hostValue(c, OTHER_HOST)).toEqual([1, 0]);
    // .3 becomes the biggest: it still goes to other, the exported ones keep counting
    c.update(snapshot({ hosts: [host('198.18.0.3', 10_001, 0), host('198.18.0.2', 600, 0), host('198.18.0.4', 300, 0)] }));
    expect(hostValue(c, '198.18.0.2')).toEqual([600, 0]);
    expect(hostValue(c, '198.18.0.4')).toEqual([300, 0]);
    expect(hostValue(c, OTHER_HOST)).toEqual([10_001, 0]);
    expect(hostValue(c, '198.18.0.3')).toBeUndefined();
  });

  it('frees a host slot once the host has been silent long enough', () => {
    const c = new TrafficCounters({ maxHosts: 1, staleAfter: 2 });
    c.update(snapshot({ hosts: [host('198.18.0.2', 5, 5)] }));
    c.update(snapshot({ hosts: [host('198.18.0.3', 7, 0)] }));
    expect(hostValue(c, OTHER_HOST)).toEqual([7, 0]);
    for (let i = 0; i < 3; i++) c.update(snapshot({ hosts: [] }));
    expect(hostValue(c, '198.18.0.2')).toBeUndefined();
    c.update(snapshot({ hosts: [host('198.18.0.3', 9, 0)] }));
    // .3's delta tracker was forgotten too, so its whole cumulative value lands in its new series
    expect(hostValue(c, '198.18.0.3')).toEqual([9, 0]);
    expect(hostValue(c, OTHER_HOST)).toEqual([7, 0]);
  });

  it('property: every exported counter is monotonic and the host sum equals the bytes fed', () => {
    const hostNames = ['198.18.0.2', '198.18.0.3', '198.18.0.4', '198.18.0.5', 'fd00::1'];
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.nat(1000), fc.nat(1000)), { maxLength: 5 }), { maxLength: 30 }),
        fc.integer({ min: 0, max: 4 }),
        (steps, cap) => {
          const c = new TrafficCounters({ maxHosts: cap, staleAfter: 1_000 });
          // cumulative values per host as a well-behaved engine would publish them
          const cum = new Map<string, [number, number]>();
          let fed = 0;
          let prev = new Map<string, number[]>();
          for (const step of steps) {
            const rows = new Map<string, [number, number]>();
            for (const [i, rx, tx] of step) {
              const name = hostNames[i]!;
              const [r, t] = cum.get(name) ?? [0, 0];
              cum.set(name, [r + rx, t + tx]);
              rows.set(name, [r + rx, t + tx]);
              fed += rx + tx;
            }
            c.update(snapshot({ hosts: [...rows].map(([n, [r, t]]) => host(n, r, t)) }));
            const now = new Map([...c.hosts.series].map(([k, s]) => [k, [...s.values]]));
            for (const [k, v] of prev) {
              const cur = now.get(k);
              if (!cur) return false;
              if (cur[0]! < v[0]! || cur[1]! < v[1]!) return false;
            }
            expect(now.size).toBeLessThanOrEqual(cap + 1);
            prev = now;
          }
          let sum = 0;
          for (const s of c.hosts.series.values()) sum += s.values[0]! + s.values[1]!;
          return sum === fed;
        },
      ),
    );
  });

  it('ignores non-finite and negative values', () => {
    const c = new TrafficCounters();
    c.update(snapshot({ totals: { rxBytes: Number.NaN, txBytes: -5, packets: Infinity } }));
    expect(c.interfaces.series.get('eth0')?.values).toEqual([0, 0, 0, 0, 0]);
  });
});
