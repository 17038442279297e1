import { describe, expect, test } from 'vitest';
import { formatClock } from '../../src/ui/format.js';
import { NOTICE_LINGER_MS, RecentNotices } from '../../src/ui/recent-notices.js';

describe('recent notices', () => {
  const T = Date.UTC(2026, 10, 23, 10, 0, 0);

  test('a one-snapshot notice stays for a while, marked with its time, then goes', () => {
    const r = new RecentNotices();
    const msg = 'capture process exited with code 1; restarted (1/3)';
    expect(r.update([msg], T)).toEqual([msg]);
    expect(r.update([], T + 1000)).toEqual([`${formatClock(T)} ${msg}`]);
    expect(r.update([], T + NOTICE_LINGER_MS)).toEqual([`${formatClock(T)} ${msg}`]);
    expect(r.update([], T + NOTICE_LINGER_MS + 1000)).toEqual([]);
    expect(r.update([], T + NOTICE_LINGER_MS + 2000)).toEqual([]);
  });

  test('a notice repeated every second stays current (no time mark); newest earlier notices first', () => {
    const r = new RecentNotices();
    r.update(['a'], T);
    r.update(['b'], T + 1000);
    expect(r.update(['eth0 is down — waiting'], T + 2000)).toEqual(['eth0 is down — waiting', `${formatClock(T + 1000)} b`, `${formatClock(T)} a`]);
    expect(r.update(['eth0 is down — waiting'], T + 3000)[0]).toBe('eth0 is down — waiting');
  });

  test('a clock that goes back (a restarted engine) forgets the old ones', () => {
    const r = new RecentNotices();
    r.update(['old'], T + 60_000);
    expect(r.update([], T)).toEqual([]);
  });
});
