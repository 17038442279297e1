import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { WIRETOP } from './netns.js';
import { killAllSessions, TmuxSession, tmuxUnavailable } from './tmux.js';

const why = tmuxUnavailable();

/** The real TUI (demo traffic) under tmux, its window resized to tiny and back. */
describe.skipIf(why !== null)(`TUI resized to tiny and back under tmux${why ? ` (skipped: ${why})` : ''}`, () => {
  afterAll(() => killAllSessions());

  it('shows the too-small message, then the panes again', async () => {
    const s = TmuxSession.start({ cols: 100, rows: 30, command: `sh -c '${process.execPath} ${WIRETOP} --demo -n; echo wiretop-exit=$?; sleep 30'` });
    const resize = (cols: number, rows: number) =>
      execFileSync('tmux', ['-S', s.display('#{socket_path}'), 'resize-window', '-t', s.name, '-x', String(cols), '-y', String(rows)], { stdio: 'ignore' });
    try {
      await s.waitForText(/named/, 10_000); // data on screen before resizing
      resize(40, 10);
      await s.waitForText(/too small/, 5000);
      resize(20, 5); // tinier still: no crash, no garbage beyond the window
      await s.waitFor('the 20-column screen', (l) => l.every((x) => x.length <= 20), 5000);
      resize(100, 30);
      const back = await s.waitFor('both panes again, with their rows', (l) => /PROCESS/.test(l.join('\n')) && /HOST/.test(l.join('\n')) && /named/.test(l.join('\n')) && !l.join('\n').includes('too small'), 5000);
      expect(back.join('\n')).toMatch(/named/);
      s.keys('q');
      // the exit code as the shell saw it (tmux 3.3's pane_dead_status is not always filled in)
      await s.waitForText(/wiretop-exit=0/, 5000);
    } finally {
      s.kill();
    }
  }, 40_000);
});
