import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipv4, tcpFrame, udpFrame } from '../../src/capture/demo/frame-builder.js';
import { LinkType } from '../../src/decode/packet-info.js';
import { LOCAL, testEngine } from './fixtures.js';

/**
 * The engine against a model that keeps every packet: per host, cumulative
 * bytes and packets, last seen, and the 1/2/10/40 s rates of the final
 * snapshot (complete seconds before it, divided by the elapsed time while
 * less than the window has passed). Packets come in any mix of hosts,
 * directions and transit, with timestamps that sometimes step back a few
 * seconds (merged captures are not ordered), so the engine's per-second
 * folding of connection counts into hosts and totals is checked packet for
 * packet.
 */
const REMOTES = ['203.0.113.1', '203.0.113.2', '198.51.100.7', '198.51.100.8'];
const START = 1_000_000;
const WINDOWS = [1, 2, 10, 40] as const;

interface Pkt {
  ts: number;
  bytes: number;
  /** host key as the snapshot names it, and the direction seen from that row */
  host: string;
  tx: boolean;
  transit: boolean;
}

const packet = fc.record({
  kind: fc.constantFrom('out', 'in', 'transit'),
  a: fc.nat({ max: REMOTES.length - 1 }),
  b: fc.nat({ max: REMOTES.length - 1 }),
  sport: fc.constantFrom(53, 443, 40000, 40001),
  dport: fc.constantFrom(53, 443, 40000, 40001),
  tcp: fc.boolean(),
  payload: fc.nat({ max: 1400 }),
  dt: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 700 }), weight: 8 }, { arbitrary: fc.integer({ min: 1000, max: 15_000 }), weight: 1 }, { arbitrary: fc.integer({ min: -5000, max: -1 }), weight: 1 }),
});

describe('engine = a model that keeps every packet', () => {
  it('hosts and totals: bytes, packets, last seen and every rate window', () => {
    fc.assert(
      fc.property(fc.array(packet, { minLength: 1, maxLength: 120 }), (pkts) => {
        const { engine, snaps } = testEngine({ rowLimit: 100, idleMs: 3_600_000 });
        const buf = Buffer.alloc(2048);
        const fed: Pkt[] = [];
        let t = START;
        for (const p of pkts) {
          t = Math.max(START, t + p.dt);
          let src = LOCAL;
          let dst = REMOTES[p.a]!;
          if (p.kind === 'in') [src, dst] = [dst, src];
          if (p.kind === 'transit') {
            if (p.a === p.b) continue;
            src = REMOTES[p.a]!;
            dst = REMOTES[p.b]!;
          }
          const ends = { src: ipv4(src), dst: ipv4(dst), sport: p.sport, dport: p.dport };
          const n = p.tcp ? tcpFrame(buf, ends, 0x10, p.payload, p.kind === 'out') : udpFrame(buf, ends, p.payload, p.kind === 'out');
          engine.frame(buf, 0, n, 0, t, LinkType.ETHERNET);
          if (p.kind === 'transit') {
            // a transit row names both ends, lower address first; "tx" is lower → higher
            const lowFirst = ipv4(src) < ipv4(dst);
            const [lo, hi] = lowFirst ? [src, dst] : [dst, src];
            fed.push({ ts: t, bytes: n, host: `${lo} ⇄ ${hi}`, tx: lowFirst, transit: true });
          } else {
            fed.push({ ts: t, bytes: n, host: p.kind === 'out' ? dst : src, tx: p.kind === 'out', transit: false });
          }
        }
        if (fed.length === 0) return;
        const nowMs = (Math.floor(engine.lastTsMs / 1000) + 1) * 1000;
        const snap = engine.publish(nowMs);
        expect(snaps.at(-1)).toBe(snap);
        const nowSec = nowMs / 1000;
        const elapsed = (nowMs - START) / 1000;

        const expectRow = (row: Record<string, number>, mine: Pkt[], what: string): void => {
          const sum = (tx: boolean, w?: number): number =>
            mine.filter((p) => p.tx === tx && (w === undefined || Math.floor(p.ts / 1000) >= nowSec - w)).reduce((s, p) => s + p.bytes, 0);
          expect(row.rxBytes, what).toBe(sum(false));
          expect(row.txBytes, what).toBe(sum(true));
          if (what !== 'totals') {
            expect(row.packets, what).toBe(mine.length);
            expect(row.lastSeen, what).toBe(Math.max(...mine.map((p) => p.ts)));
          }
          for (const w of WINDOWS) {
            const d = Math.min(w, elapsed);
            expect(row[`rx${w}`], `${what} rx${w}`).toBeCloseTo(sum(false, w) / d, 6);
            expect(row[`tx${w}`], `${what} tx${w}`).toBeCloseTo(sum(true, w) / d, 6);
          }
        };

        const hosts = new Set(fed.map((p) => p.host));
        expect(new Set(snap.hosts.map((h) => h.host))).toEqual(hosts);
        for (const h of snap.hosts) expectRow(h as unknown as Record<string, number>, fed.filter((p) => p.host === h.host), h.host);
        const own = fed.filter((p) => !p.transit);
        expectRow(snap.totals as unknown as Record<string, number>, own, 'totals');
        expect(snap.totals.packets).toBe(fed.length);
        expect(snap.totals.transitBytes).toBe(fed.filter((p) => p.transit).reduce((s, p) => s + p.bytes, 0));
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 400) },
    );
  });
});
