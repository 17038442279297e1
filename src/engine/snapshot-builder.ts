import type { WindowRates } from '../core/stats-store.js';
import type { StatsStore } from '../core/stats-store.js';
import type { ConnectionRow, HostRow, ProcessRow, RowStats, Snapshot } from '../core/snapshot.js';
import { IpProto } from '../decode/packet-info.js';
import { formatAddress, isV4Mapped } from '../util/address.js';
import type { Engine } from './engine.js';
import { KEY_QUOTED, KEY_TRANSIT } from './engine.js';

const rates: WindowRates = { rx1: 0, tx1: 0, rx2: 0, tx2: 0, rx10: 0, tx10: 0, rx40: 0, tx40: 0 };
let scores = new Float64Array(1024);

/**
 * Build the published snapshot: rates for every live row (which also updates
 * peaks), then the `rowLimit` most relevant rows of each table — those active
 * in the last 40 s by rate, then the rest by cumulative bytes.
 */
export function buildSnapshot(e: Engine, nowMs: number, seq: number, notices: string[]): Snapshot {
  const nowSec = Math.floor(nowMs / 1000);
  const elapsed = Math.max(0.001, (nowMs - e.startMs) / 1000);
  const limit = e.opts.rowLimit;

  e.totals.rates(0, nowSec, elapsed, rates);
  const totals = {
    ...rates,
    peak: e.totals.peak[0]!,
    rxBytes: e.totals.rxBytes[0]!,
    txBytes: e.totals.txBytes[0]!,
    transitBytes: e.transitBytes,
    packets: e.packets,
    malformed: e.malformed,
    dropped: e.opts.dropped ? e.opts.dropped() : null,
  };

  const hostIds = topIds(e.hostStats, e.hosts.idLimit, (id) => e.hosts.isLive(id), nowSec, elapsed, limit);
  const connIds = topIds(e.connStats, e.conns.idLimit, (id) => e.conns.isLive(id), nowSec, elapsed, limit * 2);
  const ownerIds = topIds(e.owners.stats, e.owners.idLimit, (id) => e.owners.isLive(id) && e.owners.stats.packets[id]! > 0, nowSec, elapsed, limit);

  // One pass over all connections: per-owner counts and host → processes.
  const ownerConns = new Map<number, number>();
  const hostSel = new Set(hostIds);
  const hostProcs = new Map<number, Set<string>>();
  for (let id = 0; id < e.conns.idLimit; id++) {
    if (!e.conns.isLive(id)) continue;
    const owner = e.connOwner[id]!;
    if (owner < 0) continue;
    ownerConns.set(owner, (ownerConns.get(owner) ?? 0) + 1);
    const host = e.connHost[id]!;
    if (hostSel.has(host)) {
      let set = hostProcs.get(host);
      if (!set) hostProcs.set(host, (set = new Set()));
      set.add(e.owners.key(owner));
    }
  }

  const hosts: HostRow[] = hostIds.map((id) => {
    const transit = e.hosts.keyWord(id, 0) === 1;
    const a = hostWords(e, id, 1);
    const host = transit ? `${formatAddress(a)} ⇄ ${formatAddress(hostWords(e, id, 5))}` : formatAddress(a);
    return {
      key: host,
      host,
      family: isV4Mapped(a) ? 4 : 6,
      transit,
      localPorts: e.hostLocalPorts[id]!,
      processKeys: [...(hostProcs.get(id) ?? [])].sort(),
      ...stats(e.hostStats, id, nowSec, elapsed),
    } satisfies HostRow;
  });
  if (e.hostOther.packets[0]! > 0) {
    hosts.push({ key: '(other)', host: '(other)', family: 4, transit: false, localPorts: 0, processKeys: [], ...stats(e.hostOther, 0, nowSec, elapsed) });
  }

  const processes: ProcessRow[] = ownerIds.map((id) => {
    const p = e.owners.info(id);
    const key = e.owners.key(id);
    return {
      key,
      pid: p ? p.pid : null,
      name: p ? p.name : key,
      cmdline: p ? p.cmdline : '',
      user: p ? p.user : null,
      netns: p ? p.netns : null,
      connections: ownerConns.get(id) ?? 0,
      gone: false,
      cpu: null,
      memory: null,
      ...stats(e.owners.stats, id, nowSec, elapsed),
    } satisfies ProcessRow;
  });

  const connections: ConnectionRow[] = connIds.map((id) => {
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
    return {
      key: `${protoName(proto)}${quoted ? '-err' : ''} ${local} ${remote}`,
      proto: protoName(proto),
      local,
      remote,
      hostKey,
      processKey: owner >= 0 ? e.owners.key(owner) : '',
      pid: p ? p.pid : null,
      process: owner >= 0 ? (p ? p.name : e.owners.key(owner)) : '',
      ...stats(e.connStats, id, nowSec, elapsed),
    } satisfies ConnectionRow;
  });

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

function stats(store: StatsStore, id: number, nowSec: number, elapsed: number): RowStats {
  store.rates(id, nowSec, elapsed, rates);
  return {
    ...rates,
    peak: store.peak[id]!,
    rxBytes: store.rxBytes[id]!,
    txBytes: store.txBytes[id]!,
    packets: store.packets[id]!,
    lastSeen: store.lastSeenMs[id]!,
  };
}

/**
 * Ids of the `limit` most relevant live rows: active ones (by 40 s rate)
 * before idle ones (by cumulative bytes). Updates every row's peak.
 */
function topIds(store: StatsStore, idLimit: number, live: (id: number) => boolean, nowSec: number, elapsed: number, limit: number): number[] {
  if (scores.length < idLimit) scores = new Float64Array(Math.max(idLimit, scores.length * 2));
  const ids: number[] = [];
  for (let id = 0; id < idLimit; id++) {
    if (!live(id)) {
      scores[id] = -1;
      continue;
    }
    store.rates(id, nowSec, elapsed, rates);
    const r40 = rates.rx40 + rates.tx40;
    scores[id] = r40 > 0 ? 1e15 + r40 : store.rxBytes[id]! + store.txBytes[id]!;
    ids.push(id);
  }
  if (ids.length > limit) {
    const sorted = Float64Array.from(ids, (id) => scores[id]!).sort();
    const threshold = sorted[sorted.length - limit]!;
    const above = ids.filter((id) => scores[id]! > threshold);
    const at = ids.filter((id) => scores[id] === threshold);
    return above.concat(at.slice(0, limit - above.length));
  }
  return ids;
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
