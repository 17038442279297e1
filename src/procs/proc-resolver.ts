/**
 * SocketResolver over /proc. Lookups are synchronous and answer from the
 * latest published SocketTable plus caches; everything that touches /proc
 * runs in rescans: asynchronous, one at a time, at most one start per
 * minRescanIntervalMs.
 *
 * A rescan: list pids (verifying start times: PID reuse) and read every
 * namespace's /proc/net tables (cheap) → build the table → look for owners
 * of inodes not seen before, newest processes and known socket holders first
 * (short-lived connections are usually opened by a new process or a server
 * we already know) → publish → finish the walk in the background if it was
 * not done within installBudgetMs. Connections resolved once are remembered
 * by 4-tuple so that a socket that closes (TIME_WAIT has inode 0) or vanishes
 * before the engine asks again is still attributed.
 */
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalAddress, Lookup, ProcessInfo, SocketResolver } from './owner.js';
import { forEachLimit, forEachSliced } from './async-pool.js';
import { FirstMisses } from './first-misses.js';
import { FdScanner, listPids } from './fd-scanner.js';
import { findCandidates } from './matcher.js';
import { readLocalAddrs, readNamespaceSockets, representatives } from './namespaces.js';
import {
  NetnsNamer,
  UserNames,
  readNetnsInode,
  readProcessDetails,
  readStartTime,
  type ProcessDetails,
} from './process-details.js';
import { Proto } from './proc-net-parser.js';
import { SocketTable, buildNamespaceTableSliced, keyToWords, tupleKey, type NamespaceTable } from './socket-table.js';

export interface ProcResolverOptions {
  /** default /proc */
  procRoot?: string;
  /** where etc/passwd and run/netns are looked up; default the parent of procRoot ("/" for /proc) */
  fsRoot?: string;
  /** clock for throttling and expiry, epoch ms */
  now?: () => number;
  /** minimum time between rescan starts (default 250 ms: ≤ 4/s) */
  minRescanIntervalMs?: number;
  /** how long a rescan looks for owners of new sockets before publishing its table (default 100 ms) */
  installBudgetMs?: number;
  /** a walk of every process for sockets no known process holds, at most this often (default 5000 ms) */
  fullWalkIntervalMs?: number;
  /** how long a resolved connection is remembered after its socket is gone (default 120 s) */
  memoryTtlMs?: number;
  /** processes read concurrently (default 8) */
  concurrency?: number;
  /** inode of a /run/netns file; injectable because fixture files cannot have chosen inodes */
  netnsInodeOf?: (path: string) => Promise<number | null>;
  /** Absent: only minRescanIntervalMs spaces rescans. */
  cpuBudget?: CpuBudget;
}

/**
 * Rescans take at most `share` of a core, by what `cpuMs` (a clock of the CPU the rescan's reads
 * use) says a rescan cost: after one that cost C ms, the next starts no sooner than C / share ms
 * after it started; one asked for lazily only (see requestRescan), C / lazyShare ms, but never
 * more than lazyMaxWaitMs (a scan's connections are decided within seconds even where rescans are
 * dear).
 */
export interface CpuBudget {
  share: number;
  lazyShare: number;
  lazyMaxWaitMs: number;
  cpuMs: () => number;
}

interface PidRecord {
  startTime: number;
  /** network namespace inode, 0 when unreadable */
  netns: number;
}

interface Remembered {
  info: ProcessInfo;
  at: number;
  /** index into memoryPorts: the connection's protocol and local port */
  port: number;
}

export interface RescanStats {
  /** ms from start of the rescan to publication of its table */
  publishMs: number;
  /** ms for the whole rescan, background walk included */
  totalMs: number;
  sockets: number;
  processes: number;
  namespaces: number;
  /** processes whose fds were read */
  fdScanned: number;
  /** inodes still without a process after the rescan */
  unresolved: number;
}

const MEMORY_MAX = 65_536;
const PENDING_TTL_MS = 30_000;

