import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arpFrame, icmpFrame, ipv4, tcpFrame, udpFrame } from '../../src/capture/demo/frame-builder.js';
import { DemoResolver } from '../../src/capture/demo/demo-resolver.js';
import { DEMO_PORTS } from '../../src/capture/demo/demo-source.js';
import type { Snapshot } from '../../src/core/snapshot.js';
import { LinkType } from '../../src/decode/packet-info.js';
import { FIXTURES } from '../decode/fixture-table.js';
import { L, testEngine } from '../engine/fixtures.js';

/**
 * Whole-pipeline fuzz (decode → direction → tables → attribution →
 * snapshots): random, built and mutated frames of every link type through
 * Engine.frame(). It never throws, every frame is counted
 * (totals.packets = frames fed) and every byte lands in exactly one of
 * rx, tx or transit (their sum = the sum of the wire lengths given).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const FRAMES_PER_RUN = 40;
// each run feeds ~40 frames and publishes a few snapshots
const TIMEOUT = Math.max(60_000, RUNS * 5);

const LINK_TYPES = Object.values(LinkType) as number[];
const fixtureBytes = FIXTURES.map((f) => ({ bytes: Buffer.from(f.hex.replace(/\s+/g, ''), 'hex'), linkType: f.linkType }));
const PORTS = [DEMO_PORTS.dns, DEMO_PORTS.https, DEMO_PORTS.ssh, DEMO_PORTS.backupLocal, 0, 1, 65535, 40000];

const scratch = Buffer.alloc(2048);
const addr = fc.oneof(fc.constant(L), fc.constantFrom(ipv4('198.18.0.2'), ipv4('203.0.113.7'), 0, 0xffffffff), fc.nat({ max: 0xffffffff }));
const port = fc.oneof(fc.constantFrom(...PORTS), fc.nat({ max: 65535 }));

/** A frame the demo builder makes (valid Ethernet), as bytes. */
const built = fc
  .tuple(fc.nat({ max: 4 }), addr, addr, port, port, fc.nat({ max: 1400 }), fc.boolean(), fc.nat({ max: 255 }))
  .map(([kind, src, dst, sport, dport, payload, outbound, flags]) => {
    let n: number;
    if (kind === 0) n = udpFrame(scratch, { src, dst, sport, dport }, payload, outbound);
    else if (kind === 1) n = tcpFrame(scratch, { src, dst, sport, dport }, flags, payload, outbound);
    else if (kind === 2) n = icmpFrame(scratch, src, dst, 3, 3, outbound, { src: dst, dst: src, sport, dport });
    else if (kind === 3) n = icmpFrame(scratch, src, dst, 8, 0, outbound);
    else n = arpFrame(scratch, src, dst);
    return { bytes: Uint8Array.from(scratch.subarray(0, n)), linkType: LinkType.ETHERNET as number };
  });

const fixture = fc.nat({ max: fixtureBytes.length - 1 }).map((i) => ({ bytes: Uint8Array.from(fixtureBytes[i]!.bytes), linkType: fixtureBytes[i]!.linkType }));

/** Flip bytes, cut, extend; sometimes claim another link type. */
const mutated = fc
  .tuple(
    fc.oneof(built, fixture),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 6 }),
    fc.option(fc.nat()),
    fc.uint8Array({ maxLength: 16 }),
    fc.option(fc.constantFrom(...LINK_TYPES, 0xffff, 147), { freq: 4 }),
  )
  .map(([f, flips, cut, extra, link]) => {
    const b = Buffer.from(f.bytes);
    for (const [at, x] of flips) if (b.length > 0) b[at % b.length]! ^= x;
    const end = cut === null ? b.length : cut % (b.length + 1);
    return { bytes: Uint8Array.from([...b.subarray(0, end), ...extra]), linkType: link ?? f.linkType };
  });

const random = fc.tuple(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...LINK_TYPES, 0, 12345)).map(([bytes, linkType]) => ({ bytes, linkType }));

const anyFrame = fc.oneof({ arbitrary: built, weight: 2 }, { arbitrary: fixture, weight: 1 }, { arbitrary: mutated, weight: 4 }, { arbitrary: random, weight: 2 });

/** Time steps: mostly small, some jumps forward, a few backwards (files are not always ordered). */
const step = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 300 }), weight: 8 }, { arbitrary: fc.integer({ min: 1000, max: 120_000 }), weight: 1 }, { arbitrary: fc.integer({ min: -2000, max: -1 }), weight: 1 });

describe('whole pipeline: Engine.frame() on anything', () => {
  it(
    'never throws; counts every frame and every byte exactly once',
    () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(anyFrame, step, fc.integer({ min: 0, max: 3000 })), { minLength: 1, maxLength: FRAMES_PER_RUN }),
          fc.boolean(),
          fc.boolean(),
          fc.boolean(),
          (frames, attribution, live, recorded) => {
            const snaps: Snapshot[] = [];
            const start = 1_000_000;
            const { engine } = testEngine({
              resolver: attribution ? new DemoResolver() : null,
              maxRows: 100,
              idleMs: 30_000,
              rowLimit: 50,
              onSnapshot: (s) => snaps.push(s),
              ...(live ? { startMs: start } : { startMs: undefined as unknown as number }),
            });
            let t = start;
            let wire = 0;
            const buf = Buffer.alloc(4096);
            for (const [f, dt, extraLen] of frames) {
              t = Math.max(start, t + dt);
              const offset = (extraLen % 7) * 3; // frames also start inside a bigger buffer
              buf.fill(0xa5);
              buf.set(f.bytes, offset);
              // a file's recorded wire length; live capture: unknown (0), the engine works it out
              const origLen = recorded ? f.bytes.length + extraLen : 0;
              wire += origLen;
              engine.frame(buf, offset, f.bytes.length, origLen, t, f.linkType);
              if (attribution) engine.resolvePending(t);
            }
            const last = engine.publish((Math.floor(engine.lastTsMs / 1000) + 1) * 1000);
            const tot = last.totals;
            expect(tot.packets).toBe(frames.length);
            const bytes = tot.rxBytes + tot.txBytes + tot.transitBytes;
            if (recorded) expect(bytes).toBe(wire);
            else expect(Number.isSafeInteger(bytes) && bytes >= 0).toBe(true);
            for (const s of snaps) {
              expect(s.hosts.length).toBeLessThanOrEqual(50 + 1);
              expect(s.processes.length).toBeLessThanOrEqual(50);
              for (const v of [s.totals.rx1, s.totals.tx2, s.totals.rx40, s.totals.peak]) expect(Number.isFinite(v) && v >= 0).toBe(true);
            }
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
