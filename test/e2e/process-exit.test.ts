import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPair, exitOf, lines, netnsUnavailable, WIRETOP, type NsPair } from './netns.js';

const why = netnsUnavailable();

/** A process sends for a while and exits: its row stays, marked "(exited)" in --text. */
describe.skipIf(why !== null)(`a process that exits mid-flow${why ? ` (skipped: ${why})` : ''}`, () => {
  let pair: NsPair;
  beforeAll(() => {
    pair = createPair('gone', 88);
  });
  afterAll(() => pair?.cleanup());

  it('keeps its row, marked (exited)', async () => {
    const wt = pair.spawnIn(pair.a, process.execPath, [WIRETOP, '-i', pair.vethA, '--text', '--interval', '1', '-n', '-N']);
    let stderr = '';
    wt.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const out = lines(wt);
    await out.next((l) => l.startsWith('total '), 8000);
    // 2.5 s of UDP from a process in A named by its script, then it exits
    const sender = `const s=require('dgram').createSocket('udp4');s.bind(0,'${pair.addrA}',()=>{const t=setInterval(()=>s.send(Buffer.alloc(500),9,'${pair.addrB}'),20);setTimeout(()=>{clearInterval(t);process.exit(0)},2500)})`;
    const c = pair.spawnIn(pair.a, process.execPath, ['-e', sender]);
    const pid = c.pid!; // the `ip netns exec` wrapper execs node: same pid
    await out.next((l) => new RegExp(`^\\s*${pid} node\\b(?!.*exited)`).test(l), 8000);
    await exitOf(c);
    const gone = await out.next((l) => new RegExp(`^\\s*${pid} node \\(exited\\)`).test(l), 8000);
    expect(gone).toMatch(/\(exited\)/);
    wt.kill('SIGINT');
    expect(await exitOf(wt)).toBe(0);
    expect(stderr).toBe('');
  }, 40_000);
});
