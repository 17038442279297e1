import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { EMPTY_NAV, initialState, reduce, SORT_COLUMNS, type NavContext, type UiState } from '../../src/ui/ui-state.js';

const nav: NavContext = {
  panes: ['hosts', 'processes'],
  rows: { hosts: ['a', 'b', 'c', 'd', 'e'], processes: ['p1', 'p2'], connections: [] },
  pageSize: { hosts: 2, processes: 2, connections: 2 },
  latestSeq: 20,
  oldestSeq: 10,
};

function keys(state: UiState, ...ks: string[]): UiState {
  return ks.reduce((s, k) => reduce(s, k, nav), state);
}

describe('ui-state reducer', () => {
  test('q and Ctrl-C set the quit flag', () => {
    expect(reduce(initialState(), 'q').quit).toBe(true);
    expect(reduce(initialState(), 'C-c').quit).toBe(true);
  });

  test('movement clamps and follows keys; pages and ends', () => {
    const s0 = initialState();
    expect(keys(s0, 'down', 'j').selection.hosts.key).toBe('c');
    expect(keys(s0, 'up').selection.hosts.key).toBe('a');
    expect(keys(s0, 'end').selection.hosts.key).toBe('e');
    expect(keys(s0, 'end', 'down').selection.hosts.key).toBe('e');
    expect(keys(s0, 'pagedown').selection.hosts.key).toBe('c');
    expect(keys(s0, 'end', 'pageup', 'k').selection.hosts.key).toBe('b');
    expect(keys(s0, 'end', 'home').selection.hosts.key).toBe('a');
    // scroll keeps the selection in view with a page of 2
    expect(keys(s0, 'end').selection.hosts.scroll).toBe(3);
  });

  test('selection follows the row key when rows reorder', () => {
    const s = keys(initialState(), 'down'); // on 'b'
    const reordered: NavContext = { ...nav, rows: { ...nav.rows, hosts: ['e', 'd', 'b', 'a', 'c'] } };
    expect(reduce(s, 'down', reordered).selection.hosts.key).toBe('a');
  });

  test('Tab and Shift-Tab cycle the visible panes', () => {
    const s = initialState();
    expect(reduce(s, 'tab').focus).toBe('processes');
    expect(keys(s, 'tab', 'tab').focus).toBe('hosts');
    expect(reduce(s, 'S-tab').focus).toBe('processes');
  });

  test('Enter drills into the selected host, Esc comes back with the old selection', () => {
    const s = keys(initialState(), 'down', 'enter');
    expect(s.drill).toHaveLength(1);
    expect(s.drill[0]).toMatchObject({ kind: 'host', key: 'b' });
    expect(s.focus).toBe('processes');
    const drilledNav: NavContext = { ...nav, panes: ['processes', 'connections'], rows: { processes: ['p2'], connections: ['c1'] } };
    expect(reduce(s, 'tab', drilledNav).focus).toBe('connections');
    expect(reduce(reduce(s, 'tab', drilledNav), 'tab', drilledNav).focus).toBe('processes');
    // Enter on a process inside a host drill goes one level deeper
    const deeper = reduce(s, 'enter', drilledNav);
    expect(deeper.drill.map((d) => d.kind)).toEqual(['host', 'process']);
    const back = reduce(reduce(deeper, 'escape'), 'escape');
    expect(back.drill).toHaveLength(0);
    expect(back.focus).toBe('hosts');
    expect(back.selection.hosts.key).toBe('b');
  });

  test('Enter in the connections pane or on an empty pane does nothing', () => {
    const s = { ...initialState(), focus: 'connections' as const };
    expect(reduce(s, 'enter', nav)).toBe(s);
    expect(reduce(initialState(), 'enter', EMPTY_NAV).drill).toHaveLength(0);
  });

  test('< and > walk the focused pane\'s columns, each with its natural direction; r reverses', () => {
    const s = initialState();
    const left = reduce(s, '<');
    expect(left.sort.hosts).toEqual({ column: 'tx', descending: true });
    expect(keys(s, '<', '<', '<').sort.hosts).toEqual({ column: 'host', descending: false });
    expect(keys(s, '>', '>', '>', '>').sort.hosts.column).toBe('host');
    expect(reduce(s, 'r').sort.hosts.descending).toBe(false);
    expect(reduce(s, 'r').sort.processes.descending).toBe(true);
    const all = SORT_COLUMNS.hosts.length;
    expect(keys(s, ...Array<string>(all).fill('>')).sort.hosts.column).toBe('total');
  });

  test('space/p freeze at the newest second; ←/→ scrub within the recorded seconds', () => {
    const frozen = reduce(initialState(), 'space', nav);
    expect(frozen.frozenSeq).toBe(20);
    expect(reduce(frozen, 'right', nav).frozenSeq).toBe(20);
    expect(keys(frozen, 'left', 'left').frozenSeq).toBe(18);
    expect(keys(frozen, ...Array<string>(30).fill('left')).frozenSeq).toBe(10);
    expect(reduce(frozen, 'p', nav).frozenSeq).toBeNull();
    // ← while live freezes one second back; → while live does nothing
    expect(reduce(initialState(), 'left', nav).frozenSeq).toBe(19);
    expect(reduce(initialState(), 'right', nav).frozenSeq).toBeNull();
    // nothing recorded yet: nothing to freeze
    expect(reduce(initialState(), 'space', EMPTY_NAV).frozenSeq).toBeNull();
  });

  test('toggles and cycles', () => {
    const s = initialState();
    expect(keys(s, 't').window).toBe(10);
    expect(keys(s, 't', 't').window).toBe(40);
    expect(keys(s, 't', 't', 't').window).toBe(2);
    expect(keys(s, 'b').bits).toBe(true);
    expect(keys(s, 'n').dns).toBe(false);
    expect(keys(s, 'N').services).toBe(false);
    expect(keys(s, 'c').cumulative).toBe(true);
    expect(keys(s, 'a').aggregation).toBe('narrow');
    expect(keys(s, 'a', 'a').aggregation).toBe('wide');
    expect(keys(s, 'a', 'a', 'a').aggregation).toBe('none');
  });

  test('aggregation leaves a host drill-down (host keys change meaning)', () => {
    const s = keys(initialState(), 'enter', 'a');
    expect(s.drill).toHaveLength(0);
    expect(s.focus).toBe('hosts');
  });

  test('/ edits the filter: typing, backspace, Enter keeps, Esc clears', () => {
    const s = keys(initialState(), '/', 'n', 'g', 'x', 'backspace', 'space', 'q');
    expect(s.filterEditing).toBe(true);
    expect(s.filter).toBe('ng q');
    expect(s.quit).toBe(false);
    const kept = reduce(s, 'enter');
    expect(kept.filterEditing).toBe(false);
    expect(kept.filter).toBe('ng q');
    expect(reduce(s, 'escape').filter).toBe('');
    // Esc outside editing clears a kept filter when not drilled
    expect(reduce(kept, 'escape').filter).toBe('');
    // control keys are not typed
    expect(reduce(s, 'up').filter).toBe('ng q');
  });

  test('help and block-command overlays swallow other keys', () => {
    const help = reduce(initialState(), 'h');
    expect(help.help).toBe(true);
    expect(reduce(help, 'down', nav)).toBe(help);
    expect(reduce(help, 'escape').help).toBe(false);
    expect(reduce(help, '?').help).toBe(false);
    const block = reduce(initialState(), 'x');
    expect(block.blockCommands).toBe(true);
    expect(reduce(block, 'x').blockCommands).toBe(false);
    expect(reduce(block, 'q').quit).toBe(true);
  });

  test('property: any key sequence keeps the state well-formed', () => {
    const keyArb = fc.constantFrom(
      'q', 'h', '?', 'tab', 'S-tab', 'up', 'down', 'pageup', 'pagedown', 'home', 'end', 'j', 'k', 'enter',
      'escape', '<', '>', 'r', 'space', 'p', 'left', 'right', 't', 'b', 'n', 'N', 'a', '/', 'c', 'x', 'z', 'backspace',
    );
    fc.assert(
      fc.property(fc.array(keyArb, { maxLength: 60 }), (ks) => {
        let s = initialState();
        for (const k of ks) s = reduce(s, k, nav);
        const cols = SORT_COLUMNS[s.focus].map((c) => c.id);
        expect(cols).toContain(s.sort[s.focus].column);
        if (s.frozenSeq !== null) {
          expect(s.frozenSeq).toBeGreaterThanOrEqual(10);
          expect(s.frozenSeq).toBeLessThanOrEqual(20);
        }
        for (const pane of ['hosts', 'processes'] as const) {
          const sel = s.selection[pane];
          if (sel.key !== null) expect(nav.rows[pane]).toContain(sel.key);
        }
      }),
    );
  });
});

