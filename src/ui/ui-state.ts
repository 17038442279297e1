/**
 * Everything the user has chosen, and the pure reducer that applies one key.
 * What a key does may depend on what is on screen (which row is next, how many
 * fit a page, which seconds are recorded): that comes in as a NavContext built
 * by the view model, so the reducer stays a pure function.
 */

export type PaneId = 'hosts' | 'processes' | 'connections';
/** none → /24 (v6 /64) → /16 (v6 /48) → none */
export type Aggregation = 'none' | 'narrow' | 'wide';
export type RateWindow = 2 | 10 | 40;

export interface SortSpec {
  column: string;
  descending: boolean;
}

/** Selection by row key (it follows the row when rows reorder); index is the fallback when the row goes away. */
export interface Selection {
  key: string | null;
  index: number;
  scroll: number;
}

export interface DrillFrame {
  kind: 'host' | 'process';
  key: string;
  /** what was focused and selected before drilling, restored by Esc */
  focus: PaneId;
  saved: Record<PaneId, Selection>;
}

export interface UiState {
  quit: boolean;
  help: boolean;
  /** the "block this host" commands overlay */
  blockCommands: boolean;
  focus: PaneId;
  drill: readonly DrillFrame[];
  selection: Record<PaneId, Selection>;
  sort: Record<PaneId, SortSpec>;
  /** seq of the snapshot held on screen, null when live */
  frozenSeq: number | null;
  window: RateWindow;
  bits: boolean;
  dns: boolean;
  services: boolean;
  aggregation: Aggregation;
  filter: string;
  filterEditing: boolean;
  cumulative: boolean;
  width: number;
  height: number;
}

/** What the screen currently shows, as far as keys need to know. */
export interface NavContext {
  /** panes on screen, top first */
  panes: readonly PaneId[];
  /** row keys per pane in display order (sorted, filtered) */
  rows: Partial<Record<PaneId, readonly string[]>>;
  /** rows visible at once per pane */
  pageSize: Partial<Record<PaneId, number>>;
  /** newest and oldest recorded seconds */
  latestSeq: number | null;
  oldestSeq: number | null;
}

export const EMPTY_NAV: NavContext = { panes: ['hosts', 'processes'], rows: {}, pageSize: {}, latestSeq: null, oldestSeq: null };

interface ColumnInfo {
  id: string;
  /** numbers sort biggest first, text A→Z */
  descending: boolean;
}

/** Every column id some pane can sort by (for checking the config file's "sort"). */
export function sortColumnIds(): string[] {
  return [...new Set(Object.values(SORT_COLUMNS).flatMap((cols) => cols.map((c) => c.id)))];
}

/** Sortable columns per pane, left to right, in the order `<`/`>` walk them. */
export const SORT_COLUMNS: Record<PaneId, readonly ColumnInfo[]> = {
  hosts: [
    { id: 'host', descending: false },
    { id: 'rx', descending: true },
    { id: 'tx', descending: true },
    { id: 'total', descending: true },
    { id: 'peak', descending: true },
    { id: 'cum', descending: true },
    { id: 'ports', descending: true },
  ],
  processes: [
    { id: 'pid', descending: false },
    { id: 'name', descending: false },
    { id: 'user', descending: false },
    { id: 'rx', descending: true },
    { id: 'tx', descending: true },
    { id: 'total', descending: true },
    { id: 'conns', descending: true },
    { id: 'cpu', descending: true },
    { id: 'mem', descending: true },
  ],
  connections: [
    { id: 'proto', descending: false },
    { id: 'local', descending: false },
    { id: 'remote', descending: false },
    { id: 'process', descending: false },
    { id: 'rx', descending: true },
    { id: 'tx', descending: true },
    { id: 'total', descending: true },
  ],
};

const NO_SELECTION: Selection = { key: null, index: 0, scroll: 0 };

export interface InitialOptions {
  /** initial sort column id (config file "sort"), for every pane that has it; else total */
  sort?: string;
  bits?: boolean;
  dns?: boolean;
  services?: boolean;
  width?: number;
  height?: number;
}

