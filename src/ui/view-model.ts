import type { ConnectionRow, HostRow, ProcessRow, RowStats, Snapshot } from '../core/snapshot.js';
import { sanitizeText } from '../util/sanitize.js';
import { aggregateHosts, aggregateKey, aggregationLabel } from './aggregate.js';
import { blockCommands } from './block-commands.js';
import {
  connectionColumns,
  hostColumns,
  hostLabel,
  processColumns,
  processLabel,
  type CellContext,
  type Column,
} from './columns.js';
import { formatBytes, formatCount, formatRatePerSecond, padEnd, textWidth, truncate } from './format.js';
import type { HistoryRing } from './history-ring.js';
import { HELP_LINES } from './help-text.js';
import { computeLayout, type Layout } from './layout.js';
import type { NameLookup } from './name-lookup.js';
import { sparkline } from './sparkline.js';
import { statusLine as renderStatusLine, type StatusFacts } from './status-line.js';
import { fitColumns, headerLine, rowLine, sortRows } from './table.js';
import { panesFor, scrollFor, selectedIndex, type NavContext, type PaneId, type UiState } from './ui-state.js';

export interface PaneView {
  id: PaneId;
  focused: boolean;
  /** column header, full width */
  header: string;
  /** the visible rows, each full width */
  lines: string[];
  /** index into lines of the selected row, -1 when none is visible */
  selected: number;
}

export interface SparkView {
  label: string;
  bars: string;
  value: string;
}

export interface ViewModel {
  layout: Layout;
  header: { totals: string; rx: SparkView; tx: SparkView };
  panes: readonly [PaneView, PaneView];
  graph: { title: string; rx: SparkView; tx: SparkView };
  status: string;
  overlay: { title: string; lines: string[] } | null;
  nav: NavContext;
  /** pids of process rows on screen, for CPU/memory sampling */
  watchPids: number[];
}

/** Sparklines are at most this wide: a shifting sparkline rewrites every cell each second. */
export const SPARK_MAX = 60;
const MARKER = '▸';

interface PaneRows {
  hosts: HostRow[];
  processes: ProcessRow[];
  connections: ConnectionRow[];
}

/** Everything shown, as strings, from one snapshot (the live one or the frozen one) and the user's choices. */
export function buildViewModel(
  latest: Snapshot | null,
  history: HistoryRing,
  state: UiState,
  names: NameLookup | null = null,
): ViewModel {
  const layout = computeLayout(state.width, state.height);
  const shown = shownSnapshot(latest, history, state);
  const ctx: CellContext = {
    window: state.window,
    cumulative: state.cumulative,
    bits: state.bits,
    names,
    dns: state.dns,
    services: state.services,
  };
  const panes = panesFor(state.drill);
  const rows = paneRows(shown, state);
  const built = panes.map((id, i) => buildPane(id, rows, state, ctx, layout.panes[i]!.width, layout.panes[i]!.height));
  const nav: NavContext = {
    panes,
    rows: Object.fromEntries(built.map((b) => [b.view.id, b.keys])),
    pageSize: Object.fromEntries(built.map((b) => [b.view.id, Math.max(1, layout.panes[built.indexOf(b)]!.height - 1)])),
    latestSeq: history.latest()?.seq ?? latest?.seq ?? null,
    oldestSeq: history.oldest()?.seq ?? latest?.seq ?? null,
  };
  const watchPids = rows.processes
    .filter((p) => p.pid !== null && built.some((b) => b.visibleKeys.includes(p.key)))
    .map((p) => p.pid!)
    .sort((a, b) => a - b);
  const selected = selectedRow(state, nav, rows);
  return {
    layout,
    header: headerView(shown, history, state, layout.header.width),
    panes: [built[0]!.view, built[1]!.view],
    graph: graphView(selected, shown, history, state, layout.graph.width, ctx),
    status: statusLine(shown, latest, state, rows, layout.status.width),
    overlay: overlayView(state, selected, rows, ctx),
    nav,
    watchPids,
  };
}

function shownSnapshot(latest: Snapshot | null, history: HistoryRing, state: UiState): Snapshot | null {
  if (state.frozenSeq === null) return latest;
  const i = history.indexAtOrBefore(state.frozenSeq);
  return history.at(Math.max(0, i)) ?? latest;
}

