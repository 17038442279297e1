import { describe, expect, test } from 'vitest';
import { textWidth } from '../../src/ui/format.js';
import { statusLine, type StatusFacts } from '../../src/ui/status-line.js';
import { initialState, reduce } from '../../src/ui/ui-state.js';
import { buildViewModel } from '../../src/ui/view-model.js';
import { HistoryRing } from '../../src/ui/history-ring.js';
import { world } from './fakes.js';

const T = new Date(2026, 10, 23, 14, 36, 52).getTime();

function facts(extra: Partial<StatusFacts> = {}): StatusFacts {
  return {
    prompt: null,
    iface: 'watui1234',
    captureFilter: null,
    frozen: null,
    sort: { column: 'total', descending: true },
    dropped: 0,
    drill: null,
    notices: [],
    find: null,
    window: '2s avg',
    aggregation: null,
    noDns: true,
    bits: false,
    hint: 'h help',
    ...extra,
  };
}

/** The five things DESIGN §4 says are always on the status line. */
const ESSENTIALS = /watui1234 │ (filter: none|no filter) │ (LIVE|FROZEN[^│]*) │ sort:? total ?▼ │ drop(ped:)? \d+/;

describe('status line', () => {
  test('wide: everything in full words', () => {
    const s = statusLine(facts({ frozen: { time: T, agoSec: 3 }, drill: { kind: 'host', label: '198.18.61.3' } }), 160);
    expect(s).toBe(
      ' watui1234 │ filter: none │ FROZEN at 14:36:52 (−3s) ←/→ │ sort: total ▼ │ dropped: 0 │ ⇄ host 198.18.61.3 (Esc back) │ 2s avg │ no DNS │ h help'.padEnd(160),
    );
  });

  test('80 columns, live: the essentials whole, extras dropped whole', () => {
    const s = statusLine(facts({ dropped: 1234 }), 80);
    expect(textWidth(s)).toBe(80);
    expect(s).toMatch(/^ watui1234 │ filter: none │ LIVE │ sort: total ▼ │ dropped: 1.2k │ 2s avg +$/);
    expect(s).not.toContain('…');
  });

  test('80 columns, frozen: dropped stays visible (the long freeze text used to push it off)', () => {
    const s = statusLine(facts({ frozen: { time: T, agoSec: 12 }, dropped: 7 }), 80);
    expect(s).toMatch(/^ watui1234 │ filter: none │ FROZEN 14:36:52 −12s │ sort: total ▼ │ dropped: 7 *$/);
  });

  test('80 columns, frozen and drilled into a process: still all five, and what is drilled into', () => {
    const s = statusLine(
      facts({ frozen: { time: T, agoSec: 2 }, drill: { kind: 'process', label: 'iperf3 (23801)' }, captureFilter: 'tcp port 5201', dropped: 12 }),
      80,
    );
    expect(textWidth(s)).toBe(80);
    expect(s).toMatch(/^ watui1234 │ filter: tcp/);
    expect(s).toMatch(/FROZEN (14:36:52 )?−2s/);
    expect(s).toMatch(/sort:? total ?▼/);
    expect(s).toMatch(/drop(ped:)? 12/);
    expect(s).toMatch(/│ ⇄ iperf3/);
  });

  test('the filter being typed stays in view, ahead of everything else', () => {
    const s = statusLine(facts({ prompt: 'nginx', frozen: { time: T, agoSec: 2 } }), 60);
    expect(textWidth(s)).toBe(60);
    expect(s.startsWith(' /nginx▏ │ watui1234 │ no filter │ FROZEN −2s │ sort total▼')).toBe(true);
    expect(statusLine(facts({ prompt: 'nginx', frozen: { time: T, agoSec: 2 } }), 80)).toMatch(ESSENTIALS);
  });

  for (const width of [60, 70, 80, 100, 120]) {
    test(`every combination keeps the five essentials at ${width} columns`, () => {
      for (const frozen of [null, { time: T, agoSec: 40 }])
        for (const drill of [null, { kind: 'host' as const, label: 'fd00:3d::2' }, { kind: 'process' as const, label: 'named (812)' }])
          for (const find of [null, 'ngin'])
            for (const notices of [[], ['capture ended · q quits']]) {
              const s = statusLine(facts({ frozen, drill, find, notices, aggregation: '/24', bits: true }), width);
              expect(textWidth(s)).toBe(width);
              expect(s).toMatch(ESSENTIALS);
            }
    });
  }
});

describe('status line from the view model', () => {
  test('a process drill-down is named by process and pid, not by its internal key', () => {
    const h = new HistoryRing();
    const snap = world(1);
    h.push(snap);
    let state = initialState({ width: 120, height: 36 });
    state = reduce(state, 'tab', buildViewModel(snap, h, state).nav);
    const nav = buildViewModel(snap, h, state).nav;
    const key = nav.rows.processes![0]!;
    const p = snap.processes.find((r) => r.key === key)!;
    state = reduce(state, 'enter', nav);
    const vm = buildViewModel(snap, h, state);
    expect(vm.status).toContain(`⇄ process ${p.name} (${p.pid}) (Esc back)`);
  });
});
