/**
 * Entry point of the capture process: capture → decode → aggregate runs here,
 * away from the terminal, and only snapshots travel to the parent. A crash
 * here cannot take the operator's terminal down with it.
 */
import { InterfaceUnavailableError } from '../capture/live-source.js';
import { UserError } from '../util/user-error.js';
import type { ChildMessage, ParentMessage } from './capture-config.js';
import { startLiveEngine } from './live-engine.js';
import type { EngineRun } from './run-engine.js';

function send(msg: ChildMessage): void {
  if (process.connected) process.send?.(msg);
}

let run: EngineRun | null = null;

process.on('message', (raw: ParentMessage) => {
  if (raw.type === 'start' && run === null) {
    try {
      run = startLiveEngine(raw.config, (snap) => send({ type: 'snapshot', snap })).run;
      run.done.then(
        () => {
          send({ type: 'end' });
          process.disconnect?.();
        },
        (err: unknown) => fail(err),
      );
    } catch (err) {
      fail(err);
    }
  } else if (raw.type === 'command' && raw.command.type === 'stop') {
    run?.stop();
  }
});

// The parent went away (killed, or crashed): do not capture on alone.
process.on('disconnect', () => {
  run?.stop();
  setTimeout(() => process.exit(0), 200).unref();
});
process.on('SIGINT', () => undefined); // the parent decides when to stop
process.on('SIGTERM', () => run?.stop());

function fail(err: unknown): void {
  const user = err instanceof UserError;
  send({
    type: 'error',
    message: err instanceof Error ? err.message : String(err),
    hint: user ? (err.hint ?? null) : null,
    user,
    iface: err instanceof InterfaceUnavailableError,
  });
  setTimeout(() => process.exit(user ? 2 : 1), 50);
}
