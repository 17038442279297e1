import { describe, expect, it } from 'vitest';
import { FirstMisses } from '../../src/procs/first-misses.js';

const TTL = 30_000;

describe('FirstMisses (first miss of each tuple, for <no listener> decisions)', () => {
  it('keeps the first miss: later misses of the tuple read the rescans and generation of the first', () => {
    const m = new FirstMisses(TTL);
    const a = m.note(0x1234_5678_9abc, 1000, 5, 2);
    expect([m.seqAt(a), m.genAt(a)]).toEqual([5, 2]);
    const b = m.note(0x1234_5678_9abc, 1200, 9, 4);
    expect(b).toBe(a);
    expect([m.seqAt(b), m.genAt(b)]).toEqual([5, 2]);
  });

  it('tells tuples apart, also those differing only in the low or the high bits of the 52-bit hash', () => {
    const m = new FirstMisses(TTL);
    const keys = [0, 1, 2 ** 32, 2 ** 32 + 1, 2 ** 52 - 1, 2 ** 51];
    keys.forEach((k, i) => m.note(k, 1000, i, 100 + i));
    keys.forEach((k, i) => {
      const slot = m.note(k, 2000, 99, 99);
      expect([m.seqAt(slot), m.genAt(slot)]).toEqual([i, 100 + i]);
    });
  });

  it('forgets a first miss after the ttl: the next miss is a first one again', () => {
    const m = new FirstMisses(TTL);
    m.note(42, 1000, 1, 1);
    const s = m.note(42, 1000 + TTL + 1, 7, 3);
    expect([m.seqAt(s), m.genAt(s)]).toEqual([7, 3]);
  });

  it('stays the same size when full: the oldest entry gives way', () => {
    const m = new FirstMisses(TTL, 3); // 8 slots, each key may take any of them
    for (let k = 1; k <= 8; k++) m.note(k * 1_000_003, 1000 + k, k, k);
    m.note(9 * 1_000_003, 1009, 9, 9); // full: key 1 (the oldest) goes
    const two = m.note(2 * 1_000_003, 1010, 0, 0);
    expect(m.seqAt(two)).toBe(2); // still held
    const one = m.note(1 * 1_000_003, 1011, 11, 11);
    expect(m.seqAt(one)).toBe(11); // recorded anew
    const nine = m.note(9 * 1_000_003, 1012, 0, 0);
    expect(m.seqAt(nine)).toBe(9);
  });
});
