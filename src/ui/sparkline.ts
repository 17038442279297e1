const BARS = '▁▂▃▄▅▆▇█';

/**
 * One line of bars, newest on the right, `width` cells. Zero is a blank so
 * that silence is visibly different from a trickle; the scale is the largest
 * value shown (or `max` when given).
 */
export function sparkline(values: readonly number[], width: number, max?: number): string {
  if (width <= 0) return '';
  const shown = values.slice(Math.max(0, values.length - width));
  let top = max ?? 0;
  if (max === undefined) for (const v of shown) if (v > top) top = v;
  let out = ' '.repeat(width - shown.length);
  for (const v of shown) {
    if (!(v > 0) || top <= 0) {
      out += ' ';
      continue;
    }
    const level = Math.min(BARS.length - 1, Math.max(0, Math.ceil((v / top) * BARS.length) - 1));
    out += BARS[level];
  }
  return out;
}
