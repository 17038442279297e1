import type { CellContext, Column } from './columns.js';
import { padEnd, padStart } from './format.js';
import type { SortSpec } from './ui-state.js';

export const SORT_UP = '▲';
export const SORT_DOWN = '▼';

export interface FittedColumn<R> {
  column: Column<R>;
  width: number;
}

/**
 * Which columns fit in `width` cells (one cell of left margin for the
 * selection marker, one between columns), and how wide each one is.
 */
export function fitColumns<R>(columns: readonly Column<R>[], width: number): FittedColumn<R>[] {
  let kept = columns.slice();
  const need = (cols: readonly Column<R>[]) =>
    cols.reduce((s, c) => s + (c.width ?? c.minWidth), 0) + cols.length - 1 + 1;
  while (need(kept) > width) {
    let drop = -1;
    for (let i = 0; i < kept.length; i++) {
      const p = kept[i]!.priority;
      if (Number.isFinite(p) && (drop < 0 || p < kept[drop]!.priority)) drop = i;
    }
    if (drop < 0) break;
    kept = kept.filter((_, i) => i !== drop);
  }
  const flex = kept.filter((c) => c.width === null);
  const fixed = kept.reduce((s, c) => s + (c.width ?? 0), 0);
  const spare = Math.max(0, width - 1 - (kept.length - 1) - fixed);
  let flexLeft = spare;
  let flexCount = flex.length;
  return kept.map((column) => {
    if (column.width !== null) return { column, width: column.width };
    const w = Math.max(1, Math.floor(flexLeft / flexCount));
    flexLeft -= w;
    flexCount--;
    return { column, width: w };
  });
}

function cell(text: string, width: number, align: 'left' | 'right'): string {
  return align === 'left' ? padEnd(text, width) : padStart(text, width);
}

/** The column header line; the first flexible column also shows how many rows the pane has. */
export function headerLine<R>(cols: readonly FittedColumn<R>[], sort: SortSpec, count: number): string {
  const firstFlex = cols.findIndex((c) => c.column.width === null);
  const parts = cols.map(({ column, width }, i) => {
    let text = i === firstFlex ? `${column.title} (${count})` : column.title;
    if (column.id !== '' && column.id === sort.column) text += sort.descending ? SORT_DOWN : SORT_UP;
    return cell(text, width, column.align);
  });
  return ` ${parts.join(' ')}`;
}

export function rowLine<R>(cols: readonly FittedColumn<R>[], row: R, ctx: CellContext, marker: string): string {
  return marker + cols.map(({ column, width }) => cell(column.cell(row, ctx), width, column.align)).join(' ');
}

/** Sort by the chosen column, ties broken by key so that equal rows never swap places. */
export function sortRows<R extends { key: string }>(rows: R[], columns: readonly Column<R>[], sort: SortSpec, ctx: CellContext): R[] {
  const column = columns.find((c) => c.id === sort.column && c.id !== '');
  const keyed = rows.map((row) => ({ row, v: column ? column.sortValue(row, ctx) : 0 }));
  const dir = sort.descending ? -1 : 1;
  keyed.sort((a, b) => {
    if (a.v !== b.v) {
      if (typeof a.v === 'number' && typeof b.v === 'number') return (a.v - b.v) * dir;
      return (String(a.v) < String(b.v) ? -1 : 1) * dir;
    }
    return a.row.key < b.row.key ? -1 : a.row.key > b.row.key ? 1 : 0;
  });
  return keyed.map((k) => k.row);
}