export function initialState(opts: InitialOptions = {}): UiState {
  const byTotal: SortSpec = { column: 'total', descending: true };
  const initialSort = (pane: PaneId): SortSpec => {
    const col = SORT_COLUMNS[pane].find((c) => c.id === opts.sort);
    return col ? { column: col.id, descending: col.descending } : byTotal;
  };
  return {
    quit: false,
    help: false,
    blockCommands: false,
    focus: 'hosts',
    drill: [],
    selection: { hosts: NO_SELECTION, processes: NO_SELECTION, connections: NO_SELECTION },
    sort: { hosts: initialSort('hosts'), processes: initialSort('processes'), connections: initialSort('connections') },
    frozenSeq: null,
    window: 2,
    bits: opts.bits ?? false,
    dns: opts.dns ?? true,
    services: opts.services ?? true,
    aggregation: 'none',
    filter: '',
    filterEditing: false,
    cumulative: false,
    width: opts.width ?? 80,
    height: opts.height ?? 24,
  };
}

/** The panes on screen for a drill-down stack. */
export function panesFor(drill: readonly DrillFrame[]): readonly PaneId[] {
  const top = drill[drill.length - 1];
  if (!top) return ['hosts', 'processes'];
  return top.kind === 'host' ? ['processes', 'connections'] : ['hosts', 'connections'];
}

/** Index of the selected row among `rows`: the selected key when present, else the remembered index clamped. */
export function selectedIndex(sel: Selection, rows: readonly string[]): number {
  if (rows.length === 0) return -1;
  if (sel.key !== null) {
    const i = rows.indexOf(sel.key);
    if (i >= 0) return i;
  }
  return Math.min(Math.max(0, sel.index), rows.length - 1);
}

/** Scroll offset that keeps `index` visible, starting from the remembered one. */
export function scrollFor(scroll: number, index: number, page: number, total: number): number {
  const p = Math.max(1, page);
  let s = Math.min(scroll, Math.max(0, total - p));
  if (index < s) s = index;
  if (index >= s + p) s = index - p + 1;
  return Math.max(0, s);
}

export function resize(state: UiState, width: number, height: number): UiState {
  if (state.width === width && state.height === height) return state;
  return { ...state, width, height };
}

/** Key names are blessed's full names: "q", "S-tab", "up", "pageup", "enter", "escape", "space", "C-c", "<", … */
export function reduce(state: UiState, key: string, nav: NavContext = EMPTY_NAV): UiState {
  if (key === 'C-c') return { ...state, quit: true };
  if (state.filterEditing) return editFilter(state, key);
  if (state.help) {
    if (key === 'q') return { ...state, quit: true };
    if (key === 'h' || key === '?' || key === 'escape' || key === 'enter') return { ...state, help: false };
    return state;
  }
  if (state.blockCommands) {
    if (key === 'q') return { ...state, quit: true };
    if (key === 'x' || key === 'escape' || key === 'enter') return { ...state, blockCommands: false };
    return state;
  }
  switch (key) {
    case 'q':
      return { ...state, quit: true };
    case 'h':
    case '?':
      return { ...state, help: true };
    case 'tab':
      return cycleFocus(state, 1);
    case 'S-tab':
      return cycleFocus(state, -1);
    case 'up':
    case 'k':
      return move(state, nav, (i) => i - 1);
    case 'down':
    case 'j':
      return move(state, nav, (i) => i + 1);
    case 'pageup':
      return move(state, nav, (i, page) => i - page);
    case 'pagedown':
      return move(state, nav, (i, page) => i + page);
    case 'home':
      return move(state, nav, () => 0);
    case 'end':
      return move(state, nav, (_i, _p, n) => n - 1);
    case 'enter':
      return drillDown(state, nav);
    case 'escape':
      return back(state);
    case '<':
      return changeSort(state, -1);
    case '>':
      return changeSort(state, 1);
    case 'r': {
      const s = state.sort[state.focus];
      return { ...state, sort: { ...state.sort, [state.focus]: { ...s, descending: !s.descending } } };
    }
    case 'space':
    case 'p':
      if (state.frozenSeq !== null) return { ...state, frozenSeq: null };
      return nav.latestSeq === null ? state : { ...state, frozenSeq: nav.latestSeq };
    case 'left':
      return scrub(state, nav, -1);
    case 'right':
      return scrub(state, nav, 1);
    case 't':
      return { ...state, window: state.window === 2 ? 10 : state.window === 10 ? 40 : 2 };
    case 'b':
      return { ...state, bits: !state.bits };
    case 'n':
      return { ...state, dns: !state.dns };
    case 'N':
      return { ...state, services: !state.services };
    case 'a': {
      const next: Aggregation = state.aggregation === 'none' ? 'narrow' : state.aggregation === 'narrow' ? 'wide' : 'none';
      // Host keys change meaning with aggregation: a drill-down into a host no longer applies.
      const hostDrill = state.drill.findIndex((d) => d.kind === 'host');
      const base = hostDrill >= 0 ? unwind(state, hostDrill) : state;
      return { ...base, aggregation: next };
    }
    case '/':
      return { ...state, filterEditing: true };
    case 'c':
      return { ...state, cumulative: !state.cumulative };
    case 'x':
      return { ...state, blockCommands: true };
    default:
      return state;
  }
}

