import { afterEach, describe, expect, test } from 'vitest';
import { HELP_LINES } from '../../src/ui/help-text.js';
import { runTui, type TuiOptions } from '../../src/ui/run-tui.js';
import { FakeFeed, FakeTerminal, KEY, conn, host, proc, snapshot, steadyBusy, world } from './fakes.js';

/** Scenario screens in the style of bandwhich's ui tests: drive runTui, read the screen back as text. */

interface Running {
  t: FakeTerminal;
  feed: FakeFeed;
  done: Promise<void>;
}

const running: Running[] = [];

function start(cols: number, rows: number, opts: Partial<TuiOptions> = {}): Running {
  const t = new FakeTerminal(cols, rows);
  const feed = new FakeFeed();
  const done = runTui(feed, { input: t.input, output: t.output, terminal: 'xterm-256color', ...opts });
  done.catch(() => undefined);
  const r = { t, feed, done };
  running.push(r);
  return r;
}

async function feedWorld(r: Running, from: number, to: number): Promise<void> {
  for (let i = from; i <= to; i++) r.feed.emit(world(i));
  await r.t.settle();
}

async function press(r: Running, ...keys: string[]): Promise<void> {
  for (const k of keys) {
    r.t.press(k);
    await r.t.settle();
  }
}

function lineWith(r: Running, text: string): number {
  return r.t.screen().findIndex((l) => l.includes(text));
}

afterEach(async () => {
  for (const r of running.splice(0)) {
    r.t.press('q');
    await r.done.catch(() => undefined);
  }
});

