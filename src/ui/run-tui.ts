import type { Snapshot } from '../core/snapshot.js';
import type { SnapshotFeed } from '../engine/snapshot-feed.js';
import { HistoryRing } from './history-ring.js';
import type { NameLookup } from './name-lookup.js';
import { RecentNotices } from './recent-notices.js';
import { TuiScreen } from './screen.js';
import { initialState, reduce, resize, type UiState } from './ui-state.js';
import { buildViewModel, type ViewModel } from './view-model.js';

export type { NameLookup } from './name-lookup.js';

export interface TuiOptions {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  bits?: boolean;
  dns?: boolean;
  services?: boolean;
  names?: NameLookup;
  title?: string;
  /** terminfo name; defaults to $TERM (xterm-256color when unset) */
  terminal?: string;
  /** initial sort column id (config file "sort") */
  sort?: string;
  /** seconds kept for freeze-and-scrub and the graphs (default 600, at least 300) */
  historySeconds?: number;
}

/** How long quitting waits for the engine to stop before giving up on it. */
const STOP_TIMEOUT_MS = 2000;

/**
 * The full-screen UI: one redraw per snapshot (unless frozen, when only the
 * status line moves), one per key. Resolves when the user quits, after the
 * terminal is restored; rejects with the feed's error, or an unexpected one,
 * also after restoring the terminal. SIGTERM, SIGINT and SIGHUP end it like q.
 */
export async function runTui(feed: SnapshotFeed, opts: TuiOptions = {}): Promise<void> {
  const history = new HistoryRing(opts.historySeconds);
  const names = opts.names ?? null;
  const screen = new TuiScreen({
    input: opts.input ?? process.stdin,
    output: opts.output ?? process.stdout,
    terminal: opts.terminal,
    title: opts.title,
  });
  let state: UiState = initialState({
    ...(opts.sort ? { sort: opts.sort } : {}),
    bits: opts.bits ?? false,
    dns: opts.dns ?? true,
    services: opts.services ?? true,
    width: screen.width,
    height: screen.height,
  });
  let latest: Snapshot | null = null;
  const notices = new RecentNotices();
  let vm: ViewModel | null = null;
  let watched = '';
  let finished = false;
  let settle: { resolve: () => void; reject: (e: unknown) => void } | null = null;
  let pendingError: unknown = null;
  let pendingDone = false;

  const finish = (error: unknown): void => {
    if (finished) return;
    finished = true;
    for (const [signal, handler] of signalHandlers) process.removeListener(signal, handler);
    try {
      screen.destroy();
    } catch {
      // The terminal may already be gone (SSH dropped); nothing more to restore.
    }
    const stopped = Promise.race([
      feed.stop().catch(() => undefined),
      new Promise<void>((r) => setTimeout(r, STOP_TIMEOUT_MS).unref()),
    ]);
    void stopped.then(() => {
      if (settle) {
        if (error) settle.reject(error);
        else settle.resolve();
      } else {
        pendingError = error;
        pendingDone = true;
      }
    });
  };

  const draw = (): void => {
    if (finished) return;
    try {
      state = resize(state, screen.width, screen.height);
      vm = buildViewModel(latest, history, state, names);
      screen.render(vm);
      const pids = vm.watchPids.join(',');
      if (pids !== watched) {
        watched = pids;
        feed.send({ type: 'watch-pids', pids: vm.watchPids });
      }
    } catch (error) {
      finish(error);
    }
  };

  const signalHandlers: [NodeJS.Signals, () => void][] = (['SIGTERM', 'SIGINT', 'SIGHUP'] as const).map((s) => [
    s,
    () => finish(null),
  ]);
  for (const [signal, handler] of signalHandlers) process.on(signal, handler);

  screen.onKey((name) => {
    if (finished) return;
    try {
      state = reduce(state, name, vm?.nav);
    } catch (error) {
      finish(error);
      return;
    }
    if (state.quit) finish(null);
    else draw();
  });
  screen.onResize(draw);
  opts.output?.on?.('error', (error: unknown) => finish(error));

  feed.onSnapshot((snap) => {
    if (finished) return;
    history.push(snap);
    const shown = notices.update(snap.notices, snap.time);
    latest = shown.length === snap.notices.length ? snap : { ...snap, notices: shown };
    draw();
  });
  feed.onEnd((error) => {
    if (finished) return;
    if (error) {
      finish(error);
      return;
    }
    // A file or a demo ran out: keep the last second on screen for inspection.
    if (latest) latest = { ...latest, notices: [...latest.notices, 'capture ended · q quits'] };
    draw();
  });

  draw();
  return new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
    if (pendingDone) {
      if (pendingError) reject(pendingError);
      else resolve();
    }
  });
}
