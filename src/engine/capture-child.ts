/**
 * Entry point of the capture process: capture → decode → aggregate runs here,
 * away from the terminal, and only snapshots travel to the parent. A crash
 * here cannot take the operator's terminal down with it.
 */
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { InterfaceUnavailableError } from '../capture/live-source.js';
import { UserError } from '../util/user-error.js';
import { primeUsage } from '../procs/process-usage.js';
import type { CaptureConfig, ChildMessage, ParentMessage } from './capture-config.js';
import { startLiveEngine } from './live-engine.js';
import type { EngineRun } from './run-engine.js';

function send(msg: ChildMessage): void {
  if (process.connected) process.send?.(msg);
}

let run: EngineRun | null = null;
let watch: ((pids: number[]) => void) | null = null;

/**
 * Scheduling priority of the capture process when it may raise it (root or CAP_SYS_NICE).
 * On 2 cores under a flood the sender, the kernel and the TUI compete with capture; the
 * kernel ring holds ~20 ms of packets at 100 k/s, and a capture thread that waits longer
 * for a core loses packets. Nice -10 has ~10× the CFS weight of nice 0, so capture gets
 * the core it needs first; it is one thread that sleeps between drains, so the TUI keeps
 * the other core (keys stay responsive, measured by the latency bench).
 */
const CAPTURE_NICE = Number(process.env.WIRETOP_CAPTURE_NICE ?? -10);

/**
 * Linux nice values are per thread: renice every thread there is (V8's GC helpers included:
 * a scavenge waits for them, and at nice 0 they wait for a core), and the main thread
 * first so threads started later (libuv's pool) inherit it. Silently nothing without
 * the privilege.
 */
function raisePriority(): void {
  if (!(CAPTURE_NICE < 0)) return;
  try {
    setPriority(0, CAPTURE_NICE);
  } catch {
    return; // not permitted: stay at the inherited priority
  }
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        setPriority(Number(tid), CAPTURE_NICE);
      } catch {
        // thread gone
      }
    }
  } catch {
    // no /proc: the main thread is done
  }
}

process.on('message', (raw: ParentMessage) => {
  if (raw.type === 'start' && !starting) {
    starting = true;
    void (raw.config.attribution ? primeUsage() : Promise.resolve()).then(() => start(raw.config));
  } else if (raw.type === 'command' && raw.command.type === 'stop') {
    stopRequested = true; // also when it comes before the capture has opened
    run?.stop();
  } else if (raw.type === 'command' && raw.command.type === 'watch-pids') {
    watch?.(raw.command.pids); // CPU/memory for the processes on screen, whatever their rank
  }
});

let starting = false;
let stopRequested = false;

function start(config: CaptureConfig): void {
  try {
    raisePriority();
    const live = startLiveEngine(config, (snap) => send({ type: 'snapshot', snap }));
    run = live.run;
    watch = live.watch;
    run.done.then(
      () => {
        send({ type: 'end' });
        process.disconnect?.();
      },
      (err: unknown) => fail(err),
    );
    if (stopRequested) run.stop();
  } catch (err) {
    fail(err);
  }
}

// The parent went away (killed, or crashed): do not capture on alone.
process.on('disconnect', () => {
  run?.stop();
  setTimeout(() => process.exit(0), 200).unref();
});
process.on('SIGINT', () => undefined); // the parent decides when to stop
process.on('SIGTERM', () => run?.stop());

function fail(err: unknown): void {
  const user = err instanceof UserError;
  const code = user ? 2 : 1;
  const msg: ChildMessage = {
    type: 'error',
    message: err instanceof Error ? err.message : String(err),
    hint: user ? (err.hint ?? null) : null,
    user,
    iface: err instanceof InterfaceUnavailableError,
  };
  // Exit as soon as the parent has the message (at the latest after 200 ms).
  if (process.connected && process.send) process.send(msg, () => process.exit(code));
  setTimeout(() => process.exit(code), 200).unref();
}
