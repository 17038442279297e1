import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/core/snapshot.js';
import type { Engine } from '../../src/engine/engine.js';
import { LOCAL, testEngine, udp } from './fixtures.js';

const T0 = 1_000_000;
const HOSTS = 12_000; // several steps' worth of rows to rank

/** 12 000 sources, each a few packets in second 1000 (and a handful in 1001 … to close it). */
function flood(engine: Engine, sec: number, payload = 40): void {
  for (let i = 0; i < HOSTS; i++) udp(engine, sec * 1000 + (i % 1000), `203.0.${i >> 8}.${i & 255}`, LOCAL, 1024 + (i % 60_000), 53, payload + (i % 7));
}

/** An engine that builds in steps, with the steps queued for the test to run. */
function stepped(over: Parameters<typeof testEngine>[0] = {}) {
  const queue: (() => boolean)[] = [];
  const t = testEngine({ inSteps: (step) => queue.push(step), publishEverySec: 1, ...over });
  const runOne = (): boolean => {
    const step = queue[0];
    if (!step) return true;
    if (step()) queue.shift();
    return queue.length === 0;
  };
  return { ...t, queue, runOne };
}

const same = (s: Snapshot) => ({ ...s, seq: 0 });

describe('a snapshot built in steps (capture process: the ring is drained between them)', () => {
  it('is published only when its last step has run, and equals the one built in one piece', () => {
    const whole = testEngine({ publishEverySec: 1 });
    const s = stepped();
    for (const e of [whole.engine, s.engine]) {
      flood(e, T0 / 1000);
      e.advanceTo(T0 / 1000 + 1);
    }
    expect(whole.snaps).toHaveLength(1);
    expect(s.snaps).toHaveLength(0);
    let steps = 0;
    while (!s.runOne()) steps++;
    expect(steps).toBeGreaterThan(3); // it really was cut into steps
    expect(s.snaps).toHaveLength(1);
    expect(same(s.snaps[0]!)).toEqual(same(whole.snaps[0]!));
    expect(s.snaps[0]!.hosts.length).toBeGreaterThanOrEqual(500);
  });

  it('a packet of a new second (a fold) finishes it first: the snapshot holds the rows as they were', () => {
    const whole = testEngine({ publishEverySec: 1 });
    const s = stepped();
    s.engine.advanceOnPackets = false; // seconds close when the test says (as the live timer does)
    for (const e of [whole.engine, s.engine]) {
      flood(e, T0 / 1000);
      e.advanceTo(T0 / 1000 + 1);
    }
    s.runOne();
    s.runOne();
    expect(s.snaps).toHaveLength(0);
    // second 1001's packets are pending; second 1002's first packet folds them into the rows
    flood(s.engine, T0 / 1000 + 1, 900);
    expect(s.snaps).toHaveLength(0);
    udp(s.engine, T0 + 2000, '192.0.2.1', LOCAL, 999, 53, 10);
    expect(s.snaps).toHaveLength(1);
    expect(same(s.snaps[0]!)).toEqual(same(whole.snaps[0]!));
    expect(s.runOne()).toBe(true); // the queued step finds it done
    expect(s.snaps).toHaveLength(1);
  });

  it('idle rows are evicted after the snapshot is done, not while it is built', () => {
    const s = stepped({ idleMs: 5_000 });
    s.engine.advanceOnPackets = false; // seconds close when the test says (as the live timer does)
    flood(s.engine, T0 / 1000);
    udp(s.engine, T0 + 9_000, '192.0.2.1', LOCAL, 999, 53, 10); // one host stays busy
    s.engine.advanceTo(T0 / 1000 + 10); // publishes 1001 … 1009 (the last one in steps), then evicts
    expect(s.engine.hosts.size).toBe(HOSTS + 1);
    while (!s.runOne());
    expect(s.snaps.at(-1)!.hosts.length).toBeGreaterThanOrEqual(500); // the flood's rows were still there to show
    // eviction looks at 8192 rows of a table per second closed: the rest go a second later
    expect(s.engine.hosts.size).toBe(HOSTS + 1 - 8192);
    udp(s.engine, T0 + 10_000, '192.0.2.1', LOCAL, 999, 53, 10);
    s.engine.advanceTo(T0 / 1000 + 11);
    while (!s.runOne());
    expect(s.engine.hosts.size).toBe(1);
  });

  it('several seconds closed at once (a silence): every snapshot goes out, in order, none dropped', () => {
    const whole = testEngine({ publishEverySec: 1 });
    const s = stepped();
    for (const e of [whole.engine, s.engine]) {
      e.advanceOnPackets = false;
      flood(e, T0 / 1000);
      e.advanceTo(T0 / 1000 + 4); // publishes 1001, 1002, 1003, 1004
    }
    // the first three were finished as the next began; the last waits for its steps
    expect(s.snaps.map((x) => x.time)).toEqual([1_001_000, 1_002_000, 1_003_000]);
    s.engine.publish(T0 + 4500); // a final one: the one in steps goes out before it
    expect(s.snaps.map((x) => x.time)).toEqual([1_001_000, 1_002_000, 1_003_000, 1_004_000, 1_004_500]);
    expect(s.snaps.map((x) => x.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(same(s.snaps[3]!)).toEqual(same(whole.snaps[3]!));
  });
});
