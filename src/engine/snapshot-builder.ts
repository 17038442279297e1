import type { WindowRates } from '../core/stats-store.js';
import type { StatsStore } from '../core/stats-store.js';
import type { ConnectionRow, HostRow, ProcessRow, RowStats, Snapshot } from '../core/snapshot.js';
import { IpProto } from '../decode/packet-info.js';
import { formatAddress, isV4Mapped } from '../util/address.js';
import type { Engine } from './engine.js';
import { KEY_QUOTED, KEY_TRANSIT } from './engine.js';

const rates: WindowRates = { rx1: 0, tx1: 0, rx2: 0, tx2: 0, rx10: 0, tx10: 0, rx40: 0, tx40: 0 };

/** Rows scanned (ranking, counting) between two yields of snapshotSteps. */
const SCAN_ROWS_PER_STEP = 2048;
/** Rows built (objects, formatted addresses) between two yields. */
const BUILD_ROWS_PER_STEP = 64;

/**
 * Build the published snapshot: rates for every live row (which also updates
 * peaks), then the `rowLimit` most relevant rows of each table — those active
 * in the last 40 s by rate, then the rest by cumulative bytes.
 */
export function buildSnapshot(e: Engine, nowMs: number, seq: number, notices: string[]): Snapshot {
  const steps = snapshotSteps(e, nowMs, seq, notices);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same work in steps: it yields every few thousand rows scanned (or few
 * hundred built), so that the capture process can drain its ring between
 * steps while 100 000 rows are ranked. The rows must not change between the
 * first step and the last (the engine holds its folds and evictions meanwhile).
 */
export function* snapshotSteps(e: Engine, nowMs: number, seq: number, notices: string[]): Generator<void, Snapshot, void> {
  const nowSec = Math.floor(nowMs / 1000);
  const elapsed = Math.max(0.001, (nowMs - e.startMs) / 1000);
  const limit = e.opts.rowLimit;

  e.totals.rates(0, nowSec, elapsed, rates);
  const totals = {
    ...rates,
    peak: e.totals.peakOf(0),
    rxBytes: e.totals.rxBytesOf(0),
    txBytes: e.totals.txBytesOf(0),
    transitBytes: e.transitBytes,
    packets: e.packets,
    malformed: e.malformed,
    dropped: e.opts.dropped ? e.opts.dropped() : null,
  };

  const hostIds = yield* topIds(e.hostStats, e.hosts, false, nowSec, elapsed, limit);
  const connIds = yield* topIds(e.connStats, e.conns, false, nowSec, elapsed, limit * 2);
  const ownerIds = yield* topIds(e.owners.stats, e.owners, true, nowSec, elapsed, limit);

  // One pass over all connections: per-owner counts and host → processes.
  const ownerConns = new Int32Array(e.owners.idLimit);
  const hostSel = new Uint8Array(e.hosts.idLimit);
  for (const id of hostIds) hostSel[id] = 1;
  const hostProcs = new Map<number, Set<string>>();
  for (let id = 0; id < e.conns.idLimit; id++) {
    if (id % SCAN_ROWS_PER_STEP === SCAN_ROWS_PER_STEP - 1) yield;
    if (!e.conns.isLive(id)) continue;
    const owner = e.connOwner[id]!;
    const peer = e.connPeer[id]!;
    if (owner < 0 && peer < 0) continue;
    if (owner >= 0) ownerConns[owner]!++;
    if (peer >= 0) ownerConns[peer]!++;
    const host = e.connHost[id]!;
    if (host >= 0 && hostSel[host] === 1) {
      let set = hostProcs.get(host);
      if (!set) hostProcs.set(host, (set = new Set()));
      if (owner >= 0) set.add(e.owners.key(owner));
      if (peer >= 0) set.add(e.owners.key(peer));
    }
  }

  const hosts: HostRow[] = [];
  for (let i = 0; i < hostIds.length; i++) {
    if (i % BUILD_ROWS_PER_STEP === BUILD_ROWS_PER_STEP - 1) yield;
    const id = hostIds[i]!;
    const transit = e.hosts.keyWord(id, 0) === 1;
    const a = hostWords(e, id, 1);
    const host = transit ? `${formatAddress(a)} ⇄ ${formatAddress(hostWords(e, id, 5))}` : formatAddress(a);
    const family: 4 | 6 = isV4Mapped(a) ? 4 : 6;
    hosts.push(
      withStats(
        {
          key: host,
          host,
          family,
          transit,
          localPorts: e.hostLocalPorts[id]!,
          processKeys: [...(hostProcs.get(id) ?? [])].sort(),
        },
        e.hostStats,
        id,
        nowSec,
        elapsed,
      ),
    );
  }
  if (e.hostOther.packetsOf(0) > 0) {
    hosts.push(withStats({ key: '(other)', host: '(other)', family: 4 as const, transit: false, localPorts: 0, processKeys: [] as string[] }, e.hostOther, 0, nowSec, elapsed));
  }

  const processes: ProcessRow[] = ownerIds.map((id) => {
    const p = e.owners.info(id);
    const key = e.owners.key(id);
    const row: Omit<ProcessRow, keyof RowStats> = {
      key,
      pid: p ? p.pid : null,
      name: p ? p.name : key,
      cmdline: p ? p.cmdline : '',
      user: p ? p.user : null,
      netns: p ? p.netns : null,
      connections: ownerConns[id]!,
      gone: false,
      cpu: null,
      memory: null,
    };
    return withStats(row, e.owners.stats, id, nowSec, elapsed);
  });

  const connections: ConnectionRow[] = [];
  for (let i = 0; i < connIds.length; i++) {
    if (i % BUILD_ROWS_PER_STEP === BUILD_ROWS_PER_STEP - 1) yield;
    const id = connIds[i]!;
    const w0 = e.conns.keyWord(id, 0);
    const proto = w0 & 0xff;
    const transit = (w0 & KEY_TRANSIT) !== 0;
    const quoted = (w0 & KEY_QUOTED) !== 0;
    const ports = e.conns.keyWord(id, 9);
    const lw = connWords(e, id, 1);
    const rw = connWords(e, id, 5);
    const withPorts = proto === IpProto.TCP || proto === IpProto.UDP || proto === 132 || proto === 136 || quoted;
    const local = withPorts ? endpoint(lw, ports >>> 16) : formatAddress(lw);
    const remote = withPorts ? endpoint(rw, ports & 0xffff) : formatAddress(rw);
    const owner = e.connOwner[id]!;
    const p = owner >= 0 ? e.owners.info(owner) : null;
    const hostId = e.connHost[id]!;
    // transit keys hold the ends in host-row order already
    const hostKey = hostId < 0 ? '(other)' : transit ? `${formatAddress(lw)} ⇄ ${formatAddress(rw)}` : formatAddress(rw);
    const row: Omit<ConnectionRow, keyof RowStats> = {
      key: `${protoName(proto)}${quoted ? '-err' : ''} ${local} ${remote}`,
      proto: protoName(proto),
      local,
      remote,
      hostKey,
      processKey: owner >= 0 ? e.owners.key(owner) : '',
      pid: p ? p.pid : null,
      process: owner >= 0 ? (p ? p.name : e.owners.key(owner)) : '',
      ...(e.connPeer[id]! >= 0 ? { peerProcessKey: e.owners.key(e.connPeer[id]!) } : {}),
    };
    connections.push(withStats(row, e.connStats, id, nowSec, elapsed));
  }

  return {
    seq,
    time: nowMs,
    elapsed,
    interface: e.opts.interfaceName,
    filter: e.opts.filter,
    local: e.opts.localLabel,
    totals,
    hosts,
    processes,
    connections,
    notices,
  };
}

/** Add a row's rates and counters to it, in RowStats order (assigned, not spread: 3 000 rows a second). */
function withStats<T extends object>(row: T, store: StatsStore, id: number, nowSec: number, elapsed: number): T & RowStats {
  store.rates(id, nowSec, elapsed, rates);
  const r = row as T & RowStats;
  r.rx1 = rates.rx1;
  r.tx1 = rates.tx1;
  r.rx2 = rates.rx2;
  r.tx2 = rates.tx2;
  r.rx10 = rates.rx10;
  r.tx10 = rates.tx10;
  r.rx40 = rates.rx40;
  r.tx40 = rates.tx40;
  r.peak = store.peakOf(id);
  r.rxBytes = store.rxBytesOf(id);
  r.txBytes = store.txBytesOf(id);
  r.packets = store.packetsOf(id);
  r.lastSeen = store.lastSeenOf(id);
  return r;
}

/**
 * Ids of the `limit` most relevant live rows: active ones (by 40 s rate)
 * before idle ones (by cumulative bytes). Updates every row's peak.
 */
function* topIds(store: StatsStore, table: { readonly idLimit: number; isLive(id: number): boolean }, withPackets: boolean, nowSec: number, elapsed: number, limit: number): Generator<void, number[], void> {
  const idLimit = table.idLimit;
  // per call, not shared: a snapshot built in steps may be finished by another's first step
  const scores = new Float64Array(idLimit);
  const ids = new Int32Array(idLimit);
  let n = 0;
  for (let id = 0; id < idLimit; id++) {
    if (id % SCAN_ROWS_PER_STEP === SCAN_ROWS_PER_STEP - 1) yield;
    if (!table.isLive(id) || (withPackets && !(store.packetsOf(id) > 0))) continue;
    const r40 = store.score40(id, nowSec, elapsed);
    scores[id] = r40 > 0 ? 1e15 + r40 : store.rxBytesOf(id) + store.txBytesOf(id);
    ids[n++] = id;
  }
  const out: number[] = [];
  if (n <= limit) {
    for (let i = 0; i < n; i++) out.push(ids[i]!);
    return out;
  }
  const work = new Float64Array(n);
  for (let i = 0; i < n; i++) work[i] = scores[ids[i]!]!;
  yield;
  // the limit-th largest score (what sorting ascending and taking [n - limit] gives)
  const threshold = selectKth(work, n, n - limit);
  yield;
  // above the threshold, then rows at it, each in id order
  for (let i = 0; i < n; i++) {
    if (i % SCAN_ROWS_PER_STEP === SCAN_ROWS_PER_STEP - 1) yield;
    if (scores[ids[i]!]! > threshold) out.push(ids[i]!);
  }
  for (let i = 0; i < n && out.length < limit; i++) {
    if (i % SCAN_ROWS_PER_STEP === SCAN_ROWS_PER_STEP - 1) yield;
    if (scores[ids[i]!] === threshold) out.push(ids[i]!);
  }
  return out;
}

/** The k-th smallest of a[0..n) (0-based), reordering a: quickselect, O(n). */
function selectKth(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

function hostWords(e: Engine, id: number, at: number): Uint32Array {
  const w = new Uint32Array(4);
  for (let i = 0; i < 4; i++) w[i] = e.hosts.keyWord(id, at + i);
  return w;
}

function connWords(e: Engine, id: number, at: number): Uint32Array {
  const w = new Uint32Array(4);
  for (let i = 0; i < 4; i++) w[i] = e.conns.keyWord(id, at + i);
  return w;
}

function endpoint(w: Uint32Array, port: number): string {
  return isV4Mapped(w) ? `${formatAddress(w)}:${port}` : `[${formatAddress(w)}]:${port}`;
}

export function protoName(p: number): string {
  switch (p) {
    case IpProto.TCP:
      return 'tcp';
    case IpProto.UDP:
      return 'udp';
    case IpProto.ICMP:
      return 'icmp';
    case IpProto.ICMPV6:
      return 'icmp6';
    case IpProto.IGMP:
      return 'igmp';
    case 132:
      return 'sctp';
    case 136:
      return 'udplite';
    default:
      return `ip-${p}`;
  }
}
