import { formatClock, formatCount, padEnd, textWidth, truncate } from './format.js';
import { SORT_DOWN, SORT_UP } from './table.js';

/** What the status line reports, already sanitized. */
export interface StatusFacts {
  /** the row filter being typed, or null when not editing */
  prompt: string | null;
  iface: string | null;
  captureFilter: string | null;
  /** wall-clock time of the frozen second and how far behind live it is; null when live */
  frozen: { time: number; agoSec: number } | null;
  sort: { column: string; descending: boolean };
  dropped: number | null;
  /** "host 198.18.0.2" / "process nginx (1342)": what the panes are drilled into */
  drill: { kind: 'host' | 'process'; label: string } | null;
  notices: readonly string[];
  find: string | null;
  window: string;
  aggregation: string | null;
  noDns: boolean;
  bits: boolean;
  hint: string;
}

interface Part {
  /** longest first; an empty form means the part is left out */
  forms: string[];
  level: number;
}

const SEP = ' │ ';

/**
 * The status line at a given width. Interface, capture filter, live/frozen,
 * sort column and dropped count are always there (DESIGN §4); at 80 columns
 * they, and the drill-down context, get shorter words before anything is cut,
 * and the nice-to-have parts go first.
 */
export function statusLine(f: StatusFacts, width: number): string {
  const arrow = f.sort.descending ? SORT_DOWN : SORT_UP;
  const part = (...forms: string[]): Part => ({ forms, level: 0 });
  const none = (p: Part) => ({ ...p, forms: [...p.forms, ''] });

  const prompt = f.prompt === null ? null : part(`/${f.prompt}▏`, `/${truncate(f.prompt, 20)}▏`);
  const iface = part(f.iface ?? '-', truncate(f.iface ?? '-', 16), truncate(f.iface ?? '-', 10));
  const filter = f.captureFilter === null
    ? part('filter: none', 'filter: none', 'no filter')
    : part(`filter: ${f.captureFilter}`, `filter: ${truncate(f.captureFilter, 20)}`, `filter: ${truncate(f.captureFilter, 10)}`);
  const mode = f.frozen === null
    ? part('LIVE')
    : part(
        `FROZEN at ${formatClock(f.frozen.time)} (−${f.frozen.agoSec}s) ←/→`,
        `FROZEN ${formatClock(f.frozen.time)} −${f.frozen.agoSec}s`,
        `FROZEN −${f.frozen.agoSec}s`,
      );
  const sort = part(`sort: ${f.sort.column} ${arrow}`, `sort: ${f.sort.column} ${arrow}`, `sort ${f.sort.column}${arrow}`);
  const droppedText = f.dropped === null ? 'n/a' : formatCount(f.dropped);
  const dropped = part(`dropped: ${droppedText}`, `dropped: ${droppedText}`, `drop ${droppedText}`);
  const drill = f.drill === null
    ? null
    : none(part(`⇄ ${f.drill.kind} ${f.drill.label} (Esc back)`, `⇄ ${truncate(f.drill.label, 24)} (Esc back)`, `⇄ ${truncate(f.drill.label, 24)}`));
  const notices = f.notices.map((n) => none(part(n, truncate(n, 40))));
  const find = f.find === null ? null : none(part(`find: ${f.find}`, `find: ${truncate(f.find, 12)}`));
  const window = none(part(f.window));
  const aggregation = f.aggregation === null ? null : none(part(`by ${f.aggregation}`));
  const noDns = f.noDns ? none(part('no DNS')) : null;
  const bits = f.bits ? none(part('bits')) : null;
  const hint = none(part(f.hint));

  // The order on screen; the prompt leads so that what is typed stays in view.
  const shown = [prompt, iface, filter, mode, sort, dropped, drill, ...notices, find, window, aggregation, noDns, bits, hint].filter(
    (p): p is Part => p !== null,
  );
  const render = () => ` ${shown.map((p) => p.forms[Math.min(p.level, p.forms.length - 1)]).filter((t) => t !== '').join(SEP)}`;
  const fits = () => textWidth(render()) <= width;
  // One step at a time, least useful first; stop as soon as the line fits.
  const set = (p: Part | null, level: number) => {
    if (p) p.level = Math.min(level, p.forms.length - 1);
  };
  const steps: (() => void)[] = [
    () => set(hint, 1),
    () => set(bits, 1),
    () => set(noDns, 1),
    () => set(aggregation, 1),
    () => set(window, 1),
    () => set(mode, 1),
    () => set(drill, 1),
    () => notices.forEach((n) => set(n, 1)),
    () => set(find, 1),
    () => set(iface, 1),
    () => set(filter, 1),
    () => set(prompt, 1),
    () => set(filter, 2),
    () => set(drill, 2),
    () => set(mode, 2),
    () => set(dropped, 2),
    () => set(sort, 2),
    () => set(iface, 2),
    () => set(find, 2),
  ];
  for (const step of steps) {
    if (fits()) break;
    step();
  }
  return padEnd(render(), width);
}
