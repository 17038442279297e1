import type { FrameSink, PacketSource } from '../capture/packet-source.js';
import type { Engine } from './engine.js';
import { LocalGuess, LocalSample, applyGuess } from './guess-local.js';

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
  /** set when the local address is guessed from frames held on the way (a source read only once) */
  let guess: LocalGuess | null = null;
  // --duration for files: capture time, measured from the first packet.
  const cut = durationMs !== null && source.recordedTime ? durationMs : null;
  if (!source.recordedTime) {
    engine.advanceOnPackets = false;
    timer = setInterval(() => {
      const now = clock();
      engine.advanceTo(Math.floor(now / 1000));
      engine.resolvePending(now);
    }, TICK_MS);
  }
  const counted = (next: FrameSink): FrameSink => upTo(cut, next, () => source.stop());
  /** For a file without --net: the local address is guessed from its first frames before they count. */
  function guessing(): FrameSink {
    guess = new LocalGuess(engine, (addr) => applyGuess(engine, addr));
    return counted(guess);
  }
  /** A source that can be read twice is sampled by a read of its own first (it copies nothing). */
  async function sampledFirst(): Promise<FrameSink> {
    const sample = new LocalSample();
    let ended = false;
    if (!(await source.prescan!(upTo(cut, sample, () => (ended = true)), () => ended || sample.full))) return guessing();
    applyGuess(engine, sample.best());
    return counted(engine);
  }
  // Started at once unless a sample must be read first (a live source opens its capture here).
  let running: Promise<void>;
  if (!guessLocal) running = source.run(counted(engine));
  else if (source.prescan) running = sampledFirst().then((s) => source.run(s));
  else running = source.run(guessing());
  const done = running.then(
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

/** The frames of the first `ms` of capture time, from the first frame on (all of them when ms is null); `end` is called at the first one past. */
function upTo(ms: number | null, next: FrameSink, end: () => void): FrameSink {
  if (ms === null) return next;
  let firstMs = Number.NaN;
  let over = false;
  return {
    frame(buf, offset, capLen, origLen, tsMs, linkType) {
      if (over) return;
      if (Number.isNaN(firstMs)) firstMs = tsMs;
      else if (tsMs - firstMs >= ms) {
        over = true;
        return end();
      }
      next.frame(buf, offset, capLen, origLen, tsMs, linkType);
    },
  };
}

function finalTime(source: PacketSource, engine: Engine, clock: () => number): number {
  if (!source.recordedTime) return clock();
  // Files: close the second of the last packet so the final report covers the whole file.
  if (engine.packets === 0) return Number.isNaN(engine.startMs) ? 0 : engine.startMs;
  return (Math.floor(engine.lastTsMs / 1000) + 1) * 1000;
}
