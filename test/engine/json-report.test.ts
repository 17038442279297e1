import { describe, expect, it } from 'vitest';
import { JsonReport } from '../../src/headless/json-report.js';
import { LOCAL, testEngine, udp } from './fixtures.js';

const T0 = 1_000_000;

describe('--json lines (DESIGN §3)', () => {
  it('has the contract keys in order, numbers as numbers, rates over the interval and sorted lists', () => {
    const { engine, snaps } = testEngine({ publishEverySec: 2 });
    for (let s = 0; s < 4; s++) {
      for (let i = 0; i < 10; i++) udp(engine, T0 + s * 1000 + i, '203.0.113.1', LOCAL, 1000, 53, 958); // 10 kB/s in
      udp(engine, T0 + s * 1000 + 50, LOCAL, '203.0.113.2', 53, 1000, 958); // 1 kB/s out
    }
    engine.advanceTo(T0 / 1000 + 4);
    const report = new JsonReport(null);
    const lines = snaps.map((s) => report.line(s));
    const objs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const o = objs.at(-1)! as {
      totals: Record<string, unknown>;
      hosts: Record<string, unknown>[];
      processes: unknown[];
      connections: Record<string, unknown>[];
    };
    expect(Object.keys(o)).toEqual(['ts', 'interface', 'interval_s', 'totals', 'hosts', 'processes', 'connections']);
    expect(Object.keys(o.totals)).toEqual(['rx_rate', 'tx_rate', 'rx_bytes', 'tx_bytes', 'transit_bytes', 'packets', 'dropped']);
    expect(Object.keys(o.hosts[0]!)).toEqual(['host', 'name', 'rx_rate', 'tx_rate', 'rx_bytes', 'tx_bytes', 'peak_rate', 'local_ports']);
    expect(Object.keys(o.connections[0]!)).toEqual(['proto', 'local', 'remote', 'pid', 'process', 'rx_rate', 'tx_rate', 'rx_bytes', 'tx_bytes']);
    expect((objs.at(-1) as { ts: string }).ts).toBe(new Date(T0 + 4000).toISOString());
    expect((objs.at(-1) as { interval_s: number }).interval_s).toBe(2);
    expect(o.totals.rx_rate).toBe(10_000);
    expect(o.totals.tx_rate).toBe(1_000);
    expect(o.totals.rx_bytes).toBe(40_000);
    expect(o.totals.dropped).toBeNull();
    expect(o.hosts.map((h) => h.host)).toEqual(['203.0.113.1', '203.0.113.2']);
    expect(o.hosts[0]!.rx_rate).toBe(10_000);
  });
});
