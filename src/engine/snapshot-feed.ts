import type { Snapshot } from '../core/snapshot.js';

/** Commands the UI or reporters send to the engine (across the process boundary). */
export type EngineCommand =
  | { type: 'stop' }
  /** processes whose CPU/memory should be sampled (rows on screen) */
  | { type: 'watch-pids'; pids: number[] };

/**
 * The UI's and reporters' view of the engine: snapshots out, commands in.
 * Implemented in-process (tests, files, demo) and over a child process (live).
 */
export interface SnapshotFeed {
  onSnapshot(listener: (snap: Snapshot) => void): void;
  /** The engine ended: files at EOF, or the capture failed (error set). */
  onEnd(listener: (error: Error | null) => void): void;
  send(command: EngineCommand): void;
  /** Stop the engine; resolves after the final snapshot has been delivered. */
  stop(): Promise<void>;
}
