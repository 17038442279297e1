/**
 * Run an async function over many items with a bounded number in flight,
 * yielding to the event loop whenever a synchronous stretch exceeds sliceMs:
 * /proc walks must never hold the loop for more than a few milliseconds.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';

export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
  sliceMs = 4,
  shouldStop: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  let sliceStart = performance.now();
  const worker = async (): Promise<void> => {
    while (next < items.length && !shouldStop()) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch {
        // a vanished process is not an error worth reporting
      }
      if (performance.now() - sliceStart >= sliceMs) {
        await yieldToLoop();
        sliceStart = performance.now();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** Synchronous work over many items, cut into slices of at most ~sliceMs with a yield between. */
export async function forEachSliced<T>(items: Iterable<T>, fn: (item: T) => void, sliceMs = 4): Promise<void> {
  let sliceStart = performance.now();
  let n = 0;
  for (const item of items) {
    fn(item);
    if ((++n & 255) === 0 && performance.now() - sliceStart >= sliceMs) {
      await yieldToLoop();
      sliceStart = performance.now();
    }
  }
}
