import { afterEach, describe, expect, it, vi } from 'vitest';
import { ipv4, udpFrame } from '../../src/capture/demo/frame-builder.js';
import type { FrameSink, PacketSource } from '../../src/capture/packet-source.js';
import type { Snapshot } from '../../src/core/snapshot.js';
import { LinkType } from '../../src/decode/packet-info.js';
import { monotonicClock } from '../../src/util/clock.js';
import { runEngine } from '../../src/engine/run-engine.js';
import { LOCAL, testEngine } from './fixtures.js';

/** A live-like source (no recorded time): frames are stamped by the capture clock, pushed by the test. */
class ClockedSource implements PacketSource {
  readonly name = 'fake0';
  readonly recordedTime = false;
  sink: FrameSink | null = null;
  private finish: (() => void) | null = null;
  run(sink: FrameSink): Promise<void> {
    this.sink = sink;
    return new Promise((r) => (this.finish = r));
  }
  stop(): void {
    this.finish?.();
  }
  stats() {
    return { frames: 0, dropped: null };
  }
}

const buf = Buffer.alloc(2048);
const frameLen = udpFrame(buf, { src: ipv4('203.0.113.7'), dst: ipv4(LOCAL), sport: 5000, dport: 53 }, 58, false); // 100 bytes

/**
 * 30 s of a steady 1000 B/s stream (one 100-byte frame per 100 ms). The wall
 * clock jumps forward an hour at 10 s and back two hours at 20 s.
 */
async function steadyStreamWithWallClockJumps(clock: () => number, advance: (ms: number) => void): Promise<Snapshot[]> {
  const source = new ClockedSource();
  const { engine, snaps } = testEngine({ startMs: clock() });
  const run = runEngine(source, engine, clock);
  for (let i = 1; i <= 300; i++) {
    advance(100);
    vi.advanceTimersByTime(100);
    if (i === 100) vi.setSystemTime(Date.now() + 3_600_000);
    if (i === 200) vi.setSystemTime(Date.now() - 7_200_000);
    source.sink!.frame(buf, 0, frameLen, 0, clock(), LinkType.ETHERNET);
  }
  source.stop();
  await run.done;
  return snaps;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('a wall-clock step does not move rates (DESIGN §2: capture clock is monotonic)', () => {
  it('monotonicClock ignores Date jumps', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const m0 = monotonicClock();
    const p0 = performance.now();
    vi.setSystemTime(Date.now() + 3_600_000);
    const m1 = monotonicClock();
    vi.setSystemTime(Date.now() - 7_200_000);
    const m2 = monotonicClock();
    const real = performance.now() - p0;
    expect(m1 - m0).toBeLessThanOrEqual(real + 1);
    expect(m2 - m1).toBeGreaterThanOrEqual(0);
    expect(m2 - m0).toBeLessThanOrEqual(real + 1);
  });

  it('engine rates stay at 1000 B/s through +1 h and -2 h wall-clock jumps (injected monotonic clock)', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] });
    let mono = 2_000_000_000_000; // a monotonic epoch-ms clock the test advances itself
    const snaps = await steadyStreamWithWallClockJumps(
      () => mono,
      (ms) => (mono += ms),
    );
    const steady = snaps.filter((s) => s.elapsed >= 3 && s.elapsed <= 29);
    expect(steady.length).toBeGreaterThanOrEqual(25);
    for (const s of steady) {
      expect(s.totals.rx2).toBeCloseTo(1000, -1);
      expect(s.totals.rx1).toBeCloseTo(1000, -1);
    }
    const times = snaps.map((s) => s.time);
    for (let i = 1; i < times.length - 1; i++) expect(times[i]! - times[i - 1]!).toBe(1000);
    expect(snaps.at(-1)!.totals.rxBytes).toBe(30_000);
  });

  it('(control) the same run on Date.now would show the jumps: the test can tell', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] });
    const snaps = await steadyStreamWithWallClockJumps(
      () => Date.now(),
      () => undefined, // Date advances with the fake timers
    );
    const gaps = snaps.slice(1).map((s, i) => s.time - snaps[i]!.time);
    expect(gaps.some((g) => g !== 1000)).toBe(true);
  });
});
