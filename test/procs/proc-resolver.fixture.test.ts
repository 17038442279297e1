import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lookup } from '../../src/procs/owner.js';
import { ProcResolver } from '../../src/procs/proc-resolver.js';
import { parseAddress } from '../../src/util/address.js';

const BASIC = new URL('../fixtures/proc/basic/', import.meta.url).pathname;
const actors = JSON.parse(readFileSync(join(BASIC, 'actors.json'), 'utf8')) as {
  server: { pid: number };
  client: { pid: number; ports: number[]; twPort: number };
  peer: { pid: number };
  peerNetns: number;
  hostNetns: number;
};
const SERVER = actors.server.pid;
const CLIENT = actors.client.pid;
const PEER = actors.peer.pid;

function ep(t: string): [Uint32Array, number] {
  const i = t.lastIndexOf(':');
  return [parseAddress(t.slice(0, i).replace(/^\[|\]$/g, ''))!, Number(t.slice(i + 1))];
}
function look(r: ProcResolver, proto: 'tcp' | 'udp', local: string, remote: string): Lookup {
  const [la, lp] = ep(local);
  const [ra, rp] = ep(remote);
  return r.lookup(proto === 'tcp' ? 6 : 17, la, lp, ra, rp);
}
const who = (l: Lookup) => (l.kind === 'process' ? `${l.proc.pid} ${l.proc.name} ${l.proc.user} ${l.proc.netns}` : l.kind);

const resolvers: ProcResolver[] = [];
const tmps: string[] = [];
afterEach(() => {
  for (const r of resolvers.splice(0)) r.close();
  for (const t of tmps.splice(0)) rmSync(t, { recursive: true, force: true });
});

function make(root: string, extra: Partial<ConstructorParameters<typeof ProcResolver>[0]> = {}): ProcResolver {
  const r = new ProcResolver({
    procRoot: join(root, 'proc'),
    minRescanIntervalMs: 0,
    netnsInodeOf: async (p) => (p.endsWith('/wtfx-peer') ? actors.peerNetns : null),
    ...extra,
  });
  resolvers.push(r);
  return r;
}
function copyFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wt-procs-'));
  tmps.push(dir);
  cpSync(BASIC, dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}
async function rescan(r: ProcResolver): Promise<void> {
  r.requestRescan();
  await r.idle();
}

const C = actors.client.ports;
const CASES: [string, 'tcp' | 'udp', string, string, string][] = [
  ['client side of a loopback connection (v4 tuple)', 'tcp', `127.0.0.1:${C[0]}`, '127.0.0.1:8080', `${CLIENT} cli?[31mred root null`],
  ['server side of it', 'tcp', '127.0.0.1:8080', `127.0.0.1:${C[0]}`, `${SERVER} wt-server root null`],
  ['v4 wildcard listener for a new peer', 'tcp', '198.18.1.1:8080', '198.18.1.9:4000', `${SERVER} wt-server root null`],
  ['accepted IPv4 connection held in tcp6 (v4-mapped)', 'tcp', '198.18.1.1:8081', `198.18.1.1:${C[1]}`, `${SERVER} wt-server root null`],
  ['client of it (plain tcp)', 'tcp', `198.18.1.1:${C[1]}`, '198.18.1.1:8081', `${CLIENT} cli?[31mred root null`],
  ['IPv6 tuple', 'tcp', `[fd00:1::1]:${C[2]}`, '[fd00:1::1]:8081', `${CLIENT} cli?[31mred root null`],
  ['IPv4 to the dual-stack listener', 'tcp', '198.18.1.1:8081', '198.18.1.9:1', `${SERVER} wt-server root null`],
  ['specific v6 listener', 'tcp', '[fd00:1::1]:8083', '[fd00:1::9]:1', `${SERVER} wt-server root null`],
  ['server side of a TIME_WAIT pair: its listener', 'tcp', '198.18.1.1:8082', `198.18.1.1:${actors.client.twPort}`, `${SERVER} wt-server root null`],
  ['client side in TIME_WAIT (inode 0, never resolved): unknown', 'tcp', `198.18.1.1:${actors.client.twPort}`, '198.18.1.1:8082', 'unknown'],
  ['host side of the veth connection', 'tcp', `198.18.1.1:${C[3]}`, '198.18.1.2:9000', `${CLIENT} cli?[31mred root null`],
  ['peer side of it, in the peer namespace', 'tcp', '198.18.1.2:9000', `198.18.1.1:${C[3]}`, `${PEER} wt-peer wtuser wtfx-peer`],
  ['peer wildcard listener', 'tcp', '198.18.1.2:9000', '198.18.1.1:1', `${PEER} wt-peer wtuser wtfx-peer`],
  ['connected UDP', 'udp', '198.18.1.1:5356', '198.18.1.2:9999', `${SERVER} wt-server root null`],
  ['connected UDP v6', 'udp', `[fd00:1::1]:${C[4]}`, '[fd00:1::1]:5354', `${CLIENT} cli?[31mred root null`],
  ['UDP v4 wildcard', 'udp', '198.18.1.1:5353', '198.18.1.2:1', `${SERVER} wt-server root null`],
  ['UDP v6 bound', 'udp', '[fd00:1::1]:5354', '[fd00:1::2]:1', `${SERVER} wt-server root null`],
  ['UDP IPv4 on a :: socket', 'udp', '198.18.1.1:5355', '198.18.1.2:1', `${SERVER} wt-server root null`],
  ['closed TCP port', 'tcp', '198.18.1.1:9', '198.18.1.2:1', 'miss'],
  ['closed UDP port', 'udp', '198.18.1.1:9', '198.18.1.2:1', 'miss'],
];