function matches(filter: string, ...fields: (string | null | undefined)[]): boolean {
  for (const f of fields) if (f && f.toLowerCase().includes(filter)) return true;
  return false;
}

/** Rows per pane after aggregation, drill-down and filter; unsorted. */
export function paneRows(snap: Snapshot | null, state: UiState): PaneRows {
  if (!snap) return { hosts: [], processes: [], connections: [] };
  const { rows: allHosts, groupOf } = aggregateHosts(snap.hosts, state.aggregation);
  let hosts = allHosts;
  let processes = snap.processes;
  let connections = snap.connections;
  const top = state.drill[state.drill.length - 1];
  if (top?.kind === 'host') {
    const group = allHosts.find((h) => h.key === top.key);
    const procKeys = new Set(group?.processKeys ?? []);
    processes = processes.filter((p) => procKeys.has(p.key));
    connections = connections.filter((c) => (groupOf.get(c.hostKey) ?? c.hostKey) === top.key);
    hosts = group ? [group] : [];
  } else if (top?.kind === 'process') {
    hosts = hosts.filter((h) => h.processKeys.includes(top.key));
    connections = connections.filter((c) => c.processKey === top.key || c.peerProcessKey === top.key);
    processes = processes.filter((p) => p.key === top.key);
  }
  const f = state.filter.trim().toLowerCase();
  if (f !== '') {
    hosts = hosts.filter((h) => matches(f, h.host, h.key));
    processes = processes.filter((p) => matches(f, p.name, p.cmdline, p.user, p.pid?.toString(), p.netns));
    connections = connections.filter((c) => matches(f, c.proto, c.local, c.remote, c.process, c.pid?.toString()));
  }
  return { hosts, processes, connections };
}

interface BuiltPane {
  view: PaneView;
  keys: string[];
  visibleKeys: string[];
}

function buildPane(id: PaneId, rows: PaneRows, state: UiState, ctx: CellContext, width: number, height: number): BuiltPane {
  switch (id) {
    case 'hosts':
      return table(id, rows.hosts, hostColumns(), state, ctx, width, height);
    case 'processes':
      return table(id, rows.processes, processColumns(rows.processes.some((p) => p.netns !== null)), state, ctx, width, height);
    case 'connections':
      return table(id, rows.connections, connectionColumns(), state, ctx, width, height);
  }
}

function table<R extends { key: string }>(
  id: PaneId,
  rows: R[],
  columns: Column<R>[],
  state: UiState,
  ctx: CellContext,
  width: number,
  height: number,
): BuiltPane {
  const sorted = sortRows(rows, columns, state.sort[id], ctx);
  const keys = sorted.map((r) => r.key);
  const fitted = fitColumns(columns, width);
  const focused = state.focus === id;
  const header = padEnd(headerLine(fitted, state.sort[id], sorted.length), width);
  const page = Math.max(0, height - 1);
  const sel = state.selection[id];
  const index = selectedIndex(sel, keys);
  const scroll = index < 0 ? 0 : scrollFor(sel.scroll, index, page, keys.length);
  const lines: string[] = [];
  const visibleKeys: string[] = [];
  for (let i = scroll; i < Math.min(keys.length, scroll + page); i++) {
    const row = sorted[i]!;
    visibleKeys.push(row.key);
    lines.push(padEnd(rowLine(fitted, row, ctx, i === index ? MARKER : ' '), width));
  }
  if (keys.length === 0 && page > 0) {
    lines.push(padEnd(`  ${emptyText(id, state)}`, width));
  }
  return { view: { id, focused, header, lines, selected: index < 0 ? -1 : index - scroll }, keys, visibleKeys };
}

function emptyText(id: PaneId, state: UiState): string {
  if (state.filter.trim() !== '') return `no ${id} match "${sanitizeText(state.filter, 40)}"`;
  return `no ${id} yet`;
}

interface Selected {
  pane: PaneId;
  key: string;
  label: string;
  host: HostRow | null;
}

