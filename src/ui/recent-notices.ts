import { formatClock } from './format.js';

/** How long a notice stays on the status line after the last snapshot that carried it. */
export const NOTICE_LINGER_MS = 10_000;

/**
 * Notices ("capture process exited …; restarted (1/3)") often ride on a single
 * snapshot, and one second on the status line is easy to miss. Keep each one
 * for a while, marked with the time it was last reported once it is no longer
 * current, so a lingering notice reads as an event rather than as the present.
 */
export class RecentNotices {
  private readonly seen = new Map<string, number>();

  /** The notices to show with this snapshot: its own first, then recent earlier ones, newest first. */
  update(notices: readonly string[], timeMs: number): string[] {
    for (const n of notices) this.seen.set(n, timeMs);
    const current = new Set(notices);
    const earlier: [string, number][] = [];
    for (const [n, t] of this.seen) {
      if (current.has(n)) continue;
      if (timeMs - t > NOTICE_LINGER_MS || t > timeMs) this.seen.delete(n);
      else earlier.push([n, t]);
    }
    earlier.sort((a, b) => b[1] - a[1]);
    return [...notices, ...earlier.map(([n, t]) => `${formatClock(t)} ${n}`)];
  }
}
