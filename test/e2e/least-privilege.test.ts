import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPair, exitOf, netnsUnavailable, WIRETOP, type NsPair } from './netns.js';

const why = netnsUnavailable(['setcap', 'setpriv']);

interface Report {
  totals: { packets: number };
  processes: { pid: number | null; name: string; user: string | null; rx_bytes: number }[];
}

/**
 * wiretop as an unprivileged user (uid 65534) on a copy of node with file
 * capabilities: capture needs cap_net_raw (+ cap_net_admin as documented);
 * attributing other users' processes also needs cap_sys_ptrace and
 * cap_dac_read_search (/proc/PID/fd of processes that are not ours).
 */
describe.skipIf(why !== null)(`least privilege: file capabilities instead of root${why ? ` (skipped: ${why})` : ''}`, () => {
  let pair: NsPair;
  let dir: string;
  const servers: ChildProcess[] = [];
  const pids: Record<string, number> = {};

  const cappedNode = (name: string, caps: string): string => {
    const path = join(dir, name);
    copyFileSync(realpathSync(process.execPath), path);
    chmodSync(path, 0o755);
    execFileSync('setcap', [`${caps}+eip`, path]);
    return path;
  };

  beforeAll(async () => {
    pair = createPair('lp', 89);
    dir = mkdtempSync(join(tmpdir(), 'wt-lp-'));
    chmodSync(dir, 0o755);
    // UDP echo servers in A owned by root, uid 1000 and uid 65534 (the user wiretop runs as)
    const echo = (port: number) => `const s=require('dgram').createSocket('udp4');s.bind(${port},'${pair.addrA}');s.on('message',(m,r)=>s.send(m,r.port,r.address));setTimeout(()=>process.exit(0),60000)`;
    for (const [who, port, uid] of [['root', 5001, null], ['uid1000', 5002, 1000], ['nobody', 5003, 65534]] as const) {
      const pre = uid === null ? [] : ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups'];
      const c = spawn('ip', ['netns', 'exec', pair.a, ...pre, process.execPath, '-e', echo(port)], { stdio: 'ignore' });
      servers.push(c);
      await new Promise((r) => setTimeout(r, 100));
      pids[who] = c.pid!; // ip and setpriv exec: the same pid ends up running node
    }
  });
  afterAll(() => {
    for (const s of servers) s.kill('SIGKILL');
    pair?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Run wiretop as uid 65534 for 4 s while B sends 60 datagrams to each server. */
  async function runAsNobody(node: string): Promise<{ report: Report; stderr: string; code: number | null }> {
    const wt = spawn('ip', ['netns', 'exec', pair.a, 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'env', `HOME=${dir}`, node, WIRETOP, '-i', pair.vethA, '--json', '--duration', '4', '-n', '-N'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    wt.stdout.on('data', (d: Buffer) => (out += d.toString()));
    wt.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise((r) => setTimeout(r, 1500));
    const client = `const s=require('dgram').createSocket('udp4');let i=0;const t=setInterval(()=>{for(const p of [5001,5002,5003])s.send(Buffer.alloc(200),p,'${pair.addrA}');if(++i>=40){clearInterval(t);setTimeout(()=>process.exit(0),100)}},30)`;
    pair.exec(pair.b, process.execPath, ['-e', client]);
    const code = await exitOf(wt);
    return { report: JSON.parse(out.trim().split('\n').at(-1)!) as Report, stderr, code };
  }

  it('cap_net_raw,cap_net_admin,cap_dac_read_search,cap_sys_ptrace: captures and attributes every user\'s processes', async () => {
    const { report, stderr, code } = await runAsNobody(cappedNode('node-full', 'cap_net_raw,cap_net_admin,cap_dac_read_search,cap_sys_ptrace'));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(report.totals.packets).toBeGreaterThanOrEqual(200);
    const byPid = new Map(report.processes.map((p) => [p.pid, p]));
    expect(byPid.get(pids.root!)?.user).toBe('root');
    expect(byPid.get(pids.uid1000!)?.rx_bytes).toBeGreaterThan(0);
    expect(byPid.get(pids.nobody!)?.rx_bytes).toBeGreaterThan(0);
    expect(report.processes.find((p) => p.name === '<unknown>')).toBeUndefined();
  }, 30_000);

  it('cap_net_raw,cap_net_admin only: captures, attributes its own user\'s processes; the rest is <unknown>', async () => {
    const { report, stderr, code } = await runAsNobody(cappedNode('node-net', 'cap_net_raw,cap_net_admin'));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(report.totals.packets).toBeGreaterThanOrEqual(200);
    const byPid = new Map(report.processes.map((p) => [p.pid, p]));
    expect(byPid.get(pids.nobody!)?.rx_bytes).toBeGreaterThan(0);
    expect(byPid.has(pids.root!)).toBe(false);
    expect(byPid.has(pids.uid1000!)).toBe(false);
    expect(report.processes.find((p) => p.name === '<unknown>')?.rx_bytes).toBeGreaterThan(0);
  }, 30_000);
});
