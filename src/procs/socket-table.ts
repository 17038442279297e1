/**
 * The sockets of one rescan, indexed for the matching rules of DESIGN §2.
 * One NamespaceTable per network namespace read; ours comes first so that it
 * wins when the same endpoint exists in several namespaces.
 */
import { forEachSliced } from './async-pool.js';
import { Proto, TcpState, type SocketEntry } from './proc-net-parser.js';

/**
 * Compact string for an address: the decimal IPv4 word for ::ffff:a.b.c.d,
 * else the four words. Lookups build one per rule, not per packet.
 */
export function addrKey(w: ArrayLike<number>): string {
  const a = w[0]!;
  const b = w[1]!;
  const c = w[2]!;
  const d = w[3]!;
  if (a === 0 && b === 0 && c === 0xffff) return `${d >>> 0}`;
  return `${a >>> 0}.${b >>> 0}.${c >>> 0}.${d >>> 0}`;
}

function wordsKey(a: number, b: number, c: number, d: number): string {
  if (a === 0 && b === 0 && c === 0xffff) return `${d >>> 0}`;
  return `${a >>> 0}.${b >>> 0}.${c >>> 0}.${d >>> 0}`;
}

/** endpointKey of an entry's local side, without building its address array */
export function entryLocalKey(e: SocketEntry): string {
  return `${wordsKey(e.l0, e.l1, e.l2, e.l3)}/${e.localPort}`;
}

/** tupleKey of an entry */
export function entryTupleKey(e: SocketEntry): string {
  return `${wordsKey(e.l0, e.l1, e.l2, e.l3)}/${e.localPort}/${wordsKey(e.r0, e.r1, e.r2, e.r3)}/${e.remotePort}`;
}

export function endpointKey(w: ArrayLike<number>, port: number): string {
  return `${addrKey(w)}/${port}`;
}

export function tupleKey(local: ArrayLike<number>, localPort: number, remote: ArrayLike<number>, remotePort: number): string {
  return `${addrKey(local)}/${localPort}/${addrKey(remote)}/${remotePort}`;
}

/** 0.0.0.0 in the four-word form */
export const V4_ANY: Uint32Array = Uint32Array.of(0, 0, 0xffff, 0);
/** :: */
export const V6_ANY: Uint32Array = Uint32Array.of(0, 0, 0, 0);
export const V4_ANY_KEY = addrKey(V4_ANY);
export const V6_ANY_KEY = addrKey(V6_ANY);

export interface NamespaceTable {
  /** namespace inode (the N of net:[N]); 0 when unknown */
  readonly netns: number;
  /** null for wiretop's own namespace; else /run/netns name, container id or net:[N] */
  readonly name: string | null;
  readonly own: boolean;
  /** addrKey()s of the namespace's local addresses; null when not known */
  readonly localAddrs: ReadonlySet<string> | null;
  /** TCP sockets that are not listening, by 4-tuple */
  readonly tcpConn: Map<string, SocketEntry>;
  /** listening TCP sockets by local ip/port (wildcards under 0.0.0.0 and ::) */
  readonly tcpListen: Map<string, SocketEntry>;
  /** connected UDP sockets (remote port ≠ 0), by 4-tuple */
  readonly udpConn: Map<string, SocketEntry>;
  /** UDP sockets by local ip/port (wildcards under 0.0.0.0 and ::) */
  readonly udpBound: Map<string, SocketEntry>;
  readonly socketCount: number;
}

export interface NamespaceInput {
  netns: number;
  name: string | null;
  own: boolean;
  localAddrs: ReadonlySet<string> | null;
  entries: readonly SocketEntry[];
}

function put(map: Map<string, SocketEntry>, key: string, e: SocketEntry): void {
  const old = map.get(key);
  // SO_REUSEPORT groups and TIME_WAIT leftovers share a key: keep one that has an owner.
  if (old === undefined || (old.inode === 0 && e.inode !== 0)) map.set(key, e);
}

export function buildNamespaceTable(input: NamespaceInput): NamespaceTable {
  const t = emptyMaps();
  for (const e of input.entries) addEntry(t, e);
  return finish(input, t);
}

