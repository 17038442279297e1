import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Snapshot } from '../core/snapshot.js';
import { UserError } from '../util/user-error.js';
import type { CaptureConfig, ChildMessage } from './capture-config.js';
import type { EngineCommand, SnapshotFeed } from './snapshot-feed.js';

const MAX_RESTARTS = 3;

/**
 * The engine in a child process (production live capture). Snapshots arrive
 * over IPC; if the capture process dies unexpectedly it is restarted (with a
 * notice on the next snapshot) up to MAX_RESTARTS times, then the feed ends
 * with the reason.
 */
export function childFeed(config: CaptureConfig): SnapshotFeed {
  const snapListeners: ((s: Snapshot) => void)[] = [];
  const endListeners: ((e: Error | null) => void)[] = [];
  let ended: { error: Error | null } | null = null;
  let child: ChildProcess | null = null;
  let stopping = false;
  let restarts = 0;
  let pendingNotice: string | null = null;
  let gotSnapshot = false;
  let stopResolve: (() => void) | null = null;
  const stopped = new Promise<void>((r) => (stopResolve = r));

  function end(error: Error | null) {
    if (ended) return;
    ended = { error };
    endListeners.forEach((l) => l(error));
    stopResolve?.();
  }

  function start() {
    const entry = fileURLToPath(new URL('./capture-child.js', import.meta.url));
    const c = fork(entry, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    child = c;
    let stderr = '';
    let reported: Error | null = null;
    c.stderr?.setEncoding('utf8');
    c.stderr?.on('data', (d: string) => {
      // libpcap's "Warning: … This may not actually work" on address-less interfaces is noise.
      stderr = (stderr + d).split('\n').filter((l) => !/^Warning: .*may not actually work/.test(l)).join('\n').slice(-4000);
    });
    c.on('message', (msg: ChildMessage) => {
      if (msg.type === 'snapshot') {
        gotSnapshot = true;
        if (pendingNotice) {
          msg.snap.notices.push(pendingNotice);
          pendingNotice = null;
        }
        snapListeners.forEach((l) => l(msg.snap));
      } else if (msg.type === 'error') {
        reported = msg.user ? new UserError(msg.message, msg.hint ?? undefined) : new Error(msg.message);
      }
    });
    c.on('exit', (code, signal) => {
      child = null;
      if (reported) return end(reported);
      if (stopping || code === 0) return end(null);
      const why = signal ? `killed by ${signal}` : `exited with code ${code}`;
      const detail = stderr.trim().split('\n').filter(Boolean).slice(-1)[0];
      const reason = `capture process ${why}${detail ? `: ${detail}` : ''}`;
      if (gotSnapshot && restarts < MAX_RESTARTS) {
        restarts++;
        pendingNotice = `${reason}; restarted (${restarts}/${MAX_RESTARTS})`;
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
      if (child?.connected) child.send({ type: 'command', command: { type: 'stop' } });
      else if (!child) end(null);
      const kill = setTimeout(() => child?.kill('SIGKILL'), 3000);
      await stopped;
      clearTimeout(kill);
    },
  };
}
