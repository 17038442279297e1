import { describe, expect, it } from 'vitest';
import { warmUpEngine } from '../../src/engine/warm-up.js';

describe('warm-up before the capture opens', () => {
  it('runs the new-connection and attribution paths without touching /proc or leaving timers behind', () => {
    const before = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').sort();
    warmUpEngine(2_000, 2_048);
    const after = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').sort();
    expect(after).toEqual(before); // no rescan timer, no pending fs reads: the capture process can exit when done
  });
});
