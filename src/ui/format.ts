/**
 * Compact, fixed-width number formatting for table cells and the header.
 * Widths are fixed so that a changing value rewrites only its own cells.
 */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;
const BIT_UNITS = ['b', 'Kb', 'Mb', 'Gb', 'Tb', 'Pb'] as const;

/** Three significant digits, at most 8 cells: "0 B", "999 B", "0.98 KiB", "12.3 MiB", "123 GiB". */
function scaled(value: number, base: number, units: readonly string[]): string {
  if (!Number.isFinite(value) || value <= 0) return `0 ${units[0]}`;
  let v = value;
  let i = 0;
  while (v >= 999.5 && i < units.length - 1) {
    v /= base;
    i++;
  }
  const text = i === 0 ? Math.round(v).toString() : v < 9.995 ? v.toFixed(2) : v < 99.95 ? v.toFixed(1) : v.toFixed(0);
  return `${text} ${units[i]}`;
}

/** A byte count (cumulative). */
export function formatBytes(bytes: number): string {
  return scaled(bytes, 1024, BYTE_UNITS);
}

/** A rate given in bytes per second, shown as bytes/s (binary units) or bits/s (SI units). */
export function formatRate(bytesPerSecond: number, bits: boolean): string {
  return bits ? scaled(bytesPerSecond * 8, 1000, BIT_UNITS) : scaled(bytesPerSecond, 1024, BYTE_UNITS);
}

/** Rate with its unit suffix, for the header and status lines. */
export function formatRatePerSecond(bytesPerSecond: number, bits: boolean): string {
  return `${formatRate(bytesPerSecond, bits)}/s`;
}

/** A plain count with k/M/G suffixes: 999, 1.2k, 12k, 3.4M. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '0';
  if (n < 1000) return Math.round(n).toString();
  const units = ['k', 'M', 'G', 'T'];
  let v = n;
  let i = -1;
  while (v >= 999.5 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 9.95 ? v.toFixed(0) : v.toFixed(1)}${units[i]}`;
}

export function formatPercent(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '-';
  return value >= 99.95 ? `${value.toFixed(0)}%` : `${value.toFixed(1)}%`;
}

export function formatMemory(bytes: number | null): string {
  if (bytes === null) return '-';
  return formatBytes(bytes);
}

/** Local wall-clock time of a snapshot, HH:MM:SS. */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => n.toString().padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Terminal cell width of one code point: 0 for combining marks, 2 for wide East Asian and emoji. */
export function charWidth(cp: number): number {
  if (cp < 0x300) return 1;
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/** Cut to at most `width` cells, marking a cut with "…". */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (textWidth(text) <= width) return text;
  let out = '';
  let w = 0;
  for (const ch of text) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

/** Exactly `width` cells, left-aligned. */
export function padEnd(text: string, width: number): string {
  const t = truncate(text, width);
  return t + ' '.repeat(Math.max(0, width - textWidth(t)));
}

/** Exactly `width` cells, right-aligned. */
export function padStart(text: string, width: number): string {
  const t = truncate(text, width);
  return ' '.repeat(Math.max(0, width - textWidth(t))) + t;
}
