/**
 * Who owns a packet: the contract between procs/ (which reads /proc) and the
 * engine (which counts). The engine asks synchronously and never waits; the
 * resolver answers from its latest socket table and rescans in the background.
 */

export interface ProcessInfo {
  pid: number;
  /** comm, sanitised */
  name: string;
  /** command line joined by spaces, sanitised, possibly shortened */
  cmdline: string;
  /** user name (or numeric uid when unknown) */
  user: string;
  /** null for the host's own namespace; else /run/netns name, container id, or net:[inode] */
  netns: string | null;
  /** process start time (clock ticks since boot, /proc/PID/stat field 22): detects PID reuse */
  startTime: number;
}

export type Lookup =
  /** a socket matched and its process is known */
  | { kind: 'process'; proc: ProcessInfo }
  /**
   * a socket matched but no process could be found for it (yet). `pending`:
   * the resolver is still looking (a rescan is under way or requested), so
   * asking again on a later tick may give a process.
   */
  | { kind: 'unknown'; pending?: boolean }
  /**
   * no socket matched in the latest table. `generation`: the latest table's,
   * if its read began after this connection's first miss; else (a rescan
   * already under way then, or none since) one no higher than the table its
   * first miss saw. A generation above the connection's first says a fresh
   * table missed it.
   */
  | { kind: 'miss'; generation: number };

export interface SocketResolver {
  /**
   * Synchronous, never blocks, never throws. Addresses are four big-endian
   * words, IPv4-mapped for IPv4 (as PacketInfo holds them). proto is 6 (TCP) or 17 (UDP).
   * Matching rules (DESIGN §2): TCP by 4-tuple, then listener on local ip:port,
   * then wildcard listener; UDP by local ip:port, then wildcard.
   * `lazy`: a miss may be decided later (see requestRescan).
   */
  lookup(proto: number, local: Uint32Array, localPort: number, remote: Uint32Array, remotePort: number, lazy?: boolean): Lookup;
  /**
   * Ask for a rescan soon (a lookup missed). Throttled inside (≤ 4/s) and
   * asynchronous: returns at once. `lazy`: for a connection only the remote
   * has sent on (a scan of closed ports, most likely), which may wait longer
   * when rescans are costly.
   */
  requestRescan(lazy?: boolean): void;
  /** Generation of the socket table: increases by one on every completed rescan. */
  readonly generation: number;
  /**
   * Local addresses seen in all namespaces read (for direction), as four-word
   * addresses; netns null for wiretop's own namespace (else as in ProcessInfo).
   * Optional: fakes and resolvers that cannot tell may leave it out.
   */
  localAddresses?(): readonly LocalAddress[];
  /** Stop rescanning; lookups keep answering from the last table. */
  close(): void;
}

export interface LocalAddress {
  addr: Uint32Array;
  netns: string | null;
}

/** Classes of traffic no single process owns (DESIGN §2). */
export const OwnerClass = {
  NO_LISTENER: '<no listener>',
  KERNEL: '<kernel>',
  FORWARDED: '<forwarded>',
  UNKNOWN: '<unknown>',
} as const;
export type OwnerClassName = (typeof OwnerClass)[keyof typeof OwnerClass];
