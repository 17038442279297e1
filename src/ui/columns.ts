import type { ConnectionRow, HostRow, ProcessRow } from '../core/snapshot.js';
import { parseAddress } from '../util/address.js';
import { sanitizeText } from '../util/sanitize.js';
import { formatBytes, formatCount, formatMemory, formatPercent, formatRate } from './format.js';
import type { NameLookup } from './name-lookup.js';
import type { RateWindow } from './ui-state.js';

/** What a cell needs besides its row. */
export interface CellContext {
  window: RateWindow;
  cumulative: boolean;
  bits: boolean;
  names: NameLookup | null;
  dns: boolean;
  services: boolean;
}

export interface Column<R> {
  /** matches SORT_COLUMNS ids; '' for unsortable */
  id: string;
  title: string;
  /** fixed width, or null for a flexible column sharing what is left */
  width: number | null;
  minWidth: number;
  align: 'left' | 'right';
  /** columns with lower priority go first when the terminal is narrow; Infinity never goes */
  priority: number;
  cell(row: R, ctx: CellContext): string;
  sortValue(row: R, ctx: CellContext): number | string;
}

const NUM = 8;
const ALWAYS = Number.POSITIVE_INFINITY;

function rx(r: HostRow | ProcessRow | ConnectionRow, c: CellContext): number {
  if (c.cumulative) return r.rxBytes;
  return c.window === 2 ? r.rx2 : c.window === 10 ? r.rx10 : r.rx40;
}
function tx(r: HostRow | ProcessRow | ConnectionRow, c: CellContext): number {
  if (c.cumulative) return r.txBytes;
  return c.window === 2 ? r.tx2 : c.window === 10 ? r.tx10 : r.tx40;
}
function amount(v: number, c: CellContext): string {
  return c.cumulative ? formatBytes(v) : formatRate(v, c.bits);
}

function trafficColumns<R extends HostRow | ProcessRow | ConnectionRow>(totalPriority: number): Column<R>[] {
  return [
    {
      id: 'rx', title: 'RX', width: NUM, minWidth: NUM, align: 'right', priority: ALWAYS,
      cell: (r, c) => amount(rx(r, c), c), sortValue: (r, c) => rx(r, c),
    },
    {
      id: 'tx', title: 'TX', width: NUM, minWidth: NUM, align: 'right', priority: ALWAYS,
      cell: (r, c) => amount(tx(r, c), c), sortValue: (r, c) => tx(r, c),
    },
    {
      id: 'total', title: 'TOTAL', width: NUM, minWidth: NUM, align: 'right', priority: totalPriority,
      cell: (r, c) => amount(rx(r, c) + tx(r, c), c), sortValue: (r, c) => rx(r, c) + tx(r, c),
    },
  ];
}

/** Sorts addresses numerically (v4 before v6), anything else after them by text. */
export function addressSortKey(text: string): string {
  const w = parseAddress(text);
  if (!w) return `~${text}`;
  let out = '';
  for (const x of w) out += x.toString(16).padStart(8, '0');
  return out;
}

export function hostLabel(r: HostRow, c: CellContext): string {
  if (c.dns && c.names && !r.transit && !r.host.includes('/')) {
    const name = c.names.host(r.host);
    if (name) return sanitizeText(name, 253);
  }
  return sanitizeText(r.host, 100);
}

export function hostColumns(): Column<HostRow>[] {
  const [rxc, txc, total] = trafficColumns<HostRow>(ALWAYS);
  return [
    {
      id: 'host', title: 'HOST', width: null, minWidth: 15, align: 'left', priority: ALWAYS,
      cell: hostLabel, sortValue: (r) => addressSortKey(r.host),
    },
    rxc!, txc!, total!,
    {
      id: 'peak', title: 'PEAK', width: NUM, minWidth: NUM, align: 'right', priority: 2,
      cell: (r, c) => formatRate(r.peak, c.bits), sortValue: (r) => r.peak,
    },
    {
      id: 'cum', title: 'CUM', width: NUM, minWidth: NUM, align: 'right', priority: 1,
      cell: (r) => formatBytes(r.rxBytes + r.txBytes), sortValue: (r) => r.rxBytes + r.txBytes,
    },
    {
      id: 'ports', title: 'PORTS', width: 6, minWidth: 6, align: 'right', priority: 3,
      cell: (r) => formatCount(r.localPorts), sortValue: (r) => r.localPorts,
    },
  ];
}