describe('scenario screens', () => {
  test('one_packet_of_traffic', async () => {
    const r = start(80, 24);
    const h = host('198.18.0.2', 64, 0, { rxBytes: 64, txBytes: 0, packets: 1, peak: 64, processKeys: ['<kernel>'] });
    const k = proc(null, '<kernel>', 64, 0, { rxBytes: 64, txBytes: 0 });
    r.feed.emit(snapshot(1, { hosts: [h], processes: [k], connections: [conn(k, h, 0, 0, 64, 0, 'icmp')] }));
    await r.t.settle();
    const text = r.t.text();
    expect(text).toContain('198.18.0.2');
    expect(text).toContain('<kernel>');
    expect(text).toContain('64 B');
    expect(text).toContain('HOST (1)');
    expect(text).toContain('PROCESS (1)');
    expect(text).toMatch(/eth0 │ filter: none │ LIVE │ sort: total ▼ │ dropped: 0/);
  });

  test('waiting_for_first_snapshot', async () => {
    const r = start(80, 24);
    await r.t.settle();
    expect(r.t.text()).toContain('waiting for the first second of traffic');
  });

  test('layout_80x24 shows both panes, graph and status', async () => {
    const r = start(80, 24);
    await feedWorld(r, 1, 5);
    const s = r.t.screen();
    expect(s[0]).toContain('wiretop · eth0');
    expect(s[1]).toMatch(/^ rx .*[▁▂▃▄▅▆▇█]/);
    expect(s[2]).toMatch(/^ tx /);
    expect(s[3]).toMatch(/HOST \(3\).*TOTAL▼/);
    expect(lineWith(r, 'PROCESS (3)')).toBeGreaterThan(4);
    expect(r.t.text()).toContain('nginx');
    expect(r.t.text()).toContain('fd00::5');
    expect(s[20]).toContain('── 198.18.0.2 · last 5 s');
    expect(s[23]).toContain('LIVE');
  });

  test('layout_120x36 shows the wide columns', async () => {
    const r = start(120, 36);
    await feedWorld(r, 1, 5);
    const text = r.t.text();
    expect(text).toMatch(/HOST \(3\).*RX.*TX.*TOTAL▼.*PEAK.*CUM.*PORTS/);
    expect(text).toMatch(/PID PROCESS \(3\).*USER.*CONNS.*CPU.*MEM/);
    expect(text).toContain('www-data');
    expect(r.t.screen()[35]).toContain('dropped: 0');
  });

  test('too_small at 50×20, and back on resize', async () => {
    const r = start(50, 20);
    await feedWorld(r, 1, 2);
    expect(r.t.text().replace(/\s+/g, ' ')).toContain('terminal too small: need at least 60×15, have 50×20');
    expect(r.t.text()).not.toContain('198.18.0.2');
    r.t.resize(80, 24);
    await feedWorld(r, 3, 3);
    expect(r.t.text()).not.toContain('too small');
    expect(r.t.text()).toContain('198.18.0.2');
    r.t.resize(59, 24);
    await feedWorld(r, 4, 4);
    expect(r.t.text()).toContain('have 59×24');
  });

  test('pause_by_space holds the moment while new seconds arrive', async () => {
    const r = start(80, 24);
    await feedWorld(r, 1, 5);
    await press(r, KEY.space);
    expect(r.t.text()).toMatch(/FROZEN at \d\d:\d\d:\d\d \(−0s\)/);
    const extra = host('198.18.0.99', 9_000_000, 9_000_000);
    for (let i = 6; i <= 8; i++) r.feed.emit({ ...world(i), hosts: [...world(i).hosts, extra] });
    await r.t.settle();
    expect(r.t.text()).not.toContain('198.18.0.99');
    expect(r.t.text()).toContain('(−3s)');
    await press(r, KEY.left, KEY.left);
    expect(r.t.text()).toContain('(−5s)');
    await press(r, KEY.right, KEY.right, KEY.right, KEY.right);
    expect(r.t.text()).toContain('(−1s)');
    expect(r.t.text()).toContain('198.18.0.99');
    await press(r, 'p');
    expect(r.t.text()).toContain('LIVE');
    expect(r.t.text()).toContain('198.18.0.99');
  });

  test('rearranged_by_tab: focus moves to processes, sort keys act there', async () => {
    const r = start(80, 24);
    await feedWorld(r, 1, 3);
    await press(r, KEY.tab, '<');
    const procHeader = lineWith(r, 'PROCESS (3)');
    expect(r.t.screen()[procHeader]).toContain('TX▼');
    expect(r.t.screen()[3]).toContain('TOTAL▼');
    // the focused pane's header is in reverse video
    const buf = r.t.term.buffer.active;
    expect(buf.getLine(procHeader)!.getCell(2)!.isInverse()).toBeTruthy();
    expect(buf.getLine(3)!.getCell(2)!.isInverse()).toBeFalsy();
    await press(r, KEY.shiftTab);
    expect(r.t.term.buffer.active.getLine(3)!.getCell(2)!.isInverse()).toBeTruthy();
  });

  test('sorted_by_tx, then reversed', async () => {
    const r = start(80, 24);
    const a = host('198.18.0.10', 900, 100);
    const b = host('198.18.0.11', 100, 500);
    const c = host('198.18.0.12', 100, 300);
    r.feed.emit(snapshot(1, { hosts: [a, b, c] }));
    await r.t.settle();
    expect(lineWith(r, '198.18.0.10')).toBeLessThan(lineWith(r, '198.18.0.11'));
    await press(r, '<');
    expect(r.t.screen()[3]).toContain('TX▼');
    expect(r.t.text()).toContain('sort: tx ▼');
    const order = () => ['198.18.0.10', '198.18.0.11', '198.18.0.12'].map((x) => lineWith(r, x));
    const [l10, l11, l12] = order();
    expect(l11).toBeLessThan(l12!);
    expect(l12).toBeLessThan(l10!);
    await press(r, 'r');
    expect(r.t.screen()[3]).toContain('TX▲');
    const [m10, m11, m12] = order();
    expect(m10).toBeLessThan(m12!);
    expect(m12).toBeLessThan(m11!);
  });

  test('drill_down_host shows only its processes and connections; Esc goes back', async () => {
    const r = start(80, 24);
    await feedWorld(r, 1, 3);
    await press(r, KEY.enter);
    const text = r.t.text();
    expect(text).toContain('PROCESS (1)');
    expect(text).toContain('nginx');
    expect(text).not.toContain('named');
    expect(text).toContain('198.18.0.2:50000');
    expect(text).not.toContain('198.18.0.77');
    expect(text).toContain('⇄ 198.18.0.2 (Esc back)');
    await press(r, KEY.escape);
    expect(r.t.text()).toContain('HOST (3)');
    expect(r.t.text()).toContain('named');
  });

  test('drill_down_process shows its hosts', async () => {
    const r = start(80, 24);
    await feedWorld(r, 1, 3);
    await press(r, KEY.tab, KEY.enter);
    const text = r.t.text();
    expect(text).toContain('HOST (2)');
    expect(text).toContain('198.18.0.2');
    expect(text).toContain('fd00::5');
    expect(text).not.toContain('198.18.0.77');
  });

  test('notice_lingers: a restart notice carried by one snapshot stays on the status line for a few seconds', async () => {
    const r = start(160, 36);
    r.feed.emit({ ...world(1), notices: ['capture process exited with code 1; restarted (1/3)'] });
    await r.t.settle();
    expect(r.t.screen()[35]).toContain('│ capture process exited with code 1; restarted (1/3)');
    await feedWorld(r, 2, 5);
    expect(r.t.screen()[35]).toMatch(/│ \d\d:\d\d:\d\d capture process exited with code 1; restarted \(1\/3\)/);
    await feedWorld(r, 6, 13);
    expect(r.t.screen()[35]).not.toContain('restarted');
  });

  test('help_overlay', async () => {
    const r = start(80, 24);
    await feedWorld(r, 1, 2);
    await press(r, 'h');
    expect(r.t.text()).toContain('wiretop keys');
    expect(r.t.text()).toContain('drill down');
    await press(r, KEY.escape);
    expect(r.t.text()).not.toContain('wiretop keys');
  });

  for (const [cols, rows] of [[80, 24], [120, 36]] as const) {
    test(`help_overlay at ${cols}×${rows} covers whole rows (no stray cells of the panes beside its lines)`, async () => {
      const r = start(cols, rows);
      await feedWorld(r, 1, 2);
      await press(r, 'h');
      const s = r.t.screen();
      const top = s.findIndex((l) => l.includes('wiretop keys'));
      const bottom = s.findIndex((l, i) => i > top && /^─+$/.test(l.trimEnd()));
      expect(s[top]).toMatch(/^─/);
      expect(s[bottom]!.trimEnd()).toBe('─'.repeat(cols));
      const allowed = new Set(['', ...HELP_LINES.map((l) => l.trim())]);
      for (const line of s.slice(top + 1, bottom)) expect(allowed.has(line.trim()), line).toBe(true);
    });
  }

  test('block_commands for v4 and v6 hosts', async () => {
    const r = start(120, 36);
    await feedWorld(r, 1, 2);
    await press(r, 'x');
    expect(r.t.text()).toContain('nft add rule inet filter input ip saddr 198.18.0.2 drop');
    expect(r.t.text()).toContain('ipset add wiretop-block 198.18.0.2');
    await press(r, 'x', KEY.end, 'x');
    expect(r.t.text()).toContain('nft add rule inet filter input ip6 saddr fd00::5 drop');
    await press(r, KEY.escape, 'a', KEY.home, 'x');
    expect(r.t.text()).toContain('ip saddr 198.18.0.0/24 drop');
  });

  test('filter_by_text', async () => {
    const r = start(80, 24);
    await feedWorld(r, 1, 2);
    await press(r, '/', 'n', 'a', 'm');
    expect(r.t.text()).toContain('/nam');
    await press(r, 'e', KEY.enter);
    const text = r.t.text();
    expect(text).toContain('find: name');
    expect(text).toContain('named');
    expect(text).not.toContain('nginx');
    await press(r, KEY.escape);
    expect(r.t.text()).toContain('nginx');
  });

  test('toggles: bits, cumulative, window, aggregation', async () => {
    const r = start(120, 36);
    await feedWorld(r, 1, 2);
    await press(r, 'b');
    expect(r.t.text()).toMatch(/\d Mb\b/);
    await press(r, 'c');
    expect(r.t.text()).toContain('cumulative');
    await press(r, 't');
    expect(r.t.text()).toContain('cumulative');
    await press(r, 'c');
    expect(r.t.text()).toContain('10s avg');
    await press(r, 'a');
    expect(r.t.text()).toContain('198.18.0.0/24');
    expect(r.t.text()).toContain('fd00::/64');
    expect(r.t.text()).toContain('HOST (2)');
  });

  test('names from the lookup are shown, and hostile names are sanitised', async () => {
    const names = {
      host: (a: string) => (a === '198.18.0.2' ? 'web.example\x1b[31m' : null),
      service: (p: number) => (p === 443 ? 'https' : null),
    };
    const r = start(120, 36, { names });
    await feedWorld(r, 1, 2);
    expect(r.t.text()).toContain('web.example?[31m');
    await press(r, KEY.enter);
    expect(r.t.text()).toContain('198.18.0.1:https');
    await press(r, 'N');
    expect(r.t.text()).toContain('198.18.0.1:443');
  });
});

