const BARS = '▁▂▃▄▅▆▇█';

/**
 * The scale of a sparkline: the largest value rounded up to 1, 2 or 5 × 10ⁿ.
 * A scale that moves only in steps keeps bars still when traffic is steady,
 * and a bar that does not change costs no terminal output.
 */
export function niceCeiling(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 0;
  const pow = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 5, 10]) if (m * pow >= value) return m * pow;
  return 10 * pow;
}

/**
 * One line of bars, newest on the right, `width` cells. Zero is a blank so
 * that silence is visibly different from a trickle.
 */
export function sparkline(values: readonly number[], width: number, max?: number): string {
  if (width <= 0) return '';
  const shown = values.slice(Math.max(0, values.length - width));
  let top = max ?? 0;
  if (max === undefined) {
    for (const v of shown) if (v > top) top = v;
    top = niceCeiling(top);
  }
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
