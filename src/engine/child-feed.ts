import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { interfaceState } from '../capture/interfaces.js';
import type { Snapshot } from '../core/snapshot.js';
import { UserError } from '../util/user-error.js';
import type { CaptureConfig, ChildMessage } from './capture-config.js';
import { CarryOver, quietSnapshot } from './capture-gap.js';
import { monotonicClock } from '../util/clock.js';
import type { EngineCommand, SnapshotFeed } from './snapshot-feed.js';

const MAX_RESTARTS = 3;
/** How often a missing or down interface is checked again. */
const RETRY_MS = 1000;

/** cap asserts in its poll callback when the capture socket reports an error (interface went down or away). */
const POLL_ERROR = /Assertion .status == 0. failed/;

export interface ChildFeedOptions {
  /** for tests: how the interface is doing (default: /sys/class/net) */
  interfaceState?: (name: string) => 'up' | 'down' | 'missing';
  clock?: () => number;
  retryMs?: number;
  /** for tests: start this module instead of the capture child */
  entry?: string;
}

/**
 * The engine in a child process (production live capture). Snapshots arrive
 * over IPC.
 *
 * - The capture interface goes down or disappears (the capture process then
 *   dies in cap, or cannot open): the feed waits for it without limit,
 *   checking every second, and meanwhile publishes the last snapshot with
 *   zero rates and a notice ("eth0 is down — waiting"); when the interface is
 *   back a new capture process starts ("capture resumed on eth0") and
 *   CarryOver keeps totals and cumulative bytes counting since start.
 * - Any other unexpected death is restarted (with a notice) up to
 *   MAX_RESTARTS times, then the feed ends with the reason.
 *
 * Snapshots are renumbered here so `seq` keeps increasing across restarts.
 */