export class ProcResolver implements SocketResolver {
  private readonly procRoot: string;
  private readonly now: () => number;
  private readonly minInterval: number;
  private readonly installBudget: number;
  private readonly fullWalkInterval: number;
  private readonly memoryTtl: number;
  private readonly concurrency: number;
  private readonly scanner: FdScanner;
  private readonly users: UserNames;
  private readonly namer: NetnsNamer;

  private table = SocketTable.empty();
  private _generation = 0;
  private startedSeq = 0;
  private tableSeq = 0;
  private running = false;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private lastStart = Number.NEGATIVE_INFINITY;
  /** no rescan starts before this (cpuBudget), nor a lazy one before lazyUntil */
  private budgetUntil = Number.NEGATIVE_INFINITY;
  private lazyUntil = Number.NEGATIVE_INFINITY;
  private readonly cpuBudget: CpuBudget | null;
  /** when the scheduled rescan's timer fires */
  private timerAt = Number.POSITIVE_INFINITY;
  /** a request that was not lazy came while a rescan ran */
  private againUrgent = false;
  private closed = false;
  private ownNetns = 0;
  private lastFullWalk = Number.NEGATIVE_INFINITY;
  private idleWaiters: (() => void)[] = [];
  private local: LocalAddress[] = [];

  private readonly records = new Map<number, PidRecord>();
  private readonly details = new Map<number, ProcessDetails>();
  private readonly infos = new Map<number, Map<number, ProcessInfo>>();
  private readonly memory = new Map<string, Remembered>();
  /** first misses, by tupleHash: rescans started then (seq) and the generation reported (gen) */
  private readonly firstMisses = new FirstMisses(PENDING_TTL_MS);
  /** remembered connections per protocol and local port (memoryPortIndex): none, no recall to try */
  private readonly memoryPorts = new Uint32Array(2 * 65_536);
  /** inodes a full walk did not find an owner for (another namespace's process we cannot see, kernel sockets) */
  private readonly unowned = new Set<number>();

  /** figures of the last completed rescan */
  lastRescan: RescanStats | null = null;

  constructor(opts: ProcResolverOptions = {}) {
    this.procRoot = opts.procRoot ?? '/proc';
    const fsRoot = opts.fsRoot ?? dirname(this.procRoot);
    this.now = opts.now ?? Date.now;
    this.minInterval = opts.minRescanIntervalMs ?? 250;
    this.installBudget = opts.installBudgetMs ?? 100;
    this.fullWalkInterval = opts.fullWalkIntervalMs ?? 5000;
    this.memoryTtl = opts.memoryTtlMs ?? 120_000;
    this.concurrency = opts.concurrency ?? 8;
    this.cpuBudget = opts.cpuBudget ?? null;
    this.scanner = new FdScanner({ procRoot: this.procRoot, concurrency: this.concurrency });
    this.users = new UserNames(join(fsRoot, 'etc', 'passwd'));
    this.namer = new NetnsNamer({
      procRoot: this.procRoot,
      runNetnsDir: join(fsRoot, 'run', 'netns'),
      ...(opts.netnsInodeOf ? { inodeOf: opts.netnsInodeOf } : {}),
    });
  }

  get generation(): number {
    return this._generation;
  }

  /** The published table (tests, diagnostics). */
  get socketTable(): SocketTable {
    return this.table;
  }

  /** Local addresses of every namespace read; netns null for ours. */
  localAddresses(): readonly LocalAddress[] {
    return this.local;
  }

  /** First full scan. Resolves when its table is published and its fd walk done. */
  async start(): Promise<void> {
    this.requestRescan();
    await this.idle();
  }