describe('ProcResolver on a real /proc capture (fixture basic)', () => {
  it.each(CASES)('%s', async (_why, proto, local, remote, expected) => {
    const r = make(BASIC);
    await r.start();
    expect(who(look(r, proto, local, remote))).toBe(expected);
  });

  it('fills in cmdline and start time, sanitised', async () => {
    const r = make(BASIC);
    await r.start();
    const l = look(r, 'tcp', `127.0.0.1:${C[0]}`, '127.0.0.1:8080');
    expect(l.kind).toBe('process');
    if (l.kind !== 'process') return;
    expect(l.proc.cmdline).toBe('cli?[31mred');
    expect(l.proc.name).not.toMatch(/\x1b/);
    expect(l.proc.startTime).toBeGreaterThan(0);
    expect(r.generation).toBe(1);
    expect(r.lastRescan?.namespaces).toBe(2);
    expect(r.localAddresses?.().map((a) => a.netns)).toContain('wtfx-peer');
  });

  it('answers a first miss below the table it saw (undecided), and with the table of a later read that missed it too', async () => {
    const r = make(BASIC);
    await r.start();
    expect(r.generation).toBe(1);
    expect(look(r, 'tcp', '198.18.1.1:9', '198.18.1.2:1')).toEqual({ kind: 'miss', generation: 0 });
    expect(look(r, 'tcp', '198.18.1.1:9', '198.18.1.2:1')).toEqual({ kind: 'miss', generation: 0 });
    await r.idle(); // the miss asked for a rescan
    expect(look(r, 'tcp', '198.18.1.1:9', '198.18.1.2:1')).toEqual({ kind: 'miss', generation: 2 });
  });

  it('does not count a table whose read began before the first miss as newer', async () => {
    const r = make(BASIC);
    await r.start();
    r.requestRescan();
    const internals = r as unknown as { running: boolean };
    while (!internals.running) await new Promise((res) => setImmediate(res));
    const first = look(r, 'tcp', '198.18.1.1:10', '198.18.1.2:1');
    expect(first).toEqual({ kind: 'miss', generation: 0 }); // below generation 1, the table it saw
    while (r.generation === 1) await new Promise((res) => setImmediate(res));
    // generation 2 was read before the first miss: not above 1 for this connection
    expect(look(r, 'tcp', '198.18.1.1:10', '198.18.1.2:1')).toEqual({ kind: 'miss', generation: 0 });
    await r.idle();
    expect(r.generation).toBe(3);
    expect(look(r, 'tcp', '198.18.1.1:10', '198.18.1.2:1')).toEqual({ kind: 'miss', generation: 3 });
  });

  it('detects PID reuse: same pid, new start time → the new process', async () => {
    const dir = copyFixture();
    const r = make(dir);
    await r.start();
    const before = look(r, 'tcp', `127.0.0.1:${C[0]}`, '127.0.0.1:8080');
    expect(who(before)).toBe(`${CLIENT} cli?[31mred root null`);
    // The client exits and a new process gets its pid and (for the test) its sockets.
    const pd = join(dir, 'proc', String(CLIENT));
    const stat = readFileSync(join(pd, 'stat'), 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    const oldStart = Number(fields[19]);
    fields[19] = String(oldStart + 500);
    writeFileSync(join(pd, 'stat'), `${CLIENT} (reborn) ${fields.join(' ')}`);
    writeFileSync(join(pd, 'comm'), 'reborn\n');
    writeFileSync(join(pd, 'cmdline'), 'reborn\0--flag\0');
    await rescan(r);
    const after = look(r, 'tcp', `127.0.0.1:${C[0]}`, '127.0.0.1:8080');
    expect(after.kind).toBe('process');
    if (after.kind !== 'process' || before.kind !== 'process') return;
    expect(after.proc).toMatchObject({ pid: CLIENT, name: 'reborn', cmdline: 'reborn --flag', startTime: oldStart + 500 });
    expect(before.proc.startTime).toBe(oldStart);
  });

  it('keeps attributing a connection whose process vanished after it was resolved', async () => {
    const dir = copyFixture();
    const r = make(dir);
    await r.start();
    rmSync(join(dir, 'proc', String(CLIENT)), { recursive: true });
    await rescan(r);
    expect(who(look(r, 'tcp', `127.0.0.1:${C[0]}`, '127.0.0.1:8080'))).toBe(`${CLIENT} cli?[31mred root null`);
    // but nothing new is pinned on it
    expect(look(r, 'udp', `[fd00:1::1]:${C[4]}`, '[fd00:1::2]:5354').kind).toBe('miss');
  });

  it('a connection whose socket is gone from every table, its port with it, is still recalled', async () => {
    const dir = copyFixture();
    const r = make(dir);
    await r.start();
    expect(who(look(r, 'tcp', `127.0.0.1:${C[0]}`, '127.0.0.1:8080'))).toBe(`${CLIENT} cli?[31mred root null`);
    // the client's socket closes: its line leaves every tcp table (the server's side stays)
    const port = `:${C[0]!.toString(16).toUpperCase().padStart(4, '0')} `;
    for (const f of ['proc/net/tcp', `proc/${SERVER}/net/tcp`]) {
      const path = join(dir, f);
      const lines = readFileSync(path, 'utf8').split('\n');
      writeFileSync(path, lines.filter((l) => !(l.trim().split(/\s+/)[1] ?? '').endsWith(port.trim())).join('\n'));
    }
    await rescan(r);
    // no socket has the local port any more: the lookup's shortcut must still ask the memory
    expect(r.socketTable.hasLocalPort(6, C[0]!)).toBe(false);
    expect(r.socketTable.hasLocalPort(6, 8080)).toBe(true);
    expect(who(look(r, 'tcp', `127.0.0.1:${C[0]}`, '127.0.0.1:8080'))).toBe(`${CLIENT} cli?[31mred root null`);
    // another connection on that port was never seen: a miss
    expect(look(r, 'tcp', `127.0.0.1:${C[0]}`, '127.0.0.1:8081').kind).toBe('miss');
  });

  it('names a namespace by container id from the cgroup, else net:[inode]', async () => {
    const dir = copyFixture();
    rmSync(join(dir, 'run', 'netns', 'wtfx-peer'));
    const id = 'ab'.repeat(32);
    writeFileSync(join(dir, 'proc', String(PEER), 'cgroup'), `0::/system.slice/docker-${id}.scope\n`);
    const r = make(dir);
    await r.start();
    expect(who(look(r, 'tcp', '198.18.1.2:9000', '198.18.1.1:1'))).toBe(`${PEER} wt-peer wtuser ${id.slice(0, 12)}`);
    writeFileSync(join(dir, 'proc', String(PEER), 'cgroup'), '0::/\n');
    const r2 = make(dir);
    await r2.start();
    expect(who(look(r2, 'tcp', '198.18.1.2:9000', '198.18.1.1:1'))).toBe(`${PEER} wt-peer wtuser net:[${actors.peerNetns}]`);
  });

  it('falls back to the numeric uid when /etc/passwd does not know it', async () => {
    const dir = copyFixture();
    writeFileSync(join(dir, 'etc', 'passwd'), 'root:x:0:0::/:/bin/sh\n');
    const r = make(dir);
    await r.start();
    expect(who(look(r, 'tcp', '198.18.1.2:9000', '198.18.1.1:1'))).toBe(`${PEER} wt-peer 1234 wtfx-peer`);
  });

  it('never throws: missing /proc, garbage arguments', async () => {
    const r = make('/nonexistent-wiretop-root');
    await r.start();
    expect(r.lookup(6, new Uint32Array(0), 1, new Uint32Array(0), 2).kind).toBe('miss');
    expect(r.lookup(1, new Uint32Array(4), 0, new Uint32Array(4), 0).kind).toBe('miss');
    expect(() => r.requestRescan()).not.toThrow();
    r.close();
    expect(() => r.requestRescan()).not.toThrow();
  });
});

describe('ProcResolver: a CPU budget for rescans', () => {
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** A resolver whose rescans each cost costMs by the budget's CPU clock, after its first rescan (generation g). */
  async function budgeted(budget: { share: number; lazyShare: number; lazyMaxWaitMs: number }, costMs: number, now: () => number = () => performance.now()): Promise<{ r: ProcResolver; g: number }> {
    let cpu = 0;
    const r = make(copyFixture(), { now, cpuBudget: { ...budget, cpuMs: () => (cpu += costMs) } });
    await rescan(r);
    return { r, g: r.generation };
  }

  it('spaces rescans by what the last one cost: 25 ms of CPU at a 10 % share waits 250 ms from its start', async () => {
    const clock = 1_000_000;
    const { r, g } = await budgeted({ share: 0.1, lazyShare: 0.1, lazyMaxWaitMs: 10_000 }, 25, () => clock);
    const t0 = performance.now();
    r.requestRescan();
    await pause(100);
    expect(r.generation).toBe(g); // still within its budget
    await r.idle();
    expect(r.generation).toBe(g + 1);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(200);
  });

  it('without one, the same request starts at once (minRescanIntervalMs 0)', async () => {
    const r = make(copyFixture(), { now: () => 1_000_000 });
    await rescan(r);
    const g = r.generation;
    const t0 = performance.now();
    r.requestRescan();
    await r.idle();
    expect(r.generation).toBe(g + 1);
    expect(performance.now() - t0).toBeLessThan(200);
  });

  it('a lazy request (connections only the remote sent on: a scan) keeps to lazyShare; one that is not lazy brings it forward', async () => {
    // cost 5 ms: the next not before 10 ms after its start, a lazy one not before 500 ms
    const { r, g } = await budgeted({ share: 0.5, lazyShare: 0.01, lazyMaxWaitMs: 10_000 }, 5);
    r.requestRescan(true);
    await pause(150);
    expect(r.generation).toBe(g);
    const t0 = performance.now();
    r.requestRescan(false);
    await r.idle();
    expect(r.generation).toBe(g + 1);
    expect(performance.now() - t0).toBeLessThan(250);
  });

  it('a lazy rescan waits lazyMaxWaitMs at the most, however dear the last one was', async () => {
    // cost 50 ms: a lazy one would wait 50 s by its share
    const { r, g } = await budgeted({ share: 0.5, lazyShare: 0.001, lazyMaxWaitMs: 300 }, 50);
    const t0 = performance.now();
    r.requestRescan(true);
    await pause(150);
    expect(r.generation).toBe(g);
    await r.idle();
    expect(r.generation).toBe(g + 1);
    expect(performance.now() - t0).toBeLessThan(1500);
  });
});