/** The row under the cursor in the focused pane (the history graph and `x` follow it). */
function selectedRow(state: UiState, nav: NavContext, rows: PaneRows): Selected | null {
  const pane = state.focus;
  const keys = nav.rows[pane] ?? [];
  const key = keys[selectedIndex(state.selection[pane], keys)];
  if (key === undefined) return null;
  if (pane === 'hosts') {
    const h = rows.hosts.find((r) => r.key === key) ?? null;
    return { pane, key, label: h ? sanitizeText(h.host, 60) : key, host: h };
  }
  if (pane === 'processes') {
    const p = rows.processes.find((r) => r.key === key);
    const label = p ? `${processLabel(p)}${p.pid === null ? '' : ` (${p.pid})`}` : key;
    return { pane, key, label, host: null };
  }
  const c = rows.connections.find((r) => r.key === key);
  return { pane, key, label: c ? sanitizeText(`${c.proto} ${c.local} ⇄ ${c.remote}`, 100) : key, host: null };
}

function headerView(shown: Snapshot | null, history: HistoryRing, state: UiState, width: number): ViewModel['header'] {
  if (!shown) {
    const empty: SparkView = { label: '', bars: '', value: '' };
    return { totals: padEnd(' wiretop · waiting for the first second of traffic…', width), rx: empty, tx: empty };
  }
  const t = shown.totals;
  const w = state.window;
  const rxRate = w === 2 ? t.rx2 : w === 10 ? t.rx10 : t.rx40;
  const txRate = w === 2 ? t.tx2 : w === 10 ? t.tx10 : t.tx40;
  // Most important first; a part is shown whole or not at all.
  const parts = [
    ` wiretop · ${sanitizeText(shown.interface, 32)}`,
    `rx ${formatRatePerSecond(rxRate, state.bits)}`,
    `tx ${formatRatePerSecond(txRate, state.bits)}`,
    `Σ rx ${formatBytes(t.rxBytes)} tx ${formatBytes(t.txBytes)}`,
    `peak ${formatRatePerSecond(t.peak, state.bits)}`,
    `${formatCount(t.packets)} pkts`,
    `local ${sanitizeText(shown.local, 40)}`,
  ];
  let totals = '';
  for (const p of parts) {
    const next = totals === '' ? p : `${totals} · ${p}`;
    if (textWidth(next) > width) break;
    totals = next;
  }
  const series = history.window(shown.seq, SPARK_MAX);
  const rx = series.map((s) => s.totals.rx1);
  const tx = series.map((s) => s.totals.tx1);
  return {
    totals: padEnd(totals, width),
    rx: spark('rx', rx, t.rx1, width, state.bits),
    tx: spark('tx', tx, t.tx1, width, state.bits),
  };
}

/** "rx ▁▂▃▅  1.2 MiB/s", bars scaled to the larger of rx and tx is not wanted: each line has its own scale. */
function spark(label: string, values: number[], now: number, width: number, bits: boolean): SparkView {
  const value = formatRatePerSecond(now, bits).padStart(12);
  const barsWidth = Math.max(0, Math.min(SPARK_MAX, width - label.length - value.length - 4));
  return { label, bars: sparkline(values, barsWidth), value };
}

const statsCache = new WeakMap<Snapshot, Map<string, Map<string, RowStats>>>();

/** Per-second rx/tx of one row in one snapshot (aggregated hosts summed), memoised per snapshot. */
function rowStatsIn(snap: Snapshot, pane: PaneId, key: string, state: UiState): { rx: number; tx: number } {
  let byPane = statsCache.get(snap);
  if (!byPane) {
    byPane = new Map();
    statsCache.set(snap, byPane);
  }
  const cacheKey = pane === 'hosts' ? `hosts:${state.aggregation}` : pane;
  let index = byPane.get(cacheKey);
  if (!index) {
    index = new Map();
    if (pane === 'hosts') {
      for (const h of snap.hosts) {
        const k = aggregateKeyMemo(h, state);
        const prev = index.get(k);
        if (prev) {
          prev.rx1 += h.rx1;
          prev.tx1 += h.tx1;
        } else {
          index.set(k, { ...h });
        }
      }
    } else {
      for (const r of pane === 'processes' ? snap.processes : snap.connections) index.set(r.key, r);
    }
    byPane.set(cacheKey, index);
  }
  const row = index.get(key);
  return row ? { rx: row.rx1, tx: row.tx1 } : { rx: 0, tx: 0 };
}

function aggregateKeyMemo(h: HostRow, state: UiState): string {
  return state.aggregation === 'none' ? h.key : aggregateKey(h, state.aggregation);
}

