/**
 * Shared pieces of `npm run bench`: the result row, process CPU from
 * /proc/PID/stat, and network namespaces that are always removed again.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';

export interface BenchRow {
  what: string;
  target: string;
  measured: string;
  reference: string;
  command: string;
  /** true: meets the target; false: misses it; null: no target or not measured */
  ok: boolean | null;
}

export interface BenchContext {
  quick: boolean;
  /** repo root (bin/wiretop.js lives under it) */
  root: string;
  log: (line: string) => void;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let clockTicks = 0;
/** Clock ticks per second of /proc/PID/stat times. */
export function clkTck(): number {
  if (clockTicks === 0) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime of a process in ms, or null when it is gone. */
export function cpuMs(pid: number): number | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / clkTck();
  } catch {
    return null;
  }
}

/** Resident set size of a process in bytes. */
export function rssBytes(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Direct children of a process. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      const c = readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim();
      if (c) out.push(...c.split(/\s+/).map(Number));
    }
  } catch {
    /* gone */
  }
  return out;
}

export function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function fmt(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

/** Why the namespace measurements cannot run here, or null. */
/** Why namespace tests or benchmarks cannot run here, or null when they can. */
export function netnsUnavailable(tools: string[] = []): string | null {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  for (const t of ['ip', ...tools]) if (!hasCommand(t)) return `needs ${t} (apt-get install -y ${t === 'ip' ? 'iproute2' : t})`;
  return null;
}

/** Everything the bench started, so that any exit removes it. */
const cleanups = new Set<() => void>();
export function onCleanup(f: () => void): () => void {
  cleanups.add(f);
  return () => cleanups.delete(f);
}
export function cleanupAll(): void {
  for (const f of [...cleanups].reverse()) {
    try {
      f();
    } catch {
      /* keep going */
    }
    cleanups.delete(f);
  }
}

/** Kill every process left in these network namespaces, then delete them (missing ones are skipped). */
export function deleteNamespaces(names: string[]): void {
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
  for (const ns of names) {
    if (!existsSync(`/run/netns/${ns}`)) continue;
    try {
      for (const pid of ip('netns', 'pids', ns).toString().split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    } catch {
      /* ignore */
    }
    try {
      ip('netns', 'del', ns);
    } catch {
      /* ignore */
    }
  }
}

export interface BenchPair {
  a: string;
  b: string;
  vethA: string;
  vethB: string;
  addrA: string;
  addrB: string;
  /** extra addresses on B's side (198.18.N.10 …) */
  extraB: string[];
  spawnIn(ns: string, cmd: string, args: string[], opts?: { stdio?: 'pipe' | 'ignore' }): ChildProcess;
  exec(ns: string, cmd: string, args: string[], timeoutMs?: number): string;
  counters(): { packets: number; bytes: number };
  cleanup(): void;
}

/**
 * Two namespaces joined by a veth pair, 198.18.N.0/24 (N in 70–79). Every
 * process spawned in them is killed and both are deleted by cleanup(), which
 * also runs on any exit of the bench.
 */
export function createBenchPair(tag: string, subnet: number, extraAddresses = 0): BenchPair {
  const id = `${tag}${process.pid % 10000}`;
  const a = `wtb-${id}-a`;
  const b = `wtb-${id}-b`;
  const vethA = `wba${id}`.slice(0, 15);
  const vethB = `wbb${id}`.slice(0, 15);
  const addrA = `198.18.${subnet}.1`;
  const addrB = `198.18.${subnet}.2`;
  const extraB = Array.from({ length: extraAddresses }, (_, i) => `198.18.${subnet}.${10 + i}`);
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
  const children: ChildProcess[] = [];
  const cleanup = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    deleteNamespaces([a, b]);
  };
  cleanup();
  const unregister = onCleanup(cleanup);
  ip('netns', 'add', a);
  ip('netns', 'add', b);
  ip('link', 'add', vethA, 'netns', a, 'type', 'veth', 'peer', 'name', vethB, 'netns', b);
  for (const [ns, dev, v4] of [
    [a, vethA, addrA],
    [b, vethB, addrB],
  ] as const) {
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'addr', 'add', `${v4}/24`, 'dev', dev);
    ip('-n', ns, 'link', 'set', dev, 'up');
    execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', `net.ipv6.conf.${dev}.disable_ipv6=1`], { stdio: 'ignore' });
  }
  for (const x of extraB) ip('-n', b, 'addr', 'add', `${x}/24`, 'dev', vethB);
  const read = (f: string) => Number(execFileSync('ip', ['netns', 'exec', a, 'cat', `/sys/class/net/${vethA}/statistics/${f}`]).toString().trim());
  return {
    a,
    b,
    vethA,
    vethB,
    addrA,
    addrB,
    extraB,
    spawnIn: (ns, cmd, args, opts = {}) => {
      const c = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['pipe', opts.stdio ?? 'pipe', 'pipe'] });
      children.push(c);
      return c;
    },
    exec: (ns, cmd, args, timeoutMs = 60_000) => execFileSync('ip', ['netns', 'exec', ns, cmd, ...args], { timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] }).toString(),
    counters: () => ({ packets: read('rx_packets') + read('tx_packets'), bytes: read('rx_bytes') + read('tx_bytes') }),
    cleanup: () => {
      cleanup();
      unregister();
    },
  };
}

/** Resolves when the child exits (at once if it already has). */
export function exited(c: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    c.once('exit', () => resolve());
  });
}

/** The totals of a `--json` report (DESIGN §3). */
export interface ReportTotals {
  rx_bytes: number;
  tx_bytes: number;
  transit_bytes: number;
  packets: number;
  dropped: number | null;
}

/** Totals of the last `--json` report among a child's stdout lines. */
export function lastReportTotals(lines: readonly string[]): ReportTotals {
  const last = lines.filter((l) => l.startsWith('{')).at(-1);
  if (last === undefined) throw new Error('wiretop printed no report');
  return (JSON.parse(last) as { totals: ReportTotals }).totals;
}

/** Stdout lines of a child, and a way to wait for one. */
export function lineReader(c: ChildProcess): { all: string[]; wait(pred: (l: string) => boolean, timeoutMs: number): Promise<string> } {
  const all: string[] = [];
  let buf = '';
  const waiters: { pred: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  c.stdout?.setEncoding('utf8');
  c.stdout?.on('data', (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const l = buf.slice(0, i);
      buf = buf.slice(i + 1);
      all.push(l);
      for (const w of [...waiters]) {
        if (w.pred(l)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(l);
        }
      }
    }
  });
  return {
    all,
    wait: (pred, timeoutMs) =>
      new Promise((resolve, reject) => {
        const hit = all.find(pred);
        if (hit !== undefined) return resolve(hit);
        const t = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for output (${all.length} lines so far)`)), timeoutMs);
        waiters.push({ pred, resolve: (l) => (clearTimeout(t), resolve(l)) });
      }),
  };
}

/** The first descendant pid whose command line contains `needle`. */
export function findDescendant(pid: number, needle: string): number | null {
  for (const c of childrenOf(pid)) {
    try {
      if (readFileSync(`/proc/${c}/cmdline`, 'utf8').includes(needle)) return c;
    } catch {
      /* gone */
    }
    const d = findDescendant(c, needle);
    if (d !== null) return d;
  }
  return null;
}
