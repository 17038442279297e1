import type { HostRow } from '../core/snapshot.js';
import { formatAddress, parseAddress } from '../util/address.js';
import type { Aggregation } from './ui-state.js';

/** Prefix lengths per aggregation level: [IPv4, IPv6]. */
const PREFIX: Record<Exclude<Aggregation, 'none'>, [number, number]> = {
  narrow: [24, 64],
  wide: [16, 48],
};

export function aggregationLabel(a: Aggregation): string {
  return a === 'none' ? 'off' : `/${PREFIX[a][0]} /${PREFIX[a][1]}`;
}

/** The network ("198.18.0.0/24", "fd00:1:2:3::/64") a host falls in; the host itself when not aggregating or not an address. */
export function aggregateKey(row: HostRow, a: Aggregation): string {
  if (a === 'none' || row.transit) return row.key;
  const w = parseAddress(row.host);
  if (!w) return row.key;
  const v4 = row.family === 4;
  const bits = PREFIX[a][v4 ? 0 : 1];
  const total = v4 ? 32 : 128;
  // IPv4 lives in the last word (mapped); IPv6 spans all four.
  const firstBit = 128 - total;
  for (let word = 0; word < 4; word++) {
    const wordStart = word * 32;
    const keep = Math.min(32, Math.max(0, firstBit + bits - wordStart));
    if (wordStart < firstBit) continue;
    const mask = keep === 0 ? 0 : keep === 32 ? 0xffffffff : (0xffffffff << (32 - keep)) >>> 0;
    w[word] = (w[word]! & mask) >>> 0;
  }
  return `${formatAddress(w)}/${bits}`;
}

/**
 * Hosts folded into networks. Rates and byte counts add up; peak is the larger
 * of the members' peaks and the group's current 2 s rate (the group's own peak
 * history is not recorded); local ports add up (an upper bound).
 */
export function aggregateHosts(rows: readonly HostRow[], a: Aggregation): { rows: HostRow[]; groupOf: Map<string, string> } {
  const groupOf = new Map<string, string>();
  if (a === 'none') {
    for (const r of rows) groupOf.set(r.key, r.key);
    return { rows: rows.slice(), groupOf };
  }
  const groups = new Map<string, HostRow>();
  for (const r of rows) {
    const key = aggregateKey(r, a);
    groupOf.set(r.key, key);
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { ...r, key, host: key === r.key ? r.host : key, processKeys: r.processKeys.slice() });
      continue;
    }
    g.rx1 += r.rx1;
    g.tx1 += r.tx1;
    g.rx2 += r.rx2;
    g.tx2 += r.tx2;
    g.rx10 += r.rx10;
    g.tx10 += r.tx10;
    g.rx40 += r.rx40;
    g.tx40 += r.tx40;
    g.rxBytes += r.rxBytes;
    g.txBytes += r.txBytes;
    g.packets += r.packets;
    g.lastSeen = Math.max(g.lastSeen, r.lastSeen);
    g.localPorts += r.localPorts;
    g.peak = Math.max(g.peak, r.peak);
    for (const p of r.processKeys) if (!g.processKeys.includes(p)) g.processKeys.push(p);
  }
  const out = [...groups.values()];
  for (const g of out) g.peak = Math.max(g.peak, g.rx2 + g.tx2);
  return { rows: out, groupOf };
}
