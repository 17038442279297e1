/**
 * Network namespaces other than ours (containers, `ip netns`, veth peers):
 * found through /proc/PID/ns/net, read through /proc/PID/net/* of one
 * representative process each. Our own is read through /proc/net.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROC_NET_FILES, parseProcNetSliced, type SocketEntry } from './proc-net-parser.js';
import { addrKey } from './socket-table.js';

/** Parsed sockets of one namespace; null when no table could be read (namespace gone, no access). */
export async function readNamespaceSockets(netDir: string, netns: number): Promise<SocketEntry[] | null> {
  const out: SocketEntry[] = [];
  let readable = 0;
  const texts = await Promise.all(PROC_NET_FILES.map((f) => readFile(join(netDir, f)).catch(() => null)));
  for (let i = 0; i < PROC_NET_FILES.length; i++) {
    const t = texts[i];
    if (t) {
      readable++;
      await parseProcNetSliced(t, PROC_NET_FILES[i]!, { netns }, out);
    }
  }
  return readable === 0 ? null : out;
}

/** "|-- 198.18.0.1\n   /32 host LOCAL" entries of /proc/net/fib_trie → addrKeys. */
export function parseFibTrieLocal(text: string): string[] {
  const out = new Set<string>();
  const lines = text.split('\n');
  let last: string | null = null;
  for (const line of lines) {
    const t = line.trim();
    if (t.startsWith('|-- ')) {
      last = t.slice(4);
    } else if (last !== null && t.startsWith('/32 host LOCAL')) {
      const p = last.split('.').map(Number);
      if (p.length === 4 && p.every((x) => Number.isInteger(x) && x >= 0 && x <= 255)) {
        const v = ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
        out.add(addrKey([0, 0, 0xffff, v]));
      }
    }
  }
  return [...out];
}

/** /proc/net/if_inet6: 32 hex digits in network order, then index, prefix, scope, flags, name. */
export function parseIfInet6(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const hex = line.slice(0, 32);
    if (!/^[0-9a-fA-F]{32}$/.test(hex)) continue;
    const w = [0, 1, 2, 3].map((i) => parseInt(hex.slice(i * 8, i * 8 + 8), 16) >>> 0);
    out.push(addrKey(w));
  }
  return out;
}

/** Local addresses of a namespace (IPv4 /32 LOCAL routes, IPv6 interface addresses); null when unreadable. */
export async function readLocalAddrs(netDir: string): Promise<Set<string> | null> {
  const [fib, inet6] = await Promise.all([
    readFile(join(netDir, 'fib_trie'), 'utf8').catch(() => null),
    readFile(join(netDir, 'if_inet6'), 'utf8').catch(() => null),
  ]);
  if (fib === null && inet6 === null) return null;
  return new Set([...(fib ? parseFibTrieLocal(fib) : []), ...(inet6 ? parseIfInet6(inet6) : [])]);
}

/**
 * Group pids by namespace inode, keeping a few candidates each (the first may
 * exit before we read through it).
 */
export function representatives(pidNetns: Iterable<[number, number]>, ownNetns: number, perNs = 3): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const [pid, ns] of pidNetns) {
    if (ns === ownNetns || ns === 0) continue;
    let list = out.get(ns);
    if (!list) out.set(ns, (list = []));
    if (list.length < perNs) list.push(pid);
  }
  return out;
}
