const OPENMETRICS = 'application/openmetrics-text';

/**
 * True when the Accept header ranks OpenMetrics at least as high as anything
 * else we could answer with (Prometheus sends OpenMetrics first, q=1).
 */
export function prefersOpenMetrics(accept: string | undefined): boolean {
  if (!accept) return false;
  let open = 0;
  let text = 0;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    let q = 1;
    for (const p of params) {
      const m = /^q=([0-9.]+)$/.exec(p);
      if (m) q = Number(m[1]);
    }
    if (!Number.isFinite(q)) continue;
    if (type === OPENMETRICS) open = Math.max(open, q);
    else if (type === 'text/plain' || type === 'text/*' || type === '*/*') text = Math.max(text, q);
  }
  return open > 0 && open >= text;
}
