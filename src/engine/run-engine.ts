import type { FrameSink, PacketSource } from '../capture/packet-source.js';
import type { Engine } from './engine.js';
import { LocalGuess, applyGuess } from './guess-local.js';

export interface EngineRun {
  /** resolves after the source ended and the final snapshot was published */
  done: Promise<void>;
  stop(): void;
}

const TICK_MS = 200;

/**
 * Drive an engine from a source. Live sources (own clock) also need a timer
 * so seconds close and attribution proceeds while the link is quiet; file
 * sources advance by their packets' own timestamps, as fast as they can.
 */
export function runEngine(source: PacketSource, engine: Engine, clock: () => number, durationMs: number | null = null, guessLocal = false): EngineRun {
  let timer: NodeJS.Timeout | null = null;
  let sink: FrameSink = engine;
  // For a file without --net: the local address is guessed from its first frames, in this pass.
  const guess = guessLocal ? new LocalGuess(engine, (addr) => applyGuess(engine, addr)) : null;
  if (guess) sink = guess;
  if (durationMs !== null && source.recordedTime) {
    // --duration for files: capture time, measured from the first packet.
    const next = sink;
    let firstMs = Number.NaN;
    sink = {
      frame(buf, offset, capLen, origLen, tsMs, linkType) {
        if (Number.isNaN(firstMs)) firstMs = tsMs;
        else if (tsMs - firstMs >= durationMs) return source.stop();
        next.frame(buf, offset, capLen, origLen, tsMs, linkType);
      },
    };
  }
  if (!source.recordedTime) {
    engine.advanceOnPackets = false;
    timer = setInterval(() => {
      const now = clock();
      engine.advanceTo(Math.floor(now / 1000));
      engine.resolvePending(now);
    }, TICK_MS);
  }
  const done = source.run(sink).then(
    () => {
      if (timer) clearInterval(timer);
      guess?.finish();
      engine.publish(finalTime(source, engine, clock));
    },
    (err: unknown) => {
      if (timer) clearInterval(timer);
      throw err;
    },
  );
  return { done, stop: () => source.stop() };
}

function finalTime(source: PacketSource, engine: Engine, clock: () => number): number {
  if (!source.recordedTime) return clock();
  // Files: close the second of the last packet so the final report covers the whole file.
  if (engine.packets === 0) return Number.isNaN(engine.startMs) ? 0 : engine.startMs;
  return (Math.floor(engine.lastTsMs / 1000) + 1) * 1000;
}
