import type { Snapshot } from '../core/snapshot.js';
import type { NameLookup } from '../ui/name-lookup.js';
import { escapeJsonUnsafe } from '../util/sanitize.js';
import { IntervalRates, round } from './interval-rates.js';

/**
 * One JSON object per interval, keys in the order DESIGN §3 fixes, lists
 * sorted by rx_rate + tx_rate descending (then cumulative bytes, then key);
 * a trailing "notices" list when the snapshot carries status messages.
 */
export class JsonReport {
  private rates = new IntervalRates();
  constructor(private readonly names: NameLookup | null = null) {}

  line(snap: Snapshot): string {
    const r = this.rates;
    r.begin(snap);
    const t = snap.totals;
    const [rxRate, txRate] = r.rates('\0totals', t.rxBytes, t.txBytes);
    const hosts = snap.hosts.map((h) => {
      const [rx, tx] = r.rates(`h ${h.key}`, h.rxBytes, h.txBytes);
      return {
        host: h.host,
        name: h.transit || !this.names ? null : this.names.host(h.host),
        rx_rate: rx,
        tx_rate: tx,
        rx_bytes: h.rxBytes,
        tx_bytes: h.txBytes,
        peak_rate: round(h.peak),
        local_ports: h.localPorts,
      };
    });
    const processes = snap.processes.map((p) => {
      const [rx, tx] = r.rates(`p ${p.key}`, p.rxBytes, p.txBytes);
      return {
        pid: p.pid,
        name: p.name,
        cmdline: p.cmdline,
        user: p.user,
        netns: p.netns,
        rx_rate: rx,
        tx_rate: tx,
        rx_bytes: p.rxBytes,
        tx_bytes: p.txBytes,
        connections: p.connections,
      };
    });
    const connections = snap.connections.map((c) => {
      const [rx, tx] = r.rates(`c ${c.key}`, c.rxBytes, c.txBytes);
      return {
        proto: c.proto,
        local: c.local,
        remote: c.remote,
        pid: c.pid,
        process: c.process === '' ? null : c.process,
        rx_rate: rx,
        tx_rate: tx,
        rx_bytes: c.rxBytes,
        tx_bytes: c.txBytes,
      };
    });
    r.end();
    const byRate = <T extends { rx_rate: number; tx_rate: number; rx_bytes: number; tx_bytes: number }>(key: (x: T) => string) => (a: T, b: T) =>
      b.rx_rate + b.tx_rate - (a.rx_rate + a.tx_rate) || b.rx_bytes + b.tx_bytes - (a.rx_bytes + a.tx_bytes) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
    hosts.sort(byRate((h) => h.host));
    processes.sort(byRate((p) => `${p.name}\0${p.pid}`));
    connections.sort(byRate((c) => `${c.proto} ${c.local} ${c.remote}`));
    return escapeJsonUnsafe(JSON.stringify({
      ts: new Date(snap.time).toISOString(),
      interface: snap.interface,
      interval_s: round(r.interval),
      totals: {
        rx_rate: rxRate,
        tx_rate: txRate,
        rx_bytes: t.rxBytes,
        tx_bytes: t.txBytes,
        transit_bytes: t.transitBytes,
        packets: t.packets,
        dropped: t.dropped,
      },
      hosts,
      processes,
      connections,
      // status messages (interface down, capture resumed …), only when there are some
      ...(snap.notices.length > 0 ? { notices: snap.notices } : {}),
    }));
  }
}