/** Same, in slices of a few ms: a busy server's 20 000 sockets take longer than one frame. */
export async function buildNamespaceTableSliced(input: NamespaceInput): Promise<NamespaceTable> {
  const t = emptyMaps();
  await forEachSliced(input.entries, (e) => addEntry(t, e));
  return finish(input, t);
}

interface Maps {
  tcpConn: Map<string, SocketEntry>;
  tcpListen: Map<string, SocketEntry>;
  udpConn: Map<string, SocketEntry>;
  udpBound: Map<string, SocketEntry>;
  count: number;
}

function emptyMaps(): Maps {
  return { tcpConn: new Map(), tcpListen: new Map(), udpConn: new Map(), udpBound: new Map(), count: 0 };
}

function addEntry(t: Maps, e: SocketEntry): void {
  if (e.proto === Proto.TCP) {
    if (e.state === TcpState.LISTEN) put(t.tcpListen, entryLocalKey(e), e);
    else if (e.state !== TcpState.CLOSE) put(t.tcpConn, entryTupleKey(e), e);
    else return;
  } else if (e.proto === Proto.UDP) {
    if (e.localPort === 0) return;
    if (e.remotePort !== 0) put(t.udpConn, entryTupleKey(e), e);
    else put(t.udpBound, entryLocalKey(e), e);
  } else {
    return;
  }
  t.count++;
}

function finish(input: NamespaceInput, t: Maps): NamespaceTable {
  const { tcpConn, tcpListen, udpConn, udpBound, count } = t;
  return {
    netns: input.netns,
    name: input.name,
    own: input.own,
    localAddrs: input.localAddrs,
    tcpConn,
    tcpListen,
    udpConn,
    udpBound,
    socketCount: count,
  };
}

export class SocketTable {
  /** ours first, then the others in discovery order */
  readonly namespaces: readonly NamespaceTable[];
  readonly generation: number;
  /** epoch ms when reading /proc/net for this table began */
  readonly readStartedAt: number;

  /** per local port: 1 when some TCP socket of any namespace has it, 2 for UDP */
  private readonly ports = new Uint8Array(65_536);

  constructor(namespaces: readonly NamespaceTable[], generation: number, readStartedAt: number) {
    this.namespaces = [...namespaces].sort((a, b) => Number(b.own) - Number(a.own));
    this.generation = generation;
    this.readStartedAt = readStartedAt;
    const mark = (entries: Iterable<SocketEntry>, bit: number) => {
      for (const e of entries) this.ports[e.localPort & 0xffff] = this.ports[e.localPort & 0xffff]! | bit;
    };
    for (const ns of this.namespaces) {
      mark(ns.tcpConn.values(), 1);
      mark(ns.tcpListen.values(), 1);
      mark(ns.udpConn.values(), 2);
      mark(ns.udpBound.values(), 2);
    }
  }

  /**
   * Does any socket of the table, in any namespace, have this local port? When not, no rule
   * of DESIGN §2 can match (every rule needs the local port): a lookup answers without
   * building a key (a flood from many sources to a closed port asks once per source).
   */
  hasLocalPort(proto: number, port: number): boolean {
    return (this.ports[port & 0xffff]! & (proto === Proto.TCP ? 1 : proto === Proto.UDP ? 2 : 0)) !== 0;
  }

  static empty(): SocketTable {
    return new SocketTable([], 0, 0);
  }

  get socketCount(): number {
    let n = 0;
    for (const ns of this.namespaces) n += ns.socketCount;
    return n;
  }

  /** Every socket inode (≠ 0) of the table, with the namespace it is in. */
  *inodes(): Generator<[number, NamespaceTable]> {
    for (const ns of this.namespaces) {
      for (const m of [ns.tcpConn, ns.tcpListen, ns.udpConn, ns.udpBound]) {
        for (const e of m.values()) if (e.inode !== 0) yield [e.inode, ns];
      }
    }
  }
}

/** Inverse of addrKey; null for a string addrKey cannot have produced. */
export function keyToWords(key: string): Uint32Array | null {
  const parts = key.split('.');
  const nums = parts.map(Number);
  if (!nums.every((n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff)) return null;
  if (nums.length === 1) return Uint32Array.of(0, 0, 0xffff, nums[0]!);
  if (nums.length === 4) return Uint32Array.from(nums);
  return null;
}
