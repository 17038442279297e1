import { describe, expect, it } from 'vitest';
import { DemoResolver } from '../../src/capture/demo/demo-resolver.js';
import { DemoSource } from '../../src/capture/demo/demo-source.js';
import type { Snapshot } from '../../src/core/snapshot.js';
import { testEngine } from './fixtures.js';

const T0 = 1_000_000;

/** The demo drives the real pipeline; 60 s of its traffic, with a fake clock, tells the three stories. */
describe('--demo stories', () => {
  function run(seconds: number): Snapshot {
    const { engine, snaps } = testEngine({ resolver: new DemoResolver() });
    const demo = new DemoSource(() => T0, 7);
    for (let t = 1; t <= seconds; t++) {
      demo.generateUntil(T0 + t * 1000, engine);
      engine.advanceTo(T0 / 1000 + t);
    }
    return snaps.at(-1)!;
  }

  it('shows the amplification, the backup stream and the scan', () => {
    const snap = run(60);
    const named = snap.processes.find((p) => p.name === 'named')!;
    expect(named.pid).toBe(812);
    expect(named.txBytes / named.rxBytes).toBeGreaterThan(10); // reflecting: far more out than in
    const byTx = [...snap.hosts].sort((a, b) => b.tx10 - a.tx10);
    expect(byTx[0]!.host).toBe('198.51.100.20'); // the backup target
    const scanner = snap.hosts.find((h) => h.host === '192.0.2.66')!;
    expect(scanner.localPorts).toBeGreaterThan(250);
    const noListener = snap.processes.find((p) => p.name === '<no listener>')!;
    expect(noListener.connections).toBeGreaterThan(250);
    expect(snap.processes.find((p) => p.name === '<unknown>')?.packets ?? 0).toBe(0);
  });

  it('is deterministic for a given clock and seed', () => {
    const a = run(5);
    const b = run(5);
    expect(a.totals).toEqual(b.totals);
    expect(a.hosts.map((h) => [h.host, h.rxBytes, h.txBytes])).toEqual(b.hosts.map((h) => [h.host, h.rxBytes, h.txBytes]));
  });
});
