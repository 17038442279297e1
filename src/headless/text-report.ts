import type { Snapshot } from '../core/snapshot.js';
import { formatBytes, formatRate, padEnd, padStart, truncate } from '../ui/format.js';
import type { NameLookup } from '../ui/name-lookup.js';
import { sanitizeText } from '../util/sanitize.js';
import { IntervalRates } from './interval-rates.js';

const ROWS = 15;

/** Readable plain-text tables, one block per interval (`--text`). */
export class TextReport {
  private rates = new IntervalRates();
  constructor(
    private readonly bits: boolean,
    private readonly names: NameLookup | null = null,
    private readonly width = 100,
  ) {}

  block(snap: Snapshot): string {
    const r = this.rates;
    r.begin(snap);
    const rate = (n: number) => padStart(formatRate(n, this.bits), 10);
    const bytes = (n: number) => padStart(formatBytes(n), 10);
    const t = snap.totals;
    const [trx, ttx] = r.rates('\0totals', t.rxBytes, t.txBytes);
    const lines: string[] = [];
    const unit = this.bits ? 'bits/s' : 'bytes/s';
    lines.push(
      `${new Date(snap.time).toISOString()}  ${sanitizeText(snap.interface)}${snap.filter ? `  filter: ${sanitizeText(snap.filter)}` : ''}  interval ${r.interval.toFixed(1)} s  local: ${sanitizeText(snap.local)}`,
      `total  rx ${formatRate(trx, this.bits)}/s  tx ${formatRate(ttx, this.bits)}/s  cumulative rx ${formatBytes(t.rxBytes)}  tx ${formatBytes(t.txBytes)}  transit ${formatBytes(t.transitBytes)}  packets ${t.packets}${t.malformed ? `  malformed ${t.malformed}` : ''}  dropped ${t.dropped ?? 'n/a'}`,
    );
    const hostW = Math.max(20, this.width - 58);
    const hosts = snap.hosts.map((h) => {
      const [rx, tx] = r.rates(`h ${h.key}`, h.rxBytes, h.txBytes);
      const name = !h.transit && this.names ? this.names.host(h.host) : null;
      return { label: name ? `${h.host} (${name})` : h.host, rx, tx, cum: h.rxBytes + h.txBytes, ports: h.localPorts };
    });
    sortRows(hosts);
    lines.push('', `${padEnd(`HOST (${unit})`, hostW)} ${padStart('RX', 10)} ${padStart('TX', 10)} ${padStart('TOTAL', 10)} ${padStart('CUMUL', 10)} ${padStart('PORTS', 5)}`);
    for (const h of hosts.slice(0, ROWS)) {
      lines.push(`${padEnd(truncate(sanitizeText(h.label), hostW), hostW)} ${rate(h.rx)} ${rate(h.tx)} ${rate(h.rx + h.tx)} ${bytes(h.cum)} ${padStart(String(h.ports), 5)}`);
    }
    if (hosts.length > ROWS) lines.push(`  … ${hosts.length - ROWS} more hosts`);
    const procW = Math.max(20, this.width - 70);
    const procs = snap.processes.map((p) => {
      const [rx, tx] = r.rates(`p ${p.key}`, p.rxBytes, p.txBytes);
      return { pid: p.pid, label: `${p.name}${p.netns ? ` [${p.netns}]` : ''}${p.gone ? ' (exited)' : ''}`, user: p.user ?? '', rx, tx, cum: p.rxBytes + p.txBytes, conns: p.connections };
    });
    sortRows(procs);
    lines.push('', `${padStart('PID', 7)} ${padEnd('PROCESS', procW)} ${padEnd('USER', 10)} ${padStart('RX', 10)} ${padStart('TX', 10)} ${padStart('CUMUL', 10)} ${padStart('CONNS', 6)}`);
    for (const p of procs.slice(0, ROWS)) {
      lines.push(
        `${padStart(p.pid === null ? '-' : String(p.pid), 7)} ${padEnd(truncate(sanitizeText(p.label), procW), procW)} ${padEnd(truncate(sanitizeText(p.user), 10), 10)} ${rate(p.rx)} ${rate(p.tx)} ${bytes(p.cum)} ${padStart(String(p.conns), 6)}`,
      );
    }
    if (procs.length > ROWS) lines.push(`  … ${procs.length - ROWS} more processes`);
    const conns = snap.connections.map((c) => {
      const [rx, tx] = r.rates(`c ${c.key}`, c.rxBytes, c.txBytes);
      return { label: `${c.proto} ${c.local} ⇄ ${c.remote}`, proc: c.process, rx, tx, cum: c.rxBytes + c.txBytes };
    });
    r.end();
    sortRows(conns);
    const connW = Math.max(30, this.width - 56);
    lines.push('', `${padEnd('CONNECTION', connW)} ${padEnd('PROCESS', 20)} ${padStart('RX', 10)} ${padStart('TX', 10)}`);
    for (const c of conns.slice(0, ROWS)) {
      lines.push(`${padEnd(truncate(sanitizeText(c.label), connW), connW)} ${padEnd(truncate(sanitizeText(c.proc), 20), 20)} ${rate(c.rx)} ${rate(c.tx)}`);
    }
    if (conns.length > ROWS) lines.push(`  … ${conns.length - ROWS} more connections`);
    for (const n of snap.notices) lines.push(`! ${sanitizeText(n)}`);
    return `${lines.join('\n')}\n`;
  }
}

function sortRows<T extends { rx: number; tx: number; cum: number; label: string }>(rows: T[]): void {
  rows.sort((a, b) => b.rx + b.tx - (a.rx + a.tx) || b.cum - a.cum || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}