import { keyNames } from '../../src/ui/keys.js';

describe('key names from blessed', () => {
  test('plain, named, shifted, control and Esc-prefixed keys', () => {
    expect(keyNames('q', { name: 'q', full: 'q' })).toEqual(['q']);
    expect(keyNames('N', { name: 'n', shift: true, full: 'S-n' })).toEqual(['N']);
    expect(keyNames('<', { full: '<' })).toEqual(['<']);
    expect(keyNames('\t', { name: 'tab', shift: true })).toEqual(['S-tab']);
    expect(keyNames('\r', { name: 'return' })).toEqual([]);
    expect(keyNames('\r', { name: 'enter' })).toEqual(['enter']);
    expect(keyNames('\x03', { name: 'c', ctrl: true })).toEqual(['C-c']);
    expect(keyNames(undefined, { name: 'x', meta: true })).toEqual(['escape', 'x']);
    expect(keyNames(undefined, { name: 'space', meta: true })).toEqual(['escape', 'space']);
    expect(keyNames('\x1b[99~', { name: 'undefined' })).toEqual([]);
  });
});

describe('initial sort from the config file', () => {
  test('a column id sorts every pane that has it, each in its natural direction; others keep total ▼', () => {
    const s = initialState({ sort: 'name' });
    expect(s.sort.processes).toEqual({ column: 'name', descending: false });
    expect(s.sort.hosts).toEqual({ column: 'total', descending: true });
    expect(initialState({ sort: 'tx' }).sort.hosts).toEqual({ column: 'tx', descending: true });
    expect(initialState({}).sort.connections).toEqual({ column: 'total', descending: true });
  });
});
