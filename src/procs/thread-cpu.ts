/**
 * CPU this process has used on threads other than the calling one: the libuv
 * pool's reads of /proc (and V8's helper threads), apart from the capture
 * loop on the main thread. Call it from the main thread.
 */
import { readFileSync } from 'node:fs';

/** ms of CPU, or NaN where /proc/thread-self is not there to tell the calling thread's share. */
export function offThreadCpuMs(): number {
  try {
    const u = process.cpuUsage();
    // schedstat: the thread's time on a CPU, in ns (rusage's user + system sum the same clock for all threads)
    const own = Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ', 1)[0]) / 1e6;
    return Number.isFinite(own) ? (u.user + u.system) / 1000 - own : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
