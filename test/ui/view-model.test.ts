import { describe, expect, test } from 'vitest';
import type { Snapshot } from '../../src/core/snapshot.js';
import { aggregateHosts, aggregateKey } from '../../src/ui/aggregate.js';
import { blockCommands } from '../../src/ui/block-commands.js';
import { formatBytes, formatRate, padEnd, textWidth, truncate } from '../../src/ui/format.js';
import { HistoryRing } from '../../src/ui/history-ring.js';
import { computeLayout } from '../../src/ui/layout.js';
import { niceCeiling, sparkline } from '../../src/ui/sparkline.js';
import { initialState, reduce, type UiState } from '../../src/ui/ui-state.js';
import { buildViewModel, type ViewModel } from '../../src/ui/view-model.js';
import { conn, host, proc, snapshot, world } from './fakes.js';

function ring(...snaps: Snapshot[]): HistoryRing {
  const r = new HistoryRing();
  for (const s of snaps) r.push(s);
  return r;
}

function vmOf(snap: Snapshot, state: UiState = initialState({ width: 120, height: 36 }), history = ring(snap)): ViewModel {
  return buildViewModel(snap, history, state);
}

/** first column text of each visible row of pane i */
function firstCells(vm: ViewModel, i: 0 | 1): string[] {
  return vm.panes[i].lines.map((l) => l.slice(1).trim().split(/\s+/)[0]!);
}

describe('sorting', () => {
  // equal totals for .1 and .2 (tie), distinct others; values chosen so every column orders differently
  const hosts = [
    host('198.18.0.3', 300, 150, { localPorts: 5, peak: 900, rxBytes: 10, txBytes: 0 }),
    host('198.18.0.2', 100, 200, { localPorts: 1, peak: 100, rxBytes: 50, txBytes: 0 }),
    host('198.18.0.1', 200, 100, { localPorts: 9, peak: 500, rxBytes: 30, txBytes: 0 }),
    host('198.18.0.10', 50, 10, { localPorts: 2, peak: 60, rxBytes: 40, txBytes: 0 }),
  ];
  const snap = snapshot(1, { hosts });
  const expected: Record<string, string[]> = {
    host: ['198.18.0.1', '198.18.0.2', '198.18.0.3', '198.18.0.10'],
    rx: ['198.18.0.3', '198.18.0.1', '198.18.0.2', '198.18.0.10'],
    tx: ['198.18.0.2', '198.18.0.3', '198.18.0.1', '198.18.0.10'],
    total: ['198.18.0.3', '198.18.0.1', '198.18.0.2', '198.18.0.10'],
    peak: ['198.18.0.3', '198.18.0.1', '198.18.0.2', '198.18.0.10'],
    cum: ['198.18.0.2', '198.18.0.10', '198.18.0.1', '198.18.0.3'],
    ports: ['198.18.0.1', '198.18.0.3', '198.18.0.10', '198.18.0.2'],
  };
  for (const [column, order] of Object.entries(expected)) {
    test(`hosts by ${column}, both ways`, () => {
      const natural = column === 'host' ? false : true;
      const state = { ...initialState({ width: 120, height: 36 }), sort: { ...initialState().sort, hosts: { column, descending: natural } } };
      const vm = vmOf(snap, state);
      // ties (.1 and .2 by total) break by key ascending in both directions
      expect(firstCells(vm, 0)).toEqual(order);
      const reversed = vmOf(snap, reduce(state, 'r'));
      const rev = firstCells(reversed, 0);
      if (column !== 'total') expect(rev).toEqual([...order].reverse());
      expect(vm.panes[0].header).toContain(natural ? '▼' : '▲');
    });
  }

  test('ties are broken by key in both directions', () => {
    const tie = snapshot(1, { hosts: [host('198.18.0.9', 100, 0), host('198.18.0.5', 100, 0), host('198.18.0.7', 100, 0)] });
    const s = initialState({ width: 120, height: 36 });
    expect(firstCells(vmOf(tie, s), 0)).toEqual(['198.18.0.5', '198.18.0.7', '198.18.0.9']);
    expect(firstCells(vmOf(tie, reduce(s, 'r')), 0)).toEqual(['198.18.0.5', '198.18.0.7', '198.18.0.9']);
  });

  test('processes by every column', () => {
    const ps = [
      proc(30, 'zeta', 100, 900, { user: 'alice', connections: 1, cpu: 5, memory: 100 }),
      proc(10, 'alpha', 500, 100, { user: 'carol', connections: 7, cpu: 50, memory: 10 }),
      proc(20, 'mid', 300, 50, { user: 'bob', connections: 3, cpu: null, memory: null }),
    ];
    const snap = snapshot(1, { processes: ps });
    const cases: [string, string[]][] = [
      ['pid', ['10', '20', '30']],
      ['name', ['10', '20', '30']],
      ['user', ['30', '20', '10']],
      ['rx', ['10', '20', '30']],
      ['tx', ['30', '10', '20']],
      ['total', ['30', '10', '20']],
      ['conns', ['10', '20', '30']],
      ['cpu', ['10', '30', '20']],
      ['mem', ['30', '10', '20']],
    ];
    for (const [column, order] of cases) {
      const desc = !['pid', 'name', 'user'].includes(column);
      const base = initialState({ width: 120, height: 36 });
      const state = { ...base, sort: { ...base.sort, processes: { column, descending: desc } } };
      expect(firstCells(vmOf(snap, state), 1), column).toEqual(order);
      expect(firstCells(vmOf(snap, { ...state, sort: { ...state.sort, processes: { column, descending: !desc } } }), 1), column).toEqual([...order].reverse());
    }
  });
});

