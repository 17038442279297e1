import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TextReport } from '../../src/headless/text-report.js';
import { ProcessLiveness } from '../../src/engine/process-liveness.js';
import { parseStat } from '../../src/procs/process-details.js';
import { proc, snapshot } from '../ui/fakes.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function fakeProc(entries: Record<number, number>): string {
  const root = mkdtempSync(join(tmpdir(), 'wt-live-'));
  dirs.push(root);
  for (const [pid, start] of Object.entries(entries)) {
    mkdirSync(join(root, pid));
    writeFileSync(join(root, pid, 'stat'), `${pid} (some (odd) name) S 1 ${pid} ${pid} 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 ${start} 1000 100 0\n`);
  }
  return root;
}

describe('ProcessLiveness: exited processes are marked gone, their rows stay', () => {
  it('a real process: alive, then gone after it exits', async () => {
    const child = spawn('sleep', ['30']);
    const pid = child.pid!;
    const start = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))!.startTime;
    const row = proc(pid, 'sleep', 100, 100, { key: `${pid}:${start}` });
    const l = new ProcessLiveness();
    l.mark([row]);
    expect(row.gone).toBe(false);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    await new Promise((r) => setTimeout(r, 50)); // reaped
    const next = { ...row, gone: false };
    l.mark([next]);
    expect(next.gone).toBe(true);
  });

  it('a reused pid (other start time) is gone; classes are never touched', () => {
    const root = fakeProc({ 100: 5000, 200: 7000 });
    const rows = [proc(100, 'a', 1, 1, { key: '100:5000' }), proc(200, 'b', 1, 1, { key: '200:6999' }), proc(300, 'c', 1, 1, { key: '300:1' }), proc(null, '<kernel>', 1, 1)];
    new ProcessLiveness(root).mark(rows);
    expect(rows.map((r) => r.gone)).toEqual([false, true, true, false]);
  });

  it('checks only the busiest rows; once gone, always gone without another read', () => {
    const root = fakeProc({});
    const rows = Array.from({ length: 10 }, (_, i) => proc(1000 + i, `p${i}`, i * 100, 0, { key: `${1000 + i}:1` }));
    const l = new ProcessLiveness(root, 3);
    l.mark(rows);
    expect(rows.filter((r) => r.gone).map((r) => r.name)).toEqual(['p7', 'p8', 'p9']);
    const again = rows.map((r) => ({ ...r, gone: false, rx2: 0, rx1: 0 }));
    l.mark(again);
    // p7..p9 remembered; three more of the rest checked this time
    expect(again.filter((r) => r.gone).length).toBe(6);
  });

  it('--text shows an exited process as "(exited)"', () => {
    const out = new TextReport(false, null, 120).block(snapshot(1, { processes: [proc(4242, 'backup.sh', 1000, 50_000, { gone: true }), proc(77, 'nginx', 10, 10)] }));
    expect(out).toMatch(/4242 backup\.sh \(exited\)/);
    expect(out).not.toMatch(/nginx \(exited\)/);
  });
});