function editFilter(state: UiState, key: string): UiState {
  switch (key) {
    case 'enter':
      return { ...state, filterEditing: false };
    case 'escape':
      return { ...state, filterEditing: false, filter: '' };
    case 'backspace':
      return { ...state, filter: [...state.filter].slice(0, -1).join('') };
    case 'C-u':
      return { ...state, filter: '' };
    case 'space':
      return { ...state, filter: state.filter + ' ' };
    default: {
      const chars = [...key];
      const cp = key.codePointAt(0) ?? 0;
      if (chars.length !== 1 || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return state;
      if (state.filter.length >= 200) return state;
      return { ...state, filter: state.filter + key };
    }
  }
}

function cycleFocus(state: UiState, delta: number): UiState {
  const panes = panesFor(state.drill);
  const i = panes.indexOf(state.focus);
  const next = panes[(i + delta + panes.length * 2) % panes.length] ?? panes[0]!;
  return { ...state, focus: next };
}

function move(state: UiState, nav: NavContext, to: (index: number, page: number, count: number) => number): UiState {
  const pane = state.focus;
  const rows = nav.rows[pane] ?? [];
  if (rows.length === 0) return state;
  const sel = state.selection[pane];
  const page = Math.max(1, nav.pageSize[pane] ?? 1);
  const from = selectedIndex(sel, rows);
  const index = Math.min(rows.length - 1, Math.max(0, to(from, page, rows.length)));
  const scroll = scrollFor(sel.scroll, index, page, rows.length);
  return { ...state, selection: { ...state.selection, [pane]: { key: rows[index] ?? null, index, scroll } } };
}

function drillDown(state: UiState, nav: NavContext): UiState {
  const pane = state.focus;
  if (pane === 'connections') return state;
  const rows = nav.rows[pane] ?? [];
  const i = selectedIndex(state.selection[pane], rows);
  const key = rows[i];
  if (key === undefined) return state;
  const frame: DrillFrame = {
    kind: pane === 'hosts' ? 'host' : 'process',
    key,
    focus: pane,
    saved: state.selection,
  };
  const drill = [...state.drill, frame];
  const panes = panesFor(drill);
  const selection = { ...state.selection };
  for (const p of panes) selection[p] = NO_SELECTION;
  return { ...state, drill, selection, focus: panes[0]!, blockCommands: false };
}

/** Pop drill frames down to (not including) depth `depth`. */
function unwind(state: UiState, depth: number): UiState {
  const frame = state.drill[depth];
  if (!frame) return state;
  return { ...state, drill: state.drill.slice(0, depth), focus: frame.focus, selection: frame.saved };
}

function back(state: UiState): UiState {
  if (state.drill.length > 0) return unwind(state, state.drill.length - 1);
  if (state.filter !== '') return { ...state, filter: '' };
  return state;
}

function changeSort(state: UiState, delta: number): UiState {
  const pane = state.focus;
  const cols = SORT_COLUMNS[pane];
  const i = cols.findIndex((c) => c.id === state.sort[pane].column);
  const next = cols[(i + delta + cols.length) % cols.length]!;
  return { ...state, sort: { ...state.sort, [pane]: { column: next.id, descending: next.descending } } };
}

function scrub(state: UiState, nav: NavContext, delta: number): UiState {
  if (nav.latestSeq === null || nav.oldestSeq === null) return state;
  const from = state.frozenSeq ?? (delta < 0 ? nav.latestSeq : null);
  if (from === null) return state;
  const seq = Math.min(nav.latestSeq, Math.max(nav.oldestSeq, from + delta));
  return { ...state, frozenSeq: seq };
}
