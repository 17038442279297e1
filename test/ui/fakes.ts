import { PassThrough } from 'node:stream';
import { Terminal } from '@xterm/headless';
import type { ConnectionRow, HostRow, ProcessRow, Rates, Snapshot } from '../../src/core/snapshot.js';
import type { EngineCommand, SnapshotFeed } from '../../src/engine/snapshot-feed.js';

/** Rates where every window shows `rx`/`tx` (steady traffic). */
export function steady(rx: number, tx: number): Rates {
  return { rx1: rx, tx1: tx, rx2: rx, tx2: tx, rx10: rx, tx10: tx, rx40: rx, tx40: tx, peak: rx + tx };
}

export function host(address: string, rx: number, tx: number, extra: Partial<HostRow> = {}): HostRow {
  return {
    key: address,
    host: address,
    family: address.includes(':') ? 6 : 4,
    transit: false,
    localPorts: 1,
    processKeys: [],
    ...steady(rx, tx),
    rxBytes: rx * 10,
    txBytes: tx * 10,
    packets: 10,
    lastSeen: 0,
    ...extra,
  };
}

export function proc(pid: number | null, name: string, rx: number, tx: number, extra: Partial<ProcessRow> = {}): ProcessRow {
  return {
    key: pid === null ? name : `${pid}:1000`,
    pid,
    name,
    cmdline: name,
    user: pid === null ? null : 'root',
    netns: null,
    connections: 1,
    gone: false,
    cpu: pid === null ? null : 1.5,
    memory: pid === null ? null : 12 * 1024 * 1024,
    ...steady(rx, tx),
    rxBytes: rx * 10,
    txBytes: tx * 10,
    packets: 10,
    lastSeen: 0,
    ...extra,
  };
}

export function conn(p: ProcessRow, h: HostRow, localPort: number, remotePort: number, rx: number, tx: number, proto = 'tcp'): ConnectionRow {
  const local = `198.18.0.1:${localPort}`;
  const remote = h.family === 6 ? `[${h.host}]:${remotePort}` : `${h.host}:${remotePort}`;
  return {
    key: `${proto} ${local} ${remote}`,
    proto,
    local,
    remote,
    hostKey: h.key,
    processKey: p.key,
    pid: p.pid,
    process: p.name,
    ...steady(rx, tx),
    rxBytes: rx * 10,
    txBytes: tx * 10,
    packets: 10,
    lastSeen: 0,
  };
}

export const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);

export function snapshot(seq: number, parts: Partial<Pick<Snapshot, 'hosts' | 'processes' | 'connections' | 'notices'>> = {}): Snapshot {
  const hosts = parts.hosts ?? [];
  const sum = (f: (h: HostRow) => number) => hosts.reduce((s, h) => s + f(h), 0);
  const rx = sum((h) => h.rx1);
  const tx = sum((h) => h.tx1);
  return {
    seq,
    time: T0 + seq * 1000,
    elapsed: seq,
    interface: 'eth0',
    filter: null,
    local: '198.18.0.1',
    totals: {
      ...steady(rx, tx),
      rxBytes: sum((h) => h.rxBytes),
      txBytes: sum((h) => h.txBytes),
      transitBytes: 0,
      packets: sum((h) => h.packets),
      malformed: 0,
      dropped: 0,
    },
    hosts,
    processes: parts.processes ?? [],
    connections: parts.connections ?? [],
    notices: parts.notices ?? [],
  };
}

/**
 * A small world: three hosts, three processes, four connections. `t` moves
 * the rates a little so that successive seconds differ.
 */
export function world(seq: number, t = seq): Snapshot {
  const wobble = (base: number, k: number) => Math.round(base * (1 + 0.3 * Math.sin(t / 3 + k)));
  const nginx = proc(1234, 'nginx', wobble(50_000, 1), wobble(900_000, 2), { user: 'www-data', connections: 2 });
  const named = proc(53, 'named', wobble(20_000, 3), wobble(400_000, 4), { user: 'bind' });
  const kernel = proc(null, '<kernel>', 300, 100);
  const a = host('198.18.0.2', wobble(40_000, 5), wobble(700_000, 6), { processKeys: [nginx.key] });
  const b = host('198.18.0.77', wobble(20_000, 7), wobble(400_000, 8), { processKeys: [named.key, kernel.key], localPorts: 3 });
  const c = host('fd00::5', wobble(10_000, 9), wobble(200_000, 10), { processKeys: [nginx.key] });
  return snapshot(seq, {
    hosts: [a, b, c],
    processes: [nginx, named, kernel],
    connections: [
      conn(nginx, a, 443, 50000, a.rx1, a.tx1),
      conn(nginx, c, 443, 50001, c.rx1, c.tx1),
      conn(named, b, 53, 40000, b.rx1 - 300, b.tx1 - 100, 'udp'),
      { ...conn(kernel, b, 0, 0, 300, 100, 'icmp'), local: '198.18.0.1', remote: '198.18.0.77' },
    ],
  });
}

