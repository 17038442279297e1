import { spawnSync, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPair, netnsUnavailable, WIRETOP, type NsPair } from './netns.js';
import { killAllSessions, sleep, TmuxSession, tmuxUnavailable } from './tmux.js';

/**
 * The real TUI under tmux (DESIGN §4): wiretop captures live inside namespace
 * A on its veth while B sends paced TCP from two addresses (.3 three times
 * faster than .2), and the test reads the screen back as text.
 */

const SUBNET = 61;
const why = netnsUnavailable(['iperf3']) ?? tmuxUnavailable();

/** Screen rows without the status line (its clock and "−Ns" move while frozen). */
const rowsPart = (s: string[]): string => s.slice(0, -1).join('\n');
const statusOf = (s: string[]): string => s.filter((l) => l.trim() !== '').at(-1) ?? '';
/** The line holding a pane's column header, e.g. "HOST (" or "PID PROCESS". */
const headerLine = (s: string[], text: string): string => s.find((l) => l.includes(text)) ?? '';
/** Row index of the first line containing `text`, -1 when absent. */
const rowOf = (s: string[], text: string): number => s.findIndex((l) => l.includes(text));

describe.skipIf(why !== null)(`the TUI under tmux with live traffic${why ? ` (skipped: ${why})` : ''}`, () => {
  let pair: NsPair;
  let slow: string; // B's address sending 2 Mbit/s
  let fast: string; // B's second address sending 6 Mbit/s
  const senders: ChildProcess[] = [];

  beforeAll(async () => {
    pair = createPair('tui', SUBNET);
    slow = pair.addrB;
    fast = `198.18.${SUBNET}.3`;
    pair.exec(pair.b, 'ip', ['addr', 'add', `${fast}/24`, 'dev', pair.vethB]);
    for (const port of ['5301', '5302']) pair.spawnIn(pair.a, 'iperf3', ['-s', '-1', '-B', pair.addrA, '-p', port]);
    await sleep(400);
    // Bounded: each sender stops by itself after 75 s; cleanup kills them sooner.
    senders.push(pair.spawnIn(pair.b, 'iperf3', ['-c', pair.addrA, '-B', slow, '-p', '5301', '-b', '2M', '-t', '75', '--connect-timeout', '3000']));
    senders.push(pair.spawnIn(pair.b, 'iperf3', ['-c', pair.addrA, '-B', fast, '-p', '5302', '-b', '6M', '-t', '75', '--connect-timeout', '3000']));
  });
  afterAll(() => {
    killAllSessions();
    pair?.cleanup();
  });

  const wiretopIn = (extra = ''): string => `ip netns exec ${pair.a} node ${WIRETOP} -i ${pair.vethA} -n${extra}`;

  it('120×36: peers and process appear; drill-down, freeze and scrub, sorting; status line', async () => {
    const t = TmuxSession.start({ cols: 120, rows: 36, command: wiretopIn() });
    try {
      // 1. The peers and the receiving process show up within seconds.
      let s = await t.waitFor('both peers and iperf3', (x) => rowOf(x, fast) >= 0 && rowOf(x, slow) >= 0 && rowOf(x, 'iperf3') >= 0, 10_000);
      expect(t.display('#{alternate_on}')).toBe('1');

      // §4: the status line shows interface, filter, live/frozen, sort column and dropped (a number: one interface, no filter).
      expect(statusOf(s)).toMatch(new RegExp(`^ ${pair.vethA} │ filter: none │ LIVE │ sort: total ▼ │ dropped: \\d+`));
      expect(headerLine(s, 'HOST (')).toMatch(/TOTAL▼/);
      // the busier peer on top
      s = await t.waitFor('fast peer above slow peer', (x) => rowOf(x, fast) >= 0 && rowOf(x, fast) < rowOf(x, slow));
      // Seconds keep arriving: the graph of the selected row covers at least 3 recorded seconds
      // (a capture that stopped publishing after its first snapshot fails here).
      s = await t.waitFor('three recorded seconds', (x) => x.some((l) => /· last ([3-9]|\d\d+) s ─/.test(l)), 10_000);

      // 4. Enter drills into the selected (top) host: its processes and connections; Esc returns.
      t.keys('Enter');
      // Both ends are on this host (B is a namespace behind a veth): the receiving iperf3 in A and the
      // sending iperf3 in B both belong to this host's traffic (DESIGN §2, "both processes appear").
      s = await t.waitFor('host drill-down', (x) => statusOf(x).includes(`⇄ host ${fast}`) && rowOf(x, 'PROTO') >= 0 && /PROCESS \(2\)/.test(headerLine(x, 'PROCESS (')));
      const procRows = s.slice(rowOf(s, 'PROCESS (') + 1).filter((l) => /^\s*▸?\s*\d+ iperf3\b/.test(l));
      expect(procRows).toHaveLength(2);
      expect(procRows.filter((l) => l.includes(pair.b.slice(0, 6))).length).toBe(1); // B's, with its namespace
      expect(s.some((l) => l.includes(`${fast}:`) && l.includes(`${pair.addrA}:5302`))).toBe(true);
      expect(rowOf(s, `${slow}:`)).toBe(-1); // only that host's connections
      expect(rowOf(s, 'HOST (')).toBe(-1);
      t.keys('Escape');
      s = await t.waitFor('back to hosts and processes', (x) => rowOf(x, 'HOST (') >= 0 && rowOf(x, 'PID PROCESS') >= 0 && !statusOf(x).includes('⇄'));

      // 2. Space freezes: the rows stay identical for 3 s while traffic flows.
      t.keys('Space');
      s = await t.waitFor('frozen status', (x) => /FROZEN at \d\d:\d\d:\d\d \(−\d+s\)/.test(statusOf(x)));
      const frozen = rowsPart(s);
      for (let i = 0; i < 6; i++) {
        await sleep(500);
        expect(rowsPart(t.screen())).toBe(frozen);
      }
      const at = (x: string[]) => {
        const m = /FROZEN at (\d\d):(\d\d):(\d\d) \(−(\d+)s\)/.exec(statusOf(x));
        return m ? { clock: Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]), ago: Number(m[4]) } : null;
      };
      const before = at(t.screen())!;
      // ← steps back one recorded second: an earlier time, further in the past.
      t.keys('Left');
      s = await t.waitFor('an earlier second', (x) => (at(x)?.clock ?? Infinity) < before.clock);
      expect(at(s)!.ago).toBeGreaterThan(before.ago);
      expect(statusOf(s)).toMatch(/dropped: \d+/);
      // Space again: live, and the rows move again.
      t.keys('Space');
      s = await t.waitFor('live again', (x) => statusOf(x).includes('│ LIVE │'));
      const resumed = rowsPart(s);
      await t.waitFor('rows changing after resume', (x) => rowsPart(x) !== resumed && rowsPart(x) !== frozen);

      // 3. Sorting: r reverses (▼ → ▲, order flips); < walks to the HOST column; > to RX.
      t.keys('r');
      s = await t.waitFor('ascending total', (x) => /TOTAL▲/.test(headerLine(x, 'HOST (')) && rowOf(x, slow) >= 0 && rowOf(x, slow) < rowOf(x, fast));
      expect(statusOf(s)).toContain('sort: total ▲');
      t.keys('r');
      s = await t.waitFor('descending total', (x) => /TOTAL▼/.test(headerLine(x, 'HOST (')) && rowOf(x, fast) < rowOf(x, slow));
      t.type('<<<');
      s = await t.waitFor('sorted by host', (x) => /HOST \(\d+\)▲/.test(headerLine(x, 'HOST (')));
      expect(headerLine(s, 'HOST (')).not.toMatch(/[▲▼].*[▲▼]/); // one indicator, on the HOST column
      expect(rowOf(s, slow)).toBeLessThan(rowOf(s, fast)); // .2 before .3
      expect(statusOf(s)).toContain('sort: host ▲');
      t.type('>');
      s = await t.waitFor('sorted by rx', (x) => /RX▼/.test(headerLine(x, 'HOST (')));
      expect(headerLine(s, 'HOST (')).not.toMatch(/HOST \(\d+\)▲|TOTAL▼/);
      expect(rowOf(s, fast)).toBeLessThan(rowOf(s, slow));
      // the processes pane keeps its own sort
      expect(headerLine(s, 'PID PROCESS')).toMatch(/TOTAL▼/);
    } finally {
      t.kill();
    }
  }, 45_000);

  it('80×24 in a shell: both panes; q, Ctrl-C and SIGTERM each give the shell back intact', async () => {
    const t = TmuxSession.start({ cols: 80, rows: 24, command: 'bash --norc --noprofile' });
    try {
      await t.waitFor('a shell prompt', (x) => /[#$] ?$/.test(x[0] ?? ''));
      // the tty modes before wiretop, to compare with after it
      t.type(`PS1='wt$ '; S=$(stty -g); clear`);
      t.keys('Enter');
      await t.waitFor('a cleared shell', (x) => x[0] === 'wt$');
      const ready = (x: string[]) => rowOf(x, 'HOST (') >= 0 && rowOf(x, 'PID PROCESS') >= 0 && rowOf(x, fast) >= 0;
      /** The shell is back, on the normal screen, cursor on, tty modes as before. */
      const shellIntact = async (how: string) => {
        await t.waitForDisplay('#{alternate_on}', '0');
        t.type('[ "$S" = "$(stty -g)" ] && echo stty-same; echo ok-$((1+1))');
        t.keys('Enter');
        const s = await t.waitFor(`the shell after ${how}`, (x) => x.some((l) => l === 'ok-2'));
        expect(s.some((l) => l === 'stty-same')).toBe(true);
        expect(t.display('#{alternate_on} #{cursor_flag} #{keypad_cursor_flag} #{mouse_any_flag}')).toBe('0 1 0 0');
        expect(s.join('\n')).not.toMatch(/error|Error|at .*\.js:\d+/);
        t.type('clear');
        t.keys('Enter');
        await t.waitFor('a cleared screen', (x) => !x.some((l) => l === 'ok-2'));
      };

      // 6. 80×24 shows both panes, and the status line keeps its essentials, live and frozen.
      t.type(wiretopIn());
      t.keys('Enter');
      let s = await t.waitFor('both panes at 80×24', ready, 10_000);
      expect(t.display('#{alternate_on}')).toBe('1');
      expect(statusOf(s)).toMatch(new RegExp(`${pair.vethA} │ filter: none │ LIVE │ sort: total ▼ │ dropped: \\d+`));
      await t.waitFor('fast peer on top', (x) => rowOf(x, fast) >= 0 && rowOf(x, fast) < rowOf(x, slow));
      t.keys('Space');
      s = await t.waitFor('frozen at 80 columns', (x) => statusOf(x).includes('FROZEN'));
      expect(statusOf(s)).toMatch(new RegExp(`${pair.vethA} │ filter: none │ FROZEN \\d\\d:\\d\\d:\\d\\d −\\d+s │ sort: total ▼ │ dropped: \\d+`));
      t.keys('Enter');
      s = await t.waitFor('drill-down at 80 columns', (x) => statusOf(x).includes(`⇄ ${fast}`));
      expect(statusOf(s)).toMatch(new RegExp(`^ ${pair.vethA} │ (filter: none|no filter) │ FROZEN[^│]* │ sort:? total ?▼ │ drop(ped:)? \\d+`));
      // 5. q quits to the shell.
      t.keys('q');
      await shellIntact('q');

      // 7. Ctrl-C (here with a capture filter: the status line names it, and dropped is unknowable).
      t.type(`${wiretopIn(' -f tcp')}`);
      t.keys('Enter');
      s = await t.waitFor('wiretop with a filter', ready, 10_000);
      expect(statusOf(s)).toMatch(/filter: tcp │ LIVE │ sort: total ▼ │ dropped: n\/a/);
      t.keys('C-c');
      await shellIntact('Ctrl-C');

      // 7. kill -TERM of the wiretop process.
      t.type(wiretopIn());
      t.keys('Enter');
      await t.waitFor('wiretop again', ready, 10_000);
      const main = t.processes().find((p) => p.cmdline.includes(WIRETOP));
      expect(main).toBeDefined();
      process.kill(main!.pid, 'SIGTERM');
      await shellIntact('SIGTERM');
      expect(t.processes().some((p) => p.cmdline.includes('node'))).toBe(false);
    } finally {
      t.kill();
    }
  }, 45_000);
});

describe('without a terminal', () => {
  it('one line on stderr suggesting --text/--json, exit 2', () => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; node ${WIRETOP} -i lo < /dev/null | cat`], { encoding: 'utf8', timeout: 15_000 });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^wiretop: .*terminal.*--text.*--json/);
  });
});
