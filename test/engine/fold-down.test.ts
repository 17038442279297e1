import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/core/snapshot.js';
import type { Engine } from '../../src/engine/engine.js';
import { LOCAL, testEngine, udp } from './fixtures.js';

const T0 = 1_000_000;
const same = (s: Snapshot) => ({ ...s, seq: 0 });

/** 3 000 sources over two seconds, each a few datagrams; `between` runs after every packet. */
function traffic(engine: Engine, between: (i: number) => void): void {
  for (let i = 0; i < 9000; i++) {
    const src = i % 3000;
    udp(engine, T0 + Math.floor(i / 4.5), `203.0.${src >> 8}.${src & 255}`, LOCAL, 1024 + src, 53, 40 + (i % 11));
    between(i);
  }
}

describe('folding between drains (Engine.foldDown, live capture)', () => {
  it('gives the same snapshots as folding once per second', () => {
    const once = testEngine({ publishEverySec: 1 });
    const sliced = testEngine({ publishEverySec: 1 });
    once.engine.advanceOnPackets = sliced.engine.advanceOnPackets = false;
    traffic(once.engine, () => undefined);
    let peak = 0;
    traffic(sliced.engine, (i) => {
      if (i % 50 === 0) sliced.engine.foldDown(100, 400);
      peak = Math.max(peak, sliced.engine.dirtyConnections);
    });
    expect(peak).toBeLessThan(700); // the list stayed short (3 000 connections are dirty each second otherwise)
    for (const { engine } of [once, sliced]) engine.advanceTo(T0 / 1000 + 3);
    expect(sliced.snaps.map(same)).toEqual(once.snaps.map(same));
    expect(sliced.snaps.at(-1)!.totals.packets).toBe(9000);
  });

  it('leaves the rows alone while a snapshot is being built in steps', () => {
    const queue: (() => boolean)[] = [];
    const { engine, snaps } = testEngine({ publishEverySec: 1, inSteps: (step) => queue.push(step) });
    engine.advanceOnPackets = false;
    traffic(engine, () => undefined);
    engine.advanceTo(T0 / 1000 + 2); // the snapshot of second 1002 is now in steps
    udp(engine, T0 + 2100, '192.0.2.9', LOCAL, 999, 53, 10);
    engine.foldDown(0, 1000);
    expect(engine.dirtyConnections).toBe(1);
    for (const step of queue) while (!step());
    engine.foldDown(0, 1000);
    expect(engine.dirtyConnections).toBe(0);
    expect(snaps.at(-1)!.hosts.some((h) => h.host === '192.0.2.9')).toBe(false);
  });
});