  /** Resolves when no rescan is running or scheduled. */
  idle(): Promise<void> {
    if (!this.running && this.timer === null) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * `lazy`: for connections only the remote has sent on (a scan of closed ports, most likely; the
   * kernel's answer is no socket's), whose decision may wait: with a cpuBudget, such rescans keep
   * to its lazyShare. Any other request brings a lazy one forward.
   */
  requestRescan(lazy = false): void {
    try {
      if (this.closed) return;
      if (this.running) {
        this.again = true;
        if (!lazy) this.againUrgent = true;
        return;
      }
      const now = this.now();
      const at = Math.max(now, this.lastStart + this.minInterval, lazy ? this.lazyUntil : this.budgetUntil);
      if (this.timer !== null) {
        if (at >= this.timerAt) return;
        clearTimeout(this.timer);
      }
      this.timerAt = at;
      this.timer = setTimeout(() => {
        this.timer = null;
        this.timerAt = Number.POSITIVE_INFINITY;
        void this.runRescan();
      }, at - now);
      // Keep the process alive only for the first scan someone awaits, not for retries.
      if (this._generation > 0) this.timer.unref();
    } catch {
      // never throw to the engine
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    if (!this.running) this.flushIdle();
  }

  lookup(proto: number, local: Uint32Array, localPort: number, remote: Uint32Array, remotePort: number, lazy = false): Lookup {
    try {
      return this.lookupInner(proto, local, localPort, remote, remotePort, lazy);
    } catch {
      return { kind: 'miss', generation: this._generation };
    }
  }

  private lookupInner(proto: number, local: Uint32Array, localPort: number, remote: Uint32Array, remotePort: number, lazy: boolean): Lookup {
    if (proto !== Proto.TCP && proto !== Proto.UDP) return { kind: 'miss', generation: this._generation };
    if (!this.table.hasLocalPort(proto, localPort) && this.memoryPorts[memoryPortIndex(proto, localPort)] === 0) {
      // No socket and no remembered connection on this local port: a miss, found without keys.
      this.requestRescan(lazy);
      return { kind: 'miss', generation: this.missGeneration(tupleHash(proto, local, localPort, remote, remotePort)) };
    }
    const cands = findCandidates(this.table, proto, local, localPort, remote, remotePort);
    let memKey: string | null = null;
    for (const c of cands) {
      const info = this.infoFor(c.entry.inode, c.ns);
      if (info) return { kind: 'process', proc: info };
      if (c.rule === 'tuple') {
        memKey ??= rememberKey(proto, tupleKey(local, localPort, remote, remotePort));
        const m = this.recall(memKey);
        if (m) return { kind: 'process', proc: m };
      }
    }
    memKey ??= rememberKey(proto, tupleKey(local, localPort, remote, remotePort));
    if (cands.length > 0) {
      const pending = cands.some((c) => c.entry.inode !== 0 && !this.unowned.has(c.entry.inode));
      if (pending) this.requestRescan();
      return pending ? { kind: 'unknown', pending: true } : { kind: 'unknown' };
    }
    const m = this.recall(memKey);
    if (m) return { kind: 'process', proc: m };
    this.requestRescan(lazy);
    return { kind: 'miss', generation: this.missGeneration(tupleHash(proto, local, localPort, remote, remotePort)) };
  }

  /**
   * The engine decides `<no listener>` when a miss carries a generation newer
   * than the first miss of that connection. A table whose read began before
   * that first miss (a rescan already in flight) must not count as newer, so
   * until such a table exists, repeat the generation the first miss got.
   */
  private missGeneration(key: number): number {
    // Recorded one below the generation it saw: an entry given up (the table full, under a flood)
    // and noted again while a rescan is under way must not be decided by that rescan's table,
    // which may have begun before the connection's first miss (the engine decides at one newer).
    const slot = this.firstMisses.note(key, this.now(), this.startedSeq, this._generation - 1);
    if (this.tableSeq > this.firstMisses.seqAt(slot)) return this._generation;
    return this.firstMisses.genAt(slot);
  }

  private recall(key: string): ProcessInfo | null {
    const m = this.memory.get(key);
    if (m === undefined) return null;
    if (this.now() - m.at > this.memoryTtl) {
      this.forget(key, m);
      return null;
    }
    return m.info;
  }

  private forget(key: string, m: Remembered): void {
    this.memory.delete(key);
    this.memoryPorts[m.port]!--;
  }

  private infoFor(inode: number, ns: NamespaceTable): ProcessInfo | null {
    if (inode === 0) return null;
    const pid = this.scanner.ownerOf(inode);
    if (pid === undefined) return null;
    const rec = this.records.get(pid);
    const d = this.details.get(pid);
    if (rec === undefined || d === undefined || d.startTime !== rec.startTime) return null;
    let byNs = this.infos.get(pid);
    if (byNs === undefined) this.infos.set(pid, (byNs = new Map()));
    let info = byNs.get(ns.netns);
    if (info === undefined) {
      info = { pid, name: d.name, cmdline: d.cmdline, user: d.user, netns: ns.name, startTime: d.startTime };
      byNs.set(ns.netns, info);
    }
    return info;
  }

  private dropPid(pid: number): void {
    this.records.delete(pid);
    this.details.delete(pid);
    this.infos.delete(pid);
    this.scanner.forgetPid(pid);
  }

  private flushIdle(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }

  private async runRescan(): Promise<void> {
    if (this.closed) {
      this.flushIdle();
      return;
    }
    this.running = true;
    this.lastStart = this.now();
    const cpu0 = this.cpuBudget?.cpuMs() ?? Number.NaN;
    try {
      await this.rescan();
    } catch {
      // a failed rescan leaves the previous table in place; the next request retries
    } finally {
      this.running = false;
    }
    if (this.cpuBudget) {
      const used = this.cpuBudget.cpuMs() - cpu0;
      if (used > 0) {
        this.budgetUntil = this.lastStart + used / this.cpuBudget.share;
        this.lazyUntil = this.lastStart + Math.max(used / this.cpuBudget.share, Math.min(used / this.cpuBudget.lazyShare, this.cpuBudget.lazyMaxWaitMs));
      }
    }
    if (this.again && !this.closed) {
      const lazy = !this.againUrgent;
      this.again = false;
      this.againUrgent = false;
      this.requestRescan(lazy);
    }
    if (this.timer === null && !this.running) this.flushIdle();
  }

  private async rescan(): Promise<void> {
    const t0 = performance.now();
    const seq = ++this.startedSeq;
    const stop = (): boolean => this.closed;
    if (this.ownNetns === 0) this.ownNetns = (await readNetnsInode(this.procRoot, 'self')) ?? 0;

    // Namespaces already known are read straight away, in parallel with the
    // pid walk: the socket of a short-lived connection must be caught open.
    const nsRead = new Map<number, Promise<NamespaceTable | null>>();
    const readNs = (ns: number, pids: number[]): void => {
      if (!nsRead.has(ns)) nsRead.set(ns, this.readOtherNamespace(ns, pids));
    };
    const ownP = this.readOwnNamespace();
    if (this.ownNetns !== 0) {
      for (const [ns, pids] of representatives(this.pidNetns(), this.ownNetns)) readNs(ns, pids);
    }
    const namerP = this.namer.refresh();
    const usersP = this.users.load();

    const newPids: number[] = [];
    // Processes we have not seen first (then newest first): a short-lived connection's process is
    // new, and its socket must be caught open. Not by pid number alone: pids wrap around.
    const known = this.records;
    const pids = (await listPids(this.procRoot)).sort((a, b) => Number(known.has(a)) - Number(known.has(b)) || b - a);
    const live = new Set(pids);
    for (const pid of [...this.records.keys()]) if (!live.has(pid)) this.dropPid(pid);
    await forEachLimit(
      pids,
      this.concurrency * 2,
      async (pid) => {
        const st = await readStartTime(this.procRoot, pid);
        const rec = this.records.get(pid);
        if (st === null) {
          if (rec) this.dropPid(pid);
          return;
        }
        if (rec !== undefined && rec.startTime === st) return;
        if (rec !== undefined) this.dropPid(pid); // same pid, another process
        // A process born since the last rescan may be a 50 ms client that has exited by the time
        // loadDetails runs (after the fd walk): read what we show about it together with its fds.
        // (Not on the first rescan: every process is new then, and loadDetails reads the owners.)
        const early = this._generation > 0;
        const [ns, sockets, d] = await Promise.all([
          readNetnsInode(this.procRoot, pid),
          this.scanner.scanOne(pid),
          early ? readProcessDetails(this.procRoot, pid, this.users) : null,
        ]);
        this.records.set(pid, { startTime: st, netns: ns ?? 0 });
        newPids.push(pid);
        if (sockets > 0 && d !== null && d.startTime === st) {
          this.details.set(pid, d);
          this.infos.delete(pid);
        }
      },
      4,
      stop,
    );
    await namerP;
    if (this.ownNetns !== 0) {
      for (const [ns, nsPids] of representatives(this.pidNetns(), this.ownNetns)) readNs(ns, nsPids);
    }
    const tables = [await ownP];
    for (const p of nsRead.values()) {
      const t = await p;
      if (t) tables.push(t);
    }
    await usersP;
    const table = new SocketTable(tables, this._generation + 1, this.now());

    // Owners of sockets we cannot place yet.
    const inodes = new Set<number>();
    const wanted = new Set<number>();
    await forEachSliced(table.inodes(), ([ino]) => {
      inodes.add(ino);
      const pid = this.scanner.ownerOf(ino);
      if (pid === undefined || !this.records.has(pid)) wanted.add(ino);
    });
    for (const ino of this.unowned) if (!inodes.has(ino)) this.unowned.delete(ino);
    let fresh = false;
    for (const ino of wanted) {
      if (!this.unowned.has(ino)) {
        fresh = true;
        break;
      }
    }
    const fullWalk = wanted.size > 0 && (fresh || this.now() - this.lastFullWalk >= this.fullWalkInterval);
    const order = this.walkOrder(newPids, fullWalk);
    const scanP = this.scanner.scan(order, wanted, stop);
    let walkDone = false;
    const doneP = scanP.then(() => {
      walkDone = true;
    });
    await Promise.race([doneP, sleep(this.installBudget, undefined, { ref: false })]);
    const doneBeforePublish = walkDone;
    await this.loadDetails(table, stop);

    // Publish.
    this.table = table;
    this.tableSeq = seq;
    this._generation = table.generation;
    this.local = this.collectLocal(tables);
    await this.remember(table);
    const publishMs = performance.now() - t0;

    const result = await scanP;
    if (!doneBeforePublish) {
      await this.loadDetails(table, stop);
      await this.remember(table);
    }
    if (fullWalk) {
      this.lastFullWalk = this.now();
      for (const ino of wanted) this.unowned.add(ino);
    }
    this.scanner.prune((ino) => inodes.has(ino));
    this.expire();
    this.lastRescan = {
      publishMs,
      totalMs: performance.now() - t0,
      sockets: table.socketCount,
      processes: this.records.size,
      namespaces: tables.length,
      fdScanned: result.scanned,
      unresolved: wanted.size,
    };
  }

  private *pidNetns(): Generator<[number, number]> {
    for (const [pid, r] of this.records) yield [pid, r.netns];
  }

  /** Known socket holders (most recently changed first), then (full walk) everyone else. */
  private walkOrder(newPids: number[], full: boolean): number[] {
    // new processes were read during the pid walk already
    const order: number[] = [];
    const seen = new Set(newPids);
    for (const pid of this.scanner.socketHolders()) {
      if (!seen.has(pid) && this.records.has(pid)) {
        order.push(pid);
        seen.add(pid);
      }
    }
    if (full) for (const pid of this.records.keys()) if (!seen.has(pid)) order.push(pid);
    return order;
  }

  private async readOwnNamespace(): Promise<NamespaceTable> {
    const dir = join(this.procRoot, 'net');
    const [entries, localAddrs] = await Promise.all([
      readNamespaceSockets(dir, this.ownNetns),
      readLocalAddrs(dir),
    ]);
    return buildNamespaceTableSliced({ netns: this.ownNetns, name: null, own: true, localAddrs, entries: entries ?? [] });
  }

  private async readOtherNamespace(ns: number, pids: number[]): Promise<NamespaceTable | null> {
    for (const pid of pids) {
      const dir = join(this.procRoot, String(pid), 'net');
      const [entries, localAddrs] = await Promise.all([readNamespaceSockets(dir, ns), readLocalAddrs(dir)]);
      if (entries === null) continue;
      // The process may have moved or exited between readlink and read.
      if ((await readNetnsInode(this.procRoot, pid)) !== ns) continue;
      const name = await this.namer.name(ns, pid);
      return buildNamespaceTableSliced({ netns: ns, name, own: false, localAddrs, entries });
    }
    return null;
  }

  private async loadDetails(table: SocketTable, stop: () => boolean): Promise<void> {
    const need = new Set<number>();
    await forEachSliced(table.inodes(), ([ino]) => {
      const pid = this.scanner.ownerOf(ino);
      if (pid === undefined) return;
      const rec = this.records.get(pid);
      const d = this.details.get(pid);
      if (rec !== undefined && (d === undefined || d.startTime !== rec.startTime)) need.add(pid);
    });
    await forEachLimit(
      [...need],
      this.concurrency,
      async (pid) => {
        const d = await readProcessDetails(this.procRoot, pid, this.users);
        const rec = this.records.get(pid);
        if (d === null || rec === undefined) return;
        if (d.startTime !== rec.startTime) {
          this.dropPid(pid); // reused between the walk and now; the next rescan sees the new one
          return;
        }
        this.details.set(pid, d);
        this.infos.delete(pid);
      },
      4,
      stop,
    );
  }

  /** Remember resolved connections by 4-tuple, for after their socket is gone. */
  private async remember(table: SocketTable): Promise<void> {
    const now = this.now();
    for (const ns of table.namespaces) {
      for (const [map, proto] of [
        [ns.tcpConn, Proto.TCP],
        [ns.udpConn, Proto.UDP],
      ] as const) {
        await forEachSliced(map, ([tk, e]) => {
          if (e.inode === 0) return;
          const key = rememberKey(proto, tk);
          const old = this.memory.get(key);
          if (old !== undefined && now - old.at <= this.memoryTtl) return;
          const info = this.infoFor(e.inode, ns);
          if (info === null) return;
          if (old !== undefined) this.forget(key, old);
          const port = memoryPortIndex(proto, e.localPort);
          this.memory.set(key, { info, at: now, port });
          this.memoryPorts[port]!++;
        });
      }
    }
  }

  private expire(): void {
    const now = this.now();
    // Insertion order is age order: stop at the first young entry.
    for (const [k, m] of this.memory) {
      if (this.memory.size > MEMORY_MAX || now - m.at > this.memoryTtl) this.forget(k, m);
      else break;
    }
  }

  private collectLocal(tables: NamespaceTable[]): { addr: Uint32Array; netns: string | null }[] {
    const out: { addr: Uint32Array; netns: string | null }[] = [];
    for (const t of tables) {
      if (t.localAddrs === null) continue;
      for (const k of t.localAddrs) {
        const addr = keyToWords(k);
        if (addr) out.push({ addr, netns: t.name });
      }
    }
    return out;
  }
}

function rememberKey(proto: number, tk: string): string {
  return proto === Proto.TCP ? `t${tk}` : `u${tk}`;
}

function memoryPortIndex(proto: number, port: number): number {
  return (proto === Proto.TCP ? 0 : 65_536) + (port & 0xffff);
}

/**
 * A 52-bit hash of a connection's tuple, the key of its first miss. Two tuples sharing one
 * would only share the moment their first miss was seen (when `<no listener>` is decided).
 */
function tupleHash(proto: number, local: Uint32Array, localPort: number, remote: Uint32Array, remotePort: number): number {
  let a = 0x811c9dc5 ^ proto;
  let b = 0x9e3779b9 ^ ((localPort << 16) | remotePort);
  for (let i = 0; i < 4; i++) {
    a = Math.imul(a ^ local[i]!, 0x01000193);
    a ^= a >>> 15;
    b = Math.imul(b ^ remote[i]!, 0x85ebca6b);
    b ^= b >>> 13;
    a = Math.imul(a ^ b, 0xc2b2ae35);
  }
  b = Math.imul(b ^ a, 0x27d4eb2d);
  b ^= b >>> 16;
  return (a >>> 0) * 0x100000 + (b & 0xfffff);
}