export function childFeed(config: CaptureConfig, options: ChildFeedOptions = {}): SnapshotFeed {
  const stateOf = options.interfaceState ?? interfaceState;
  const clock = options.clock ?? monotonicClock;
  const retryMs = options.retryMs ?? RETRY_MS;
  const iface = config.interfaceName;
  const snapListeners: ((s: Snapshot) => void)[] = [];
  const endListeners: ((e: Error | null) => void)[] = [];
  let ended: { error: Error | null } | null = null;
  let child: ChildProcess | null = null;
  let stopping = false;
  let restarts = 0;
  let pendingNotice: string | null = null;
  let seq = 0;
  let last: Snapshot | null = null;
  const carry = new CarryOver(config.idleMs, config.rowLimit);
  let waiting: { timer: NodeJS.Timeout; notice: string } | null = null;
  let stopResolve: (() => void) | null = null;
  const stopped = new Promise<void>((r) => (stopResolve = r));

  function end(error: Error | null) {
    if (ended) return;
    ended = { error };
    endListeners.forEach((l) => l(error));
    stopResolve?.();
  }

  function publish(snap: Snapshot) {
    last = snap;
    snapListeners.forEach((l) => l(snap));
  }

  function waitingNotice(state: 'up' | 'down' | 'missing'): string {
    if (state === 'missing') return `${iface} is gone — waiting for it`;
    if (state === 'down') return `${iface} is down — waiting`;
    return `capture on ${iface} failed — retrying`;
  }

  /** Capture stopped because of the interface: wait (without limit) until it can open again. */
  function waitForInterface(state: 'up' | 'down' | 'missing') {
    const notice = waitingNotice(state);
    carry.rebase(last!, clock());
    const every = config.publishEverySec * 1000;
    const check = () => {
      if (stopping) return;
      const now = clock();
      const s = stateOf(iface);
      if (s === 'up') {
        clearInterval(timer);
        waiting = null;
        pendingNotice = `capture resumed on ${iface}`;
        carry.restartAt(now);
        start();
        return;
      }
      const notice = waitingNotice(s);
      waiting!.notice = notice;
      if (now - last!.time >= every - retryMs / 2) publish(quietSnapshot(last!, now, ++seq, notice));
    };
    const timer = setInterval(check, retryMs);
    waiting = { timer, notice };
    // show the notice now rather than at the next interval
    publish(quietSnapshot(last!, clock(), ++seq, notice));
  }

  function spawnChild(): ChildProcess {
    const entry = options.entry ?? fileURLToPath(new URL('./capture-child.js', import.meta.url));
    const opts = { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] as ('ignore' | 'pipe' | 'ipc')[], serialization: 'advanced' as const, env: captureEnv() };
    // cap aborts the process when the interface goes away: no core dump (of a 128 MB ring) per outage.
    if (existsSync('/bin/sh')) {
      return spawn('/bin/sh', ['-c', 'ulimit -c 0 2>/dev/null; exec "$@"', 'wiretop-capture', process.execPath, ...process.execArgv, entry], opts);
    }
    return fork(entry, [], opts);
  }

  function start() {
    const c = spawnChild();
    child = c;
    let stderr = '';
    let reported: { error: Error; iface: boolean } | null = null;
    let gotSnapshot = false;
    c.stderr?.setEncoding('utf8');
    c.stderr?.on('data', (d: string) => {
      // Never shown as is (libpcap's "Warning: … This may not actually work" on address-less interfaces is noise);
      // the last line explains an unexpected exit.
      stderr = (stderr + d).split('\n').filter((l) => !/^Warning: .*may not actually work/.test(l)).join('\n').slice(-4000);
    });
    c.on('message', (msg: ChildMessage) => {
      if (msg.type === 'snapshot') {
        gotSnapshot = true;
        const snap = carry.apply(msg.snap);
        snap.seq = ++seq;
        if (pendingNotice) {
          snap.notices = [...snap.notices, pendingNotice];
          pendingNotice = null;
        }
        publish(snap);
      } else if (msg.type === 'error') {
        reported = { error: msg.user ? new UserError(msg.message, msg.hint ?? undefined) : new Error(msg.message), iface: msg.iface === true };
      }
    });
    c.on('error', (err) => {
      // could not spawn at all
      if (!reported) reported = { error: err, iface: false };
    });
    c.on('exit', (code, signal) => {
      child = null;
      if (stopping) {
        if (!gotSnapshot && last) publish(quietSnapshot(last, clock(), ++seq, waiting?.notice ?? `capture on ${iface} stopped`));
        return end(null);
      }
      if (code === 0 && !reported) return end(null);
      // Once capture has run, an interface that went down or away is waited for, however often.
      if (last) {
        const state = stateOf(iface);
        if (state !== 'up' || reported?.iface || POLL_ERROR.test(stderr)) return waitForInterface(state);
      }
      if (reported) return end(reported.error);
      const why = signal ? `killed by ${signal}` : `exited with code ${code}`;
      const detail = stderr.trim().split('\n').filter(Boolean).slice(-1)[0];
      const reason = `capture process ${why}${detail ? `: ${detail}` : ''}`;
      if (last && restarts < MAX_RESTARTS) {
        restarts++;
        pendingNotice = `${reason}; restarted (${restarts}/${MAX_RESTARTS})`;
        carry.rebase(last, clock());
        start();
      } else {
        end(new Error(reason));
      }
    });
    c.send({ type: 'start', config });
  }

  start();
  return {
    onSnapshot: (l) => void snapListeners.push(l),
    onEnd: (l) => {
      if (ended) l(ended.error);
      else endListeners.push(l);
    },
    send: (command: EngineCommand) => {
      if (command.type === 'stop') stopping = true;
      if (child?.connected) child.send({ type: 'command', command });
    },
    stop: async () => {
      stopping = true;
      if (waiting) {
        // no capture running: the final report is the waiting one
        clearInterval(waiting.timer);
        if (last) publish(quietSnapshot(last, clock(), ++seq, waiting.notice));
        waiting = null;
        end(null);
      }
      if (child?.connected) child.send({ type: 'command', command: { type: 'stop' } });
      else if (!child) end(null);
      const kill = setTimeout(() => child?.kill('SIGKILL'), 3000);
      await stopped;
      clearTimeout(kill);
    },
  };
}

/**
 * The capture process's environment; the user's own values win.
 * - UV_THREADPOOL_SIZE: /proc is read through libuv's threadpool (4 threads by default) and a
 *   rescan queues dozens of small reads at once: the fd read of a brand-new process then waits
 *   behind them and a 50 ms client is gone before it is read (5 of 12 such connections attributed
 *   with 4 threads, 10 of 12 with 16).
 * - MALLOC_MMAP_THRESHOLD_: the tables grow by copying into larger typed arrays; with glibc's
 *   dynamic threshold the freed ones stay resident. A fixed threshold keeps large blocks on mmap,
 *   returned when freed (RSS with 1 M distinct sources: 205–242 MB → 191–195 MB; soak flat at 100 MB).
 */
export function captureEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...env,
    UV_THREADPOOL_SIZE: env.UV_THREADPOOL_SIZE ?? '16',
    MALLOC_MMAP_THRESHOLD_: env.MALLOC_MMAP_THRESHOLD_ ?? '131072',
    NODE_OPTIONS: `${CAPTURE_NODE_OPTIONS} ${env.NODE_OPTIONS ?? ''}`.trim(),
  };
}

/**
 * V8 options of the capture process, before the user's own (a later flag wins).
 * --max-semi-space-size: node 20 lets the young generation grow to 2 × 16 MB, which the capture
 * process keeps committed after its first busy seconds, though its per-packet path allocates
 * nothing and what a second's snapshot allocates is short-lived. 4 MB semi-spaces: RSS with 1 M
 * distinct sources 207 → 171 MB (after 2 M: 184 → 176 MB), heap committed 38 → 25 MB.
 */
const CAPTURE_NODE_OPTIONS = '--max-semi-space-size=4';
