import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';

/**
 * A small tmux driver for end-to-end screen tests. Every session lives on a
 * private tmux server (its own socket, no user config), so tests never touch
 * an operator's tmux, and killing that server removes everything at once.
 */

/** Why tmux tests cannot run here, or null when they can. */
export function tmuxUnavailable(): string | null {
  try {
    execFileSync('sh', ['-c', 'command -v tmux'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'needs tmux (apt-get install -y tmux)';
  }
}

const SOCKET = `wiretop-e2e-${process.pid}`;
const ENV = { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };
let counter = 0;
const live = new Set<TmuxSession>();
/** tmux leaves its socket file behind when the server exits; remembered to remove it */
let socketPath: string | null = null;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-u', '-L', SOCKET, '-f', '/dev/null', ...args], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 }).toString();
}

export interface SessionOptions {
  cols: number;
  rows: number;
  /** shell command line the session runs; when it exits, the session ends */
  command: string;
  /** extra environment for the command */
  env?: Record<string, string>;
}

export class TmuxSession {
  readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }

  static start(opts: SessionOptions): TmuxSession {
    if (socketPath === null) {
      // An idle session keeps the private server up between tests: a new session
      // started while the server exits after its last one fails ("server exited unexpectedly").
      tmux('new-session', '-d', '-s', `wt${process.pid}-keep`, 'exec sleep 600');
      socketPath = tmux('display-message', '-p', '-t', `wt${process.pid}-keep`, '#{socket_path}').trim();
    }
    const name = `wt${process.pid}-${++counter}`;
    const env = Object.entries({ TERM: 'tmux-256color', ...opts.env }).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    tmux('new-session', '-d', '-s', name, '-x', String(opts.cols), '-y', String(opts.rows), ...env, opts.command);
    // Keep the pane's last screen readable if the command exits early (a crash, say).
    tmux('set-option', '-t', name, 'remain-on-exit', 'on');
    const s = new TmuxSession(name);
    live.add(s);
    return s;
  }

  /** tmux key names: "Space", "Left", "Enter", "Escape", "C-c", "Tab"… */
  keys(...names: string[]): void {
    for (const k of names) tmux('send-keys', '-t', this.name, k);
  }

  /** Characters typed as they are (no key-name lookup). */
  type(text: string): void {
    tmux('send-keys', '-t', this.name, '-l', text);
  }

  /** The visible screen, one string per row (trailing blanks trimmed by tmux). */
  screen(): string[] {
    const lines = tmux('capture-pane', '-p', '-t', this.name).replace(/\n$/, '').split('\n');
    return lines;
  }

  text(): string {
    return this.screen().join('\n');
  }

  /** A tmux format about the pane: '#{alternate_on}', '#{cursor_flag}', '#{pane_pid}'… */
  display(format: string): string {
    return tmux('display-message', '-p', '-t', this.name, format).trim();
  }

  /** Poll the screen until `pred` holds; the error shows the last screen. */
  async waitFor(what: string, pred: (screen: string[]) => boolean, timeoutMs = 8000): Promise<string[]> {
    const until = Date.now() + timeoutMs;
    let last: string[] = [];
    for (;;) {
      last = this.screen();
      if (pred(last)) return last;
      if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; screen was:\n${last.join('\n')}`);
      await sleep(100);
    }
  }

  async waitForText(text: string | RegExp, timeoutMs = 8000): Promise<string[]> {
    return this.waitFor(String(text), (s) => (typeof text === 'string' ? s.join('\n').includes(text) : text.test(s.join('\n'))), timeoutMs);
  }

  /** Poll a pane format until it has `value`. */
  async waitForDisplay(format: string, value: string, timeoutMs = 5000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const got = this.display(format);
      if (got === value) return;
      if (Date.now() > until) throw new Error(`timed out waiting for ${format} = ${value} (is ${got}); screen was:\n${this.text()}`);
      await sleep(100);
    }
  }

  /** Pids of the pane's process and all its descendants, with their command lines. */
  processes(): { pid: number; cmdline: string }[] {
    const root = Number(this.display('#{pane_pid}'));
    const children = new Map<number, number[]>();
    const cmdlines = new Map<number, string>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const pid = Number(entry);
        children.set(ppid, [...(children.get(ppid) ?? []), pid]);
        cmdlines.set(pid, readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim());
      } catch {
        // gone meanwhile
      }
    }
    const out: { pid: number; cmdline: string }[] = [];
    const walk = (pid: number): void => {
      out.push({ pid, cmdline: cmdlines.get(pid) ?? '' });
      for (const c of children.get(pid) ?? []) walk(c);
    };
    walk(root);
    return out;
  }

  kill(): void {
    if (!live.delete(this)) return;
    try {
      tmux('kill-session', '-t', this.name);
    } catch {
      // already gone
    }
  }
}

/** Kill every session this process started, and the private tmux server (the next start makes a new one). */
export function killAllSessions(): void {
  for (const s of [...live]) s.kill();
  try {
    tmux('kill-server');
  } catch {
    // no server running
  }
  if (socketPath) rmSync(socketPath, { force: true });
  socketPath = null;
}

process.once('exit', () => {
  if (live.size > 0 || socketPath) killAllSessions();
});

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