export function processLabel(r: ProcessRow): string {
  const name = sanitizeText(r.name, 64);
  return r.gone ? `${name} (exited)` : name;
}

export function processColumns(withNetns: boolean): Column<ProcessRow>[] {
  const [rxc, txc, total] = trafficColumns<ProcessRow>(4);
  const cols: Column<ProcessRow>[] = [
    {
      id: 'pid', title: 'PID', width: 7, minWidth: 7, align: 'right', priority: ALWAYS,
      cell: (r) => (r.pid === null ? '-' : r.pid.toString()), sortValue: (r) => r.pid ?? -1,
    },
    {
      id: 'name', title: 'PROCESS', width: null, minWidth: 16, align: 'left', priority: ALWAYS,
      cell: (r) => processLabel(r), sortValue: (r) => r.name,
    },
    {
      id: 'user', title: 'USER', width: 8, minWidth: 8, align: 'left', priority: 3,
      cell: (r) => (r.user === null ? '-' : sanitizeText(r.user, 32)), sortValue: (r) => r.user ?? '',
    },
  ];
  if (withNetns) {
    cols.push({
      id: '', title: 'NETNS', width: 10, minWidth: 10, align: 'left', priority: 2,
      cell: (r) => (r.netns === null ? '' : sanitizeText(r.netns, 64)), sortValue: (r) => r.netns ?? '',
    });
  }
  cols.push(rxc!, txc!, total!, {
    id: 'conns', title: 'CONNS', width: 6, minWidth: 6, align: 'right', priority: 3,
    cell: (r) => formatCount(r.connections), sortValue: (r) => r.connections,
  }, {
    id: 'cpu', title: 'CPU', width: 6, minWidth: 6, align: 'right', priority: 2,
    cell: (r) => formatPercent(r.cpu), sortValue: (r) => r.cpu ?? -1,
  }, {
    id: 'mem', title: 'MEM', width: NUM, minWidth: NUM, align: 'right', priority: 1,
    cell: (r) => formatMemory(r.memory), sortValue: (r) => r.memory ?? -1,
  });
  return cols;
}

/** "198.18.0.1:53" → "198.18.0.1:domain" when service names are on and known. */
export function endpointLabel(endpoint: string, proto: string, c: CellContext): string {
  const clean = sanitizeText(endpoint, 100);
  if (!c.services || !c.names) return clean;
  const colon = clean.lastIndexOf(':');
  const port = Number(clean.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port) || port < 0 || port > 65535) return clean;
  const name = c.names.service(port, proto);
  return name ? `${clean.slice(0, colon)}:${sanitizeText(name, 32)}` : clean;
}

export function connectionColumns(): Column<ConnectionRow>[] {
  const [rxc, txc, total] = trafficColumns<ConnectionRow>(2);
  return [
    {
      id: 'proto', title: 'PROTO', width: 6, minWidth: 6, align: 'left', priority: 5,
      cell: (r) => sanitizeText(r.proto, 8), sortValue: (r) => r.proto,
    },
    {
      id: 'local', title: 'LOCAL', width: null, minWidth: 21, align: 'left', priority: ALWAYS,
      cell: (r, c) => endpointLabel(r.local, r.proto, c), sortValue: (r) => r.local,
    },
    {
      id: 'remote', title: 'REMOTE', width: null, minWidth: 21, align: 'left', priority: ALWAYS,
      cell: (r, c) => endpointLabel(r.remote, r.proto, c), sortValue: (r) => r.remote,
    },
    {
      id: 'process', title: 'PROCESS', width: 14, minWidth: 14, align: 'left', priority: 1,
      cell: (r) => sanitizeText(r.pid === null ? r.process : `${r.process}/${r.pid}`, 64),
      sortValue: (r) => r.process,
    },
    rxc!, txc!, total!,
  ];
}
