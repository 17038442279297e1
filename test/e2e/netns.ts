import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { deleteNamespaces, lineReader } from '../../src/bench/bench-util.js';

export { netnsUnavailable } from '../../src/bench/bench-util.js';

export interface NsPair {
  a: string;
  b: string;
  vethA: string;
  vethB: string;
  /** 198.18.N.1 and .2 */
  addrA: string;
  addrB: string;
  /** fd00:N::1 and ::2 */
  addr6A: string;
  addr6B: string;
  exec(ns: string, cmd: string, args: string[], opts?: { input?: string; timeout?: number }): string;
  spawnIn(ns: string, cmd: string, args: string[]): ChildProcess;
  cleanup(): void;
}

/**
 * Two network namespaces joined by a veth pair, addresses in 198.18.0.0/15 and
 * fd00::/8 only. Each test file picks its own subnet so files may run together.
 */
export function createPair(tag: string, subnet: number): NsPair {
  const id = `${tag}${process.pid % 10000}`;
  const a = `wt-${id}-a`;
  const b = `wt-${id}-b`;
  const vethA = `wa${id}`.slice(0, 15);
  const vethB = `wb${id}`.slice(0, 15);
  const addrA = `198.18.${subnet}.1`;
  const addrB = `198.18.${subnet}.2`;
  const addr6A = `fd00:${subnet.toString(16)}::1`;
  const addr6B = `fd00:${subnet.toString(16)}::2`;
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
  const children: ChildProcess[] = [];
  const cleanup = () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    deleteNamespaces([a, b]);
  };
  cleanup();
  ip('netns', 'add', a);
  ip('netns', 'add', b);
  ip('link', 'add', vethA, 'netns', a, 'type', 'veth', 'peer', 'name', vethB, 'netns', b);
  for (const [ns, dev, v4, v6] of [
    [a, vethA, addrA, addr6A],
    [b, vethB, addrB, addr6B],
  ] as const) {
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'addr', 'add', `${v4}/24`, 'dev', dev);
    ip('-n', ns, 'addr', 'add', `${v6}/64`, 'dev', dev, 'nodad');
    ip('-n', ns, 'link', 'set', dev, 'up');
    // no router solicitations or other chatter to blur byte counts
    execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', `net.ipv6.conf.${dev}.router_solicitations=0`], { stdio: 'ignore' });
  }
  return {
    a,
    b,
    vethA,
    vethB,
    addrA,
    addrB,
    addr6A,
    addr6B,
    exec: (ns, cmd, args, opts = {}) => execFileSync('ip', ['netns', 'exec', ns, cmd, ...args], { input: opts.input, timeout: opts.timeout ?? 30_000, stdio: ['pipe', 'pipe', 'pipe'] }).toString(),
    spawnIn: (ns, cmd, args) => {
      const c = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(c);
      return c;
    },
    cleanup,
  };
}

/** Kernel byte counters of an interface inside a namespace. */
export function ifaceBytes(pair: NsPair, ns: string, dev: string): { rx: number; tx: number; rxPackets: number; txPackets: number } {
  const read = (f: string) => Number(pair.exec(ns, 'cat', [`/sys/class/net/${dev}/statistics/${f}`]).trim());
  return { rx: read('rx_bytes'), tx: read('tx_bytes'), rxPackets: read('rx_packets'), txPackets: read('tx_packets') };
}

/** Collect stdout lines of a child as they come. */
export function lines(child: ChildProcess): { all: string[]; next(pred: (l: string) => boolean, timeoutMs: number): Promise<string> } {
  const r = lineReader(child);
  return { all: r.all, next: r.wait };
}

export const WIRETOP = new URL('../../bin/wiretop.js', import.meta.url).pathname;

export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.on('exit', (code) => resolve(code));
  });
}