describe('lifecycle', () => {
  test('q restores the terminal and resolves; the engine is stopped', async () => {
    const r = start(80, 24);
    await feedWorld(r, 1, 2);
    let out = '';
    r.t.output.on('data', (c: Buffer) => (out += c.toString()));
    r.t.press('q');
    await r.done;
    expect(out).toContain('\x1b[?1049l');
    expect(out).toContain('\x1b[?25h');
    expect(r.feed.stopped).toBe(true);
  });

  test('Ctrl-C quits too', async () => {
    const r = start(80, 24);
    await feedWorld(r, 1, 1);
    r.t.press(KEY.ctrlC);
    await expect(r.done).resolves.toBeUndefined();
  });

  test('SIGTERM restores the terminal and resolves', async () => {
    const r = start(80, 24);
    await feedWorld(r, 1, 1);
    let out = '';
    r.t.output.on('data', (c: Buffer) => (out += c.toString()));
    process.emit('SIGTERM', 'SIGTERM');
    await r.done;
    expect(out).toContain('\x1b[?1049l');
  });

  test('a feed error restores the terminal, then rejects with it', async () => {
    const r = start(80, 24);
    await feedWorld(r, 1, 1);
    let out = '';
    r.t.output.on('data', (c: Buffer) => (out += c.toString()));
    r.feed.end(new Error('capture failed: interface went away'));
    await expect(r.done).rejects.toThrow('interface went away');
    expect(out).toContain('\x1b[?1049l');
  });

  test('the end of a file keeps the last second on screen', async () => {
    const r = start(80, 24);
    await feedWorld(r, 1, 2);
    r.feed.end(null);
    await r.t.settle();
    expect(r.t.text()).toContain('capture ended');
    expect(r.t.text()).toContain('198.18.0.2');
  });

  test('pids on screen are sent for CPU/memory sampling', async () => {
    const r = start(80, 24);
    await feedWorld(r, 1, 1);
    expect(r.feed.commands).toContainEqual({ type: 'watch-pids', pids: [53, 1234] });
  });

  test('columns and rows undefined: no crash', async () => {
    const t = new FakeTerminal(80, 24);
    (t.output as { columns?: number }).columns = undefined;
    (t.output as { rows?: number }).rows = undefined;
    const feed = new FakeFeed();
    const done = runTui(feed, { input: t.input, output: t.output, terminal: 'xterm-256color' });
    feed.emit(world(1));
    await t.settle();
    t.press('q');
    await expect(done).resolves.toBeUndefined();
  });
});

