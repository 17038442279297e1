import { describe, expect, it } from 'vitest';
import { StatsStore, type WindowRates } from '../../src/core/stats-store.js';

const rates = (): WindowRates => ({ rx1: 0, tx1: 0, rx2: 0, tx2: 0, rx10: 0, tx10: 0, rx40: 0, tx40: 0 });

describe('StatsStore rows', () => {
  it('a new row counts from zero', () => {
    const s = new StatsStore(8);
    s.reset(3);
    s.add(3, 1000, 500, 0, 1, 1_000_100);
    const r = rates();
    s.rates(3, 1001, 40, r);
    expect(r.rx1).toBe(500);
    expect(r.rx40 * 40).toBe(500);
    expect(s.score40(3, 1001, 40) * 40).toBe(500);
  });

  it('a row handed out again shows nothing of its earlier life (its ring is cleared on first use)', () => {
    const s = new StatsStore(8);
    s.reset(0);
    for (let sec = 1000; sec < 1010; sec++) s.add(0, sec, 1_000_000, 2_000_000, 10, sec * 1000);
    s.reset(0); // evicted, and the id given to a new row
    s.add(0, 1012, 100, 0, 1, 1_012_000);
    const r = rates();
    s.rates(0, 1013, 40, r);
    expect(r.rx40 * 40).toBe(100);
    expect(r.tx40).toBe(0);
    expect(s.rxBytesOf(0)).toBe(100);
    expect(s.score40(0, 1013, 40) * 40).toBe(100);
  });

  it('a reused row merged into another moves only its own seconds', () => {
    const conns = new StatsStore(4);
    const owners = new StatsStore(4);
    conns.reset(1);
    conns.add(1, 2000, 7_000, 0, 7, 2_000_000);
    conns.add(1, 2001, 9_000, 0, 9, 2_001_000); // second 2000 goes to the ring
    conns.reset(1);
    conns.add(1, 2005, 30, 40, 1, 2_005_000);
    owners.reset(0);
    owners.merge(0, conns, 1, 1);
    const r = rates();
    owners.rates(0, 2006, 40, r);
    expect(r.rx40 * 40).toBe(30);
    expect(r.tx40 * 40).toBe(40);
    expect(owners.packetsOf(0)).toBe(1);
  });
});