describe('freeze and history', () => {
  test('freeze keeps the shown snapshot while new ones arrive', () => {
    const h = new HistoryRing();
    for (let i = 1; i <= 5; i++) h.push(world(i));
    let state = initialState({ width: 120, height: 36 });
    state = reduce(state, 'space', buildViewModel(h.latest()!, h, state).nav);
    const frozenVm = buildViewModel(h.latest()!, h, state);
    for (let i = 6; i <= 9; i++) h.push({ ...world(i), hosts: [host('198.18.0.99', 1e9, 1e9)] });
    const later = buildViewModel(h.latest()!, h, state);
    expect(later.panes[0].lines).toEqual(frozenVm.panes[0].lines);
    expect(later.header.totals).toEqual(frozenVm.header.totals);
    expect(later.status).toContain('FROZEN');
    expect(later.status).toContain('(−4s)');
    const live = buildViewModel(h.latest()!, h, reduce(state, 'space', later.nav));
    expect(live.panes[0].lines.join()).toContain('198.18.0.99');
  });

  test('the ring is bounded, keeps at least five minutes, and scrubs within its range', () => {
    const h = new HistoryRing(10);
    expect(h.capacity).toBe(300);
    const big = new HistoryRing();
    expect(big.capacity).toBe(600);
    for (let i = 1; i <= 1000; i++) big.push(snapshot(i));
    expect(big.size).toBe(600);
    expect(big.oldest()!.seq).toBe(401);
    expect(big.get(400)).toBeUndefined();
    expect(big.get(777)!.seq).toBe(777);
    expect(big.step(401, -5)).toBe(401);
    expect(big.step(1000, 5)).toBe(1000);
    expect(big.window(1000, 60).map((s) => s.seq)).toEqual(Array.from({ length: 60 }, (_, i) => 941 + i));
    const vm = buildViewModel(big.latest()!, big, initialState());
    expect(vm.nav).toMatchObject({ oldestSeq: 401, latestSeq: 1000 });
  });

  test('a restarted engine (seq going back) clears the ring', () => {
    const h = new HistoryRing();
    h.push(snapshot(5));
    h.push(snapshot(6));
    h.push(snapshot(1));
    expect(h.size).toBe(1);
  });

  test('sparkline of the selected row comes from the history', () => {
    const h = new HistoryRing();
    for (let i = 1; i <= 10; i++) h.push(snapshot(i, { hosts: [host('198.18.0.2', i * 100, 0)] }));
    const vm = buildViewModel(h.latest()!, h, initialState({ width: 120, height: 36 }));
    expect(vm.graph.title).toContain('198.18.0.2');
    expect(vm.graph.rx.bars.trim()).toHaveLength(10);
    expect(vm.graph.rx.bars.trim().at(-1)).toBe('█');
    expect(vm.graph.tx.bars.trim()).toBe('');
  });
});