describe('terminal output budget (DESIGN §5)', () => {
  test('steady state at 120×36 with 10 busy hosts and 10 busy processes writes ≤ 1 KB/s', async () => {
    const r = start(120, 36);
    for (let i = 1; i <= 60; i++) r.feed.emit(steadyBusy(i, 10));
    await r.t.settle();
    const before = r.t.bytes;
    const seconds = 20;
    for (let i = 61; i < 61 + seconds; i++) {
      r.feed.emit(steadyBusy(i, 10));
      await r.t.settle();
    }
    const perSecond = (r.t.bytes - before) / seconds;
    console.log(`terminal output at steady state, 120×36, 10+10 busy rows: ${perSecond.toFixed(0)} B/s`);
    expect(r.t.text()).toContain('worker-9');
    expect(perSecond).toBeLessThanOrEqual(1024);
  });

  test('frozen screen writes almost nothing while seconds arrive', async () => {
    const r = start(120, 36);
    for (let i = 1; i <= 30; i++) r.feed.emit(steadyBusy(i, 10));
    await r.t.settle();
    await press(r, KEY.space);
    const before = r.t.bytes;
    for (let i = 31; i <= 40; i++) {
      r.feed.emit(steadyBusy(i, 10));
      await r.t.settle();
    }
    const perSecond = (r.t.bytes - before) / 10;
    console.log(`terminal output while frozen: ${perSecond.toFixed(0)} B/s`);
    expect(perSecond).toBeLessThan(40);
  });
});
