import type { PacketSource } from '../capture/packet-source.js';
import type { Snapshot } from '../core/snapshot.js';
import { Engine, type EngineOptions } from './engine.js';
import { runEngine } from './run-engine.js';
import type { EngineCommand, SnapshotFeed } from './snapshot-feed.js';

/**
 * The engine in this process: for files, the demo and tests. `guessLocal`: a file without
 * --net, whose local address is guessed from its first frames (see LocalGuess).
 */
export function inProcessFeed(
  source: PacketSource,
  options: Omit<EngineOptions, 'onSnapshot'>,
  clock: () => number,
  durationMs: number | null = null,
  guessLocal = false,
): SnapshotFeed & { engine: Engine } {
  const snapListeners: ((s: Snapshot) => void)[] = [];
  const endListeners: ((e: Error | null) => void)[] = [];
  let ended: { error: Error | null } | null = null;
  const engine = new Engine({ ...options, onSnapshot: (s) => snapListeners.forEach((l) => l(s)) });
  // Start on the next turn so listeners can attach first.
  const run = new Promise<ReturnType<typeof runEngine>>((resolve) => setImmediate(() => resolve(runEngine(source, engine, clock, durationMs, guessLocal))));
  const done = run
    .then((r) => r.done)
    .then(
      () => finish(null),
      (err: unknown) => finish(err instanceof Error ? err : new Error(String(err))),
    );
  function finish(error: Error | null) {
    ended = { error };
    endListeners.forEach((l) => l(error));
  }
  return {
    engine,
    onSnapshot: (l) => void snapListeners.push(l),
    onEnd: (l) => {
      if (ended) l(ended.error);
      else endListeners.push(l);
    },
    send: (cmd: EngineCommand) => {
      if (cmd.type === 'stop') void run.then((r) => r.stop());
    },
    stop: async () => {
      (await run).stop();
      await done;
    },
  };
}