describe('drill-down, aggregation, filter', () => {
  test('drill into a host shows only its processes and connections', () => {
    const snap = world(1);
    let state = initialState({ width: 120, height: 36 });
    state = reduce(state, 'enter', vmOf(snap, state).nav); // 198.18.0.2 is first by total
    const vm = vmOf(snap, state);
    expect(vm.panes.map((p) => p.id)).toEqual(['processes', 'connections']);
    expect(vm.nav.rows.processes).toEqual(['1234:1000']);
    expect(vm.nav.rows.connections).toHaveLength(1);
    expect(vm.panes[1].lines[0]).toContain('198.18.0.2:50000');
  });

  test('drill into a process shows only its hosts and connections', () => {
    const snap = world(1);
    let state = reduce(initialState({ width: 120, height: 36 }), 'tab');
    state = reduce(state, 'down', vmOf(snap, state).nav); // named
    state = reduce(state, 'enter', vmOf(snap, state).nav);
    const vm = vmOf(snap, state);
    expect(vm.panes.map((p) => p.id)).toEqual(['hosts', 'connections']);
    expect(vm.nav.rows.hosts).toEqual(['198.18.0.77']);
    expect(vm.nav.rows.connections).toEqual(['udp 198.18.0.1:53 198.18.0.77:40000']);
  });

  test('aggregation sums members into /24 and /64, /16 and /48', () => {
    const hs = [
      host('198.18.0.2', 100, 10, { rxBytes: 1000, txBytes: 100, localPorts: 2, processKeys: ['p1'], peak: 50 }),
      host('198.18.0.77', 200, 20, { rxBytes: 2000, txBytes: 200, localPorts: 3, processKeys: ['p2'], peak: 400 }),
      host('198.18.1.1', 1, 1),
      host('fd00:1:2:3::5', 5, 5),
      host('fd00:1:2:4::6', 7, 7),
    ];
    const { rows, groupOf } = aggregateHosts(hs, 'narrow');
    const g = rows.find((r) => r.key === '198.18.0.0/24')!;
    expect(g).toMatchObject({ rx2: 300, tx2: 30, rxBytes: 3000, txBytes: 300, localPorts: 5, processKeys: ['p1', 'p2'], peak: 400 });
    expect(rows.map((r) => r.key).sort()).toEqual(['198.18.0.0/24', '198.18.1.0/24', 'fd00:1:2:3::/64', 'fd00:1:2:4::/64']);
    expect(groupOf.get('198.18.0.77')).toBe('198.18.0.0/24');
    const wide = aggregateHosts(hs, 'wide').rows;
    expect(wide.map((r) => r.key).sort()).toEqual(['198.18.0.0/16', 'fd00:1:2::/48']);
    expect(wide.find((r) => r.key === '198.18.0.0/16')!.rx2).toBe(301);
    expect(aggregateKey(host('10.1.2.3', 0, 0, { transit: true, key: '10.1.2.3 ⇄ 10.9.9.9', host: '10.1.2.3 ⇄ 10.9.9.9' }), 'narrow')).toBe('10.1.2.3 ⇄ 10.9.9.9');
  });

  test('drill into an aggregated host gathers the members\' connections', () => {
    const snap = world(1);
    let state = reduce(initialState({ width: 120, height: 36 }), 'a');
    state = reduce(state, 'enter', vmOf(snap, state).nav);
    expect(state.drill[0]!.key).toBe('198.18.0.0/24');
    const vm = vmOf(snap, state);
    expect(vm.nav.rows.connections).toHaveLength(3);
    expect(vm.nav.rows.processes!.length).toBe(3);
  });

  test('filter matches host text, process name, cmdline, user and pid', () => {
    const snap = world(1);
    const f = (text: string) => vmOf(snap, { ...initialState({ width: 120, height: 36 }), filter: text }).nav.rows;
    expect(f('0.77').hosts).toEqual(['198.18.0.77']);
    expect(f('NGINX').processes).toEqual(['1234:1000']);
    expect(f('bind').processes).toEqual(['53:1000']);
    expect(f('1234').processes).toEqual(['1234:1000']);
    expect(f('zzz').hosts).toEqual([]);
    expect(vmOf(snap, { ...initialState({ width: 120, height: 36 }), filter: 'zzz' }).panes[0].lines[0]).toContain('no hosts match "zzz"');
  });
});