/** `n` busy hosts and processes whose rates all change every second. */
export function busy(seq: number, n: number): Snapshot {
  const hosts: HostRow[] = [];
  const processes: ProcessRow[] = [];
  const connections: ConnectionRow[] = [];
  for (let i = 0; i < n; i++) {
    const v = (k: number) => Math.round(100_000 * (i + 1) * (1 + 0.5 * Math.sin(seq / 2 + i + k)));
    const p = proc(1000 + i, `worker-${i}`, v(1), v(2));
    const h = host(`198.18.1.${i + 10}`, v(3), v(4), { processKeys: [p.key], rxBytes: v(5) * seq, txBytes: v(6) * seq });
    hosts.push(h);
    processes.push({ ...p, rxBytes: v(7) * seq, txBytes: v(8) * seq, cpu: (seq * 7 + i) % 100 });
    connections.push(conn(p, h, 8000 + i, 40000 + i, h.rx1, h.tx1));
  }
  return snapshot(seq, { hosts, processes, connections });
}

/** Deterministic noise in [-1, 1). */
function noise(a: number, b: number): number {
  let x = (a * 374761393 + b * 668265263) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 1274126177) >>> 0;
  return ((x ^ (x >>> 16)) >>> 0) / 2 ** 31 - 1;
}

/**
 * Steady state: `n` hosts and `n` processes at distinct levels, each rate
 * jittering by ±`jitter` every second (so digits change, order mostly not),
 * byte counters growing.
 */
export function steadyBusy(seq: number, n: number, jitter = 0.08): Snapshot {
  const hosts: HostRow[] = [];
  const processes: ProcessRow[] = [];
  const connections: ConnectionRow[] = [];
  for (let i = 0; i < n; i++) {
    const base = 2_000_000 / 1.6 ** i;
    const v = (k: number) => Math.round(base * (1 + jitter * noise(seq, i * 16 + k)));
    const p = proc(1000 + i, `worker-${i}`, v(1), v(2), {
      rxBytes: base * seq,
      txBytes: base * seq * 2,
      cpu: 20 / (i + 1) + noise(seq, i + 99),
    });
    const h = host(`198.18.1.${i + 10}`, v(3), v(4), { processKeys: [p.key], rxBytes: base * seq, txBytes: base * seq * 2, peak: base * 2.3 });
    hosts.push(h);
    processes.push(p);
    connections.push(conn(p, h, 8000 + i, 40000 + i, h.rx1, h.tx1));
  }
  return snapshot(seq, { hosts, processes, connections });
}

export class FakeFeed implements SnapshotFeed {
  readonly commands: EngineCommand[] = [];
  stopped = false;
  private snapListeners: ((s: Snapshot) => void)[] = [];
  private endListeners: ((e: Error | null) => void)[] = [];

  onSnapshot(listener: (snap: Snapshot) => void): void {
    this.snapListeners.push(listener);
  }
  onEnd(listener: (error: Error | null) => void): void {
    this.endListeners.push(listener);
  }
  send(command: EngineCommand): void {
    this.commands.push(command);
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
  emit(snap: Snapshot): void {
    for (const l of this.snapListeners) l(snap);
  }
  end(error: Error | null): void {
    for (const l of this.endListeners) l(error);
  }
}

/** A fake TTY: blessed writes into `output`, we read it back through a headless xterm. */
export class FakeTerminal {
  readonly input: PassThrough & { isTTY: boolean; setRawMode: (b: boolean) => void; isRaw: boolean };
  readonly output: PassThrough & { isTTY: boolean; columns: number; rows: number };
  readonly term: Terminal;
  bytes = 0;
  private pending: Promise<void> = Promise.resolve();

  constructor(readonly cols: number, readonly rows: number) {
    const input = new PassThrough() as FakeTerminal['input'];
    input.isTTY = true;
    input.isRaw = false;
    input.setRawMode = (b: boolean) => {
      input.isRaw = b;
    };
    const output = new PassThrough() as FakeTerminal['output'];
    output.isTTY = true;
    output.columns = cols;
    output.rows = rows;
    this.input = input;
    this.output = output;
    this.term = new Terminal({ cols, rows, allowProposedApi: true });
    output.on('data', (chunk: Buffer) => {
      this.bytes += chunk.length;
      const text = chunk.toString('utf8');
      this.pending = this.pending.then(() => new Promise<void>((r) => this.term.write(text, r)));
    });
  }

  /** Let blessed flush, then wait for xterm to parse everything written so far. */
  async settle(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 5));
    await this.pending;
  }

  /** The visible screen as lines of text (trailing blanks trimmed). */
  screen(): string[] {
    const buf = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.rows; y++) out.push(buf.getLine(buf.viewportY + y)?.translateToString(true) ?? '');
    return out;
  }

  text(): string {
    return this.screen().join('\n');
  }

  press(...keys: string[]): void {
    for (const k of keys) this.input.write(k);
  }

  resize(cols: number, rows: number): void {
    this.output.columns = cols;
    this.output.rows = rows;
    this.term.resize(cols, rows);
    this.output.emit('resize');
  }
}

export const KEY = {
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  tab: '\t',
  shiftTab: '\x1b[Z',
  enter: '\r',
  escape: '\x1b',
  space: ' ',
  ctrlC: '\x03',
  home: '\x1b[H',
  end: '\x1b[F',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
} as const;