function graphView(
  selected: Selected | null,
  shown: Snapshot | null,
  history: HistoryRing,
  state: UiState,
  width: number,
  ctx: CellContext,
): ViewModel['graph'] {
  const empty: SparkView = { label: 'rx', bars: '', value: '' };
  if (!selected || !shown) {
    return { title: rule(' history: select a row ', width), rx: empty, tx: { ...empty, label: 'tx' } };
  }
  const series = history.window(shown.seq, SPARK_MAX);
  const rx: number[] = [];
  const tx: number[] = [];
  for (const s of series) {
    const v = rowStatsIn(s, selected.pane, selected.key, state);
    rx.push(v.rx);
    tx.push(v.tx);
  }
  const label = selected.host ? hostLabel(selected.host, ctx) : selected.label;
  const title = rule(` ${truncate(label, Math.max(10, width - 30))} · last ${series.length} s `, width);
  return {
    title,
    rx: spark('rx', rx, rx[rx.length - 1] ?? 0, width, state.bits),
    tx: spark('tx', tx, tx[tx.length - 1] ?? 0, width, state.bits),
  };
}

function rule(text: string, width: number): string {
  const head = truncate(`──${text}`, width);
  return head + '─'.repeat(Math.max(0, width - textWidth(head)));
}

function statusLine(shown: Snapshot | null, latest: Snapshot | null, state: UiState, rows: PaneRows, width: number): string {
  const top = state.drill[state.drill.length - 1];
  let drill: StatusFacts['drill'] = null;
  if (top?.kind === 'host') drill = { kind: 'host', label: sanitizeText(top.key, 60) };
  if (top?.kind === 'process') {
    const p = rows.processes.find((r) => r.key === top.key);
    drill = { kind: 'process', label: p ? `${processLabel(p)}${p.pid === null ? '' : ` (${p.pid})`}` : sanitizeText(top.key, 60) };
  }
  const dropped = shown?.totals.dropped;
  const sort = state.sort[state.focus];
  return renderStatusLine(
    {
      prompt: state.filterEditing ? sanitizeText(state.filter, 60) : null,
      iface: shown ? sanitizeText(shown.interface, 32) : null,
      captureFilter: shown?.filter ? sanitizeText(shown.filter, 60) : null,
      frozen:
        state.frozenSeq !== null && shown
          ? { time: shown.time, agoSec: latest ? Math.max(0, Math.round((latest.time - shown.time) / 1000)) : 0 }
          : null,
      sort: { column: sort.column, descending: sort.descending },
      dropped: dropped === null || dropped === undefined ? null : dropped,
      drill,
      notices: (latest?.notices ?? []).map((n) => sanitizeText(n, 120)),
      find: !state.filterEditing && state.filter !== '' ? sanitizeText(state.filter, 40) : null,
      window: state.cumulative ? 'cumulative' : `${state.window}s avg`,
      aggregation: state.aggregation !== 'none' ? aggregationLabel(state.aggregation) : null,
      noDns: !state.dns,
      bits: state.bits,
      hint: state.filterEditing ? 'Enter keep · Esc clear' : 'h help',
    },
    width,
  );
}

function overlayView(state: UiState, selected: Selected | null, rows: PaneRows, ctx: CellContext): ViewModel['overlay'] {
  if (state.help) return { title: ' wiretop keys ', lines: HELP_LINES };
  if (!state.blockCommands) return null;
  let host = selected?.host ?? null;
  const top = state.drill[state.drill.length - 1];
  if (!host && top?.kind === 'host') host = rows.hosts.find((h) => h.key === top.key) ?? null;
  if (!host) {
    return { title: ' block commands ', lines: ['Select a host in the hosts pane first.', '', 'x or Esc closes this.'] };
  }
  if (host.transit) {
    return { title: ' block commands ', lines: [`${sanitizeText(host.host, 80)} is transit traffic;`, 'block one end of it instead.', '', 'x or Esc closes this.'] };
  }
  void ctx;
  return {
    title: ` block ${sanitizeText(host.host, 60)} — shown, not run `,
    lines: [...blockCommands(sanitizeText(host.host, 60), host.family), '', 'Copy and paste what fits your firewall. x or Esc closes this.'],
  };
}