describe('view model details', () => {
  test('netns column appears only when some process has one; classes show as names', () => {
    const plain = vmOf(world(1));
    expect(plain.panes[1].header).not.toContain('NETNS');
    expect(plain.panes[1].lines.join('\n')).toContain('<kernel>');
    const ns = snapshot(1, { processes: [proc(7, 'app', 1, 1, { netns: 'ctr-1' })] });
    const vm = vmOf(ns);
    expect(vm.panes[1].header).toContain('NETNS');
    expect(vm.panes[1].lines[0]).toContain('ctr-1');
  });

  test('hostile text is sanitised and every line fits the width', () => {
    const evil = proc(9, 'x\x1b]0;pwned\x07\u202e', 10, 10, { user: 'u\nroot' });
    const h = host('198.18.0.2', 1, 1);
    const snap = snapshot(1, { hosts: [h], processes: [evil], connections: [conn(evil, h, 1, 2, 1, 1)], notices: ['bad\x1b[2J'] });
    for (const [w, hgt] of [[80, 24], [120, 36], [60, 15], [200, 60]] as const) {
      const vm = vmOf(snap, initialState({ width: w, height: hgt }));
      const all = [vm.header.totals, vm.status, ...vm.panes.flatMap((p) => [p.header, ...p.lines]), vm.graph.title];
      for (const line of all) {
        expect(line).not.toMatch(/[\x00-\x1f\x7f\u202e]/);
        expect(textWidth(line)).toBe(w);
      }
    }
  });

  test('status line shows interface, filter, live/frozen, sort, dropped', () => {
    const snap = { ...world(1), filter: 'udp port 53', totals: { ...world(1).totals, dropped: 12 } };
    const vm = vmOf(snap);
    expect(vm.status).toMatch(/eth0 │ filter: udp port 53 │ LIVE │ sort: total ▼ │ dropped: 12/);
    expect(vmOf({ ...snap, totals: { ...snap.totals, dropped: null } }).status).toContain('dropped: n/a');
  });
});

describe('format, layout, sparkline, block commands', () => {
  test('units', () => {
    expect(formatRate(0, false)).toBe('0 B');
    expect(formatRate(999, false)).toBe('999 B');
    expect(formatRate(1023, false)).toBe('1.00 KiB');
    expect(formatRate(1536, false)).toBe('1.50 KiB');
    expect(formatRate(12.34 * 1024 * 1024, false)).toBe('12.3 MiB');
    expect(formatRate(125_000, true)).toBe('1.00 Mb');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.00 GiB');
    for (let v = 1; v < 1e15; v *= 1.7) expect(formatRate(v, false).length).toBeLessThanOrEqual(8);
  });

  test('text width and truncation', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(padEnd('名前', 5)).toBe('名前 ');
    expect(textWidth(padEnd('名前名前', 5))).toBe(5);
  });

  test('layout at 80×24, 120×36, too small, undefined size', () => {
    const l = computeLayout(80, 24);
    expect(l.tooSmall).toBeNull();
    expect(l.panes[0].height).toBeGreaterThanOrEqual(5);
    expect(l.panes[1].height).toBeGreaterThanOrEqual(5);
    const sum = l.header.height + l.panes[0].height + l.panes[1].height + l.graph.height + l.status.height;
    expect(sum).toBe(24);
    const big = computeLayout(120, 36);
    expect(big.header.height + big.panes[0].height + big.panes[1].height + big.graph.height + 1).toBe(36);
    expect(computeLayout(60, 15).tooSmall).toBeNull();
    expect(computeLayout(50, 20).tooSmall).toBe('terminal too small: need at least 60×15, have 50×20');
    expect(computeLayout(undefined, undefined).tooSmall).toContain('have 0×0');
  });

  test('sparkline scale moves in 1-2-5 steps; zero is blank', () => {
    expect(niceCeiling(730)).toBe(1000);
    expect(niceCeiling(130)).toBe(200);
    expect(niceCeiling(3)).toBe(5);
    expect(sparkline([0, 50, 100], 5)).toBe('   ▄█');
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8], 4)).toHaveLength(4);
  });

  test('block commands', () => {
    expect(blockCommands('198.18.0.2', 4)).toContain('nft add rule inet filter input ip saddr 198.18.0.2 drop');
    expect(blockCommands('fd00::5', 6)).toContain('nft add rule inet filter input ip6 saddr fd00::5 drop');
    // the ipset alternative comes with the rule that makes the set block anything
    expect(blockCommands('198.18.0.2', 4)).toContain('iptables -I INPUT -m set --match-set wiretop-block src -j DROP');
    expect(blockCommands('fd00::5', 6)).toContain('ip6tables -I INPUT -m set --match-set wiretop-block6 src -j DROP');
    for (const l of [...blockCommands('fd00:1234::9abc', 6), ...blockCommands('198.18.100.200', 4)]) {
      expect(l.length + 2).toBeLessThanOrEqual(80); // shown whole in the 80-column overlay
    }
    expect(blockCommands('fd00::5', 6)).toContain('ipset add wiretop-block6 fd00::5');
    expect(blockCommands('198.18.0.0/24', 4)).toContain('ipset add wiretop-block 198.18.0.0/24');
    expect(blockCommands('x; rm -rf /', 4)[0]).toMatch(/^#/);
  });
});
