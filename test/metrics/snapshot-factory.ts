import type { HostRow, ProcessRow, Snapshot, Totals } from '../../src/core/snapshot.js';

const rates = { rx1: 0, tx1: 0, rx2: 0, tx2: 0, rx10: 0, tx10: 0, rx40: 0, tx40: 0, peak: 0 };

export function host(h: string, rxBytes: number, txBytes: number, key = h): HostRow {
  return { ...rates, key, host: h, family: h.includes(':') ? 6 : 4, transit: false, localPorts: 1, processKeys: [], rxBytes, txBytes, packets: 1, lastSeen: 0 };
}

export function proc(pid: number | null, name: string, rxBytes: number, txBytes: number, extra: Partial<ProcessRow> = {}): ProcessRow {
  return {
    ...rates,
    key: pid === null ? name : `${pid}:100`,
    pid,
    name,
    cmdline: name,
    user: pid === null ? null : 'bind',
    netns: null,
    connections: 1,
    gone: false,
    cpu: null,
    memory: null,
    rxBytes,
    txBytes,
    packets: 1,
    lastSeen: 0,
    ...extra,
  };
}

let seq = 0;
export function snapshot(parts: { totals?: Partial<Totals>; hosts?: HostRow[]; processes?: ProcessRow[]; iface?: string } = {}): Snapshot {
  seq++;
  return {
    seq,
    time: 1_700_000_000_000 + seq * 1000,
    elapsed: seq,
    interface: parts.iface ?? 'eth0',
    filter: null,
    local: '198.18.0.1',
    totals: { ...rates, rxBytes: 0, txBytes: 0, transitBytes: 0, packets: 0, malformed: 0, dropped: null, ...parts.totals },
    hosts: parts.hosts ?? [],
    processes: parts.processes ?? [],
    connections: [],
    notices: [],
  };
}

/** Parse Prometheus text (or OpenMetrics) samples into "name{labels}" → value. */
export function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

export async function scrape(url: string, accept?: string): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(url, accept ? { headers: { accept } } : {});
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}
