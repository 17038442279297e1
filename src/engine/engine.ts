import type { FrameSink } from '../capture/packet-source.js';
import { KeyTable } from '../core/key-table.js';
import { StatsStore } from '../core/stats-store.js';
import { Direction, directionOf } from '../core/direction.js';
import { LocalAddresses } from '../core/local-addresses.js';
import type { Snapshot } from '../core/snapshot.js';
import { decodeFrame } from '../decode/decode-frame.js';
import { DecodeStatus, IpProto, PacketInfo } from '../decode/packet-info.js';
import { OwnerClass, type SocketResolver } from '../procs/owner.js';
import { Owners } from './owners.js';
import { buildSnapshot, snapshotSteps } from './snapshot-builder.js';

export interface EngineOptions {
  interfaceName: string;
  filter: string | null;
  /** what counts as local, as shown to the user */
  localLabel: string;
  local: LocalAddresses;
  /** null: no process attribution (files); TCP/UDP then belong to no process row */
  resolver: SocketResolver | null;
  /** row cap per table (hosts, connections); the excess folds into "(other)" */
  maxRows?: number;
  /** rows idle this long are evicted */
  idleMs?: number;
  /** rows of each kind a snapshot carries */
  rowLimit?: number;
  /** publish a snapshot every N seconds of (capture) time */
  publishEverySec?: number;
  /** engine start (live: now; files: first packet when omitted) */
  startMs?: number;
  onSnapshot: (snap: Snapshot) => void;
  /** packets lost by the capture, when knowable */
  dropped?: () => number | null;
  /**
   * Run `step` again on later turns of the event loop until it returns true. Given (the
   * capture process), a snapshot due at a second's boundary is built in steps between drains
   * of the ring instead of in one piece (100 000 rows take 20-40 ms: the ring holds 20 ms at
   * 100 k packets/s); the rows are held unchanged until it is done.
   */
  inSteps?: (step: () => boolean) => void;
}

/** A snapshot being built in steps, and the eviction that waits for it. */
interface Build {
  steps: Generator<void, Snapshot, void>;
  evictAtMs: number | null;
}

/** Connection flags. */
export const ConnFlag = { LOCAL_SENT: 1 } as const;
/** connOwner values below zero */
export const OwnerState = { PENDING: -1, NONE: -2 } as const;

/** connection key word 0: protocol | these flags | quoted protocol << 16 */
export const KEY_TRANSIT = 0x100;
export const KEY_QUOTED = 0x200;
const HOST_W = 9; // kind, a[4], b[4]
const CONN_W = 10; // proto | transit<<8, local[4], remote[4], lport<<16|rport
const PEND_W = 4;
/**
 * A full rescan that started after a connection appeared has missed it: decide then. The tables
 * counted here are the resolver's current ones, which a rescan under way when the connection
 * appeared may add to: two new ones make sure.
 */
const GENERATIONS_TO_DECIDE = 2;
/**
 * A miss carries the generation of a table that began after the connection's first miss, or the
 * one its first miss saw while there is none yet (the Lookup contract): one newer decides.
 */
const MISS_GENERATIONS_TO_DECIDE = 1;
/**
 * Lookups per attribution pass (passes come every 200 ms); the rest wait for the next. When a
 * new table arrives under a flood from 50 000 sources, deciding them all at once (a lookup and
 * a merge of the row's history each) stalled the capture loop 90 ms; 4000 a pass still took
 * 8–25 ms in the capture process (≈ 2–6 µs each on a loaded core), beyond what the kernel
 * ring holds at 100 k packets/s once the drain is late for other reasons too.
 */
const RESOLVE_PER_PASS = 2000;
/** Rows the host and connection tables are sized for up front (the default cap, 100 000, fits). */
const PRESIZED_ROWS = 262_144;
const UNKNOWN_RETRY_MS = 5_000;
/** After this, a connection whose socket is found but not its process is <unknown> (and retried). */
const PENDING_UNKNOWN_MS = 2_000;

/**
 * Capture → decode → aggregate. `frame()` is the hot path: it decodes into one
 * preallocated PacketInfo and counts into typed-array tables with numeric
 * keys, allocating nothing for a packet of a known flow. Second boundaries in
 * the packets' own time (capture time for files, the capture clock when live)
 * publish snapshots.
 */
export class Engine implements FrameSink {
  readonly info = new PacketInfo();
  readonly hosts: KeyTable;
  readonly hostStats: StatsStore;
  readonly hostOther = new StatsStore(1);
  hostLocalPorts: Int32Array;
  readonly conns: KeyTable;
  readonly connStats: StatsStore;
  readonly connOther = new StatsStore(1);
  connHost: Int32Array;
  connOwner: Int32Array;
  connGen: Float64Array;
  /** resolver generation of the connection's last lookup when that was a plain miss (no socket at all); -1 otherwise */
  connMissGen: Float64Array;
  connFirstMs: Float64Array;
  connFlags: Uint8Array;
  connRetryMs: Float64Array;
  /** the process at the other end when that end is in another namespace on this host; -1 none */
  connPeer: Int32Array;
  /** (host row, local port) pairs already counted in hostLocalPorts */
  readonly hostPorts: KeyTable;
  readonly owners = new Owners();
  readonly totals = new StatsStore(1);
  transitBytes = 0;
  packets = 0;
  malformed = 0;
  readonly opts: Required<Omit<EngineOptions, 'startMs' | 'dropped' | 'inSteps'>> & Pick<EngineOptions, 'dropped' | 'inSteps'>;
  startMs: number;
  /** second currently being filled; -1 before the first packet/tick */
  curSec = -1;
  /**
   * Packets crossing a second boundary close it (files: capture time drives
   * everything). Live sources turn this off and close seconds from a timer
   * between drains, so building a snapshot never stalls the drain itself.
   */
  advanceOnPackets = true;
  lastTsMs = 0;
  private seq = 0;
  private building: Build | null = null;
  private pending: number[] = [];
  private peerPending: number[] = [];
  /** addresses of the other network namespaces on this host (from the resolver) */
  private peerAddrs: LocalAddresses | null = null;
  private peerAddrsGen = -1;
  private readonly sweep = { conns: new Sweep(), hosts: new Sweep(), hostPorts: new Sweep(), owners: new Sweep() };
  /** resolver generation of the last pass over peerPending */
  private peerPassGen = -1;
  private retry: number[] = [];
  private notices: string[] = [];
  private readonly localW = new Uint32Array(4);
  private readonly remoteW = new Uint32Array(4);
  /** per connection, what its packets of second pendSec added so far: rx bytes, tx bytes, packets, last ms */
  private pend: Float64Array;
  /** connections with pending counts (pend packets > 0) */
  private dirty: Int32Array;
  private dirtyCount = 0;
  /** the second of the previous packet: the one pending counts belong to */
  private pendSec = -1;

  constructor(opts: EngineOptions) {
    this.opts = {
      maxRows: 100_000,
      idleMs: 300_000,
      rowLimit: 1_000,
      publishEverySec: 1,
      ...opts,
    };
    this.startMs = opts.startMs ?? NaN;
    if (!Number.isNaN(this.startMs)) this.curSec = Math.floor(this.startMs / 1000);
    const max = this.opts.maxRows;
    // Sized for the row cap at once: growing copies every table (a 32 k → 64 k step stalled the
    // capture loop 40-55 ms at the start of a flood from many sources), and capacity that no row
    // uses is allocated but never touched, so it is not resident.
    const rows = Math.min(max, PRESIZED_ROWS);
    this.hosts = new KeyTable(HOST_W, max, rows);
    this.hostStats = new StatsStore(this.hosts.rowCapacity);
    this.hostLocalPorts = new Int32Array(this.hosts.rowCapacity);
    this.hosts.onGrow = (cap) => {
      this.hostStats.grow(cap);
      this.hostLocalPorts = growI32(this.hostLocalPorts, cap);
    };
    this.conns = new KeyTable(CONN_W, max, rows);
    this.connStats = new StatsStore(this.conns.rowCapacity);
    this.connHost = new Int32Array(this.conns.rowCapacity);
    this.connOwner = new Int32Array(this.conns.rowCapacity);
    this.connGen = new Float64Array(this.conns.rowCapacity);
    this.connMissGen = new Float64Array(this.conns.rowCapacity);
    this.connFirstMs = new Float64Array(this.conns.rowCapacity);
    this.connFlags = new Uint8Array(this.conns.rowCapacity);
    this.connRetryMs = new Float64Array(this.conns.rowCapacity);
    this.connPeer = new Int32Array(this.conns.rowCapacity);
    this.pend = new Float64Array(this.conns.rowCapacity * PEND_W);
    this.dirty = new Int32Array(this.conns.rowCapacity);
    this.conns.onGrow = (cap) => {
      this.pend = growF64(this.pend, cap * PEND_W);
      this.dirty = growI32(this.dirty, cap);
      this.connStats.grow(cap);
      this.connHost = growI32(this.connHost, cap);
      this.connOwner = growI32(this.connOwner, cap);
      this.connGen = growF64(this.connGen, cap);
      this.connMissGen = growF64(this.connMissGen, cap);
      this.connFirstMs = growF64(this.connFirstMs, cap);
      this.connRetryMs = growF64(this.connRetryMs, cap);
      this.connPeer = growI32(this.connPeer, cap);
      const f = new Uint8Array(cap);
      f.set(this.connFlags);
      this.connFlags = f;
    };
    this.hostPorts = new KeyTable(2, max);
  }

  /**
   * Hot path. A packet of a known connection only adds to that connection's
   * pending counts; fold() credits them to the connection, host, owner and
   * totals rows once per second (and before anything reads the rows).
   */
  frame(buf: Buffer, offset: number, capLen: number, origLen: number, tsMs: number, linkType: number): void {
    const info = this.info;
    const status = decodeFrame(buf, offset, capLen, linkType, info);
    let wire = origLen > 0 ? origLen : capLen;
    if (origLen <= 0 && info.ipLength > 0) {
      const est = info.linkHeaderLength + info.ipLength;
      if (est > wire) wire = est;
    }
    if (Number.isNaN(this.startMs)) {
      this.startMs = tsMs;
      this.curSec = Math.floor(tsMs / 1000);
    }
    const sec = Math.floor(tsMs / 1000);
    if (sec !== this.pendSec) this.newPacketSecond(sec);
    if (tsMs > this.lastTsMs) this.lastTsMs = tsMs;
    this.packets++;

    const dir = directionOf(info, buf, this.opts.local);
    if (status !== DecodeStatus.OK) {
      this.countUndecoded(status, dir, wire, sec, tsMs);
      return;
    }
    if (dir === Direction.TRANSIT) this.transitBytes += wire;

    // Connection key: ends ordered (local, remote), or (lower, higher) for transit.
    let srcFirst = true;
    if (dir === Direction.TRANSIT) srcFirst = compareWords(info.src, info.dst) <= 0;
    const isTx = dir === Direction.TRANSIT ? srcFirst : dir === Direction.TX;
    const proto = info.protocol;
    let lport = 0;
    let rport = 0;
    if (info.hasPorts) {
      lport = dir === Direction.RX ? info.dstPort : info.srcPort;
      rport = dir === Direction.RX ? info.srcPort : info.dstPort;
      if (dir === Direction.TRANSIT && !srcFirst) {
        lport = info.dstPort;
        rport = info.srcPort;
      }
    } else if (info.hasInner) {
      // ICMP error: the quoted packet's ports, seen from our side.
      if (dir === Direction.TX) {
        lport = info.innerDstPort; // we answer a packet that was sent to us
        rport = info.innerSrcPort;
      } else {
        lport = info.innerSrcPort; // the quoted packet was ours
        rport = info.innerDstPort;
      }
    }
    const ck = this.conns.scratch;
    const quoted = info.hasInner && !info.hasPorts;
    ck[0] = ((proto & 0xff) | (dir === Direction.TRANSIT ? KEY_TRANSIT : 0) | (quoted ? KEY_QUOTED | ((info.innerProtocol & 0xff) << 16) : 0)) >>> 0;
    const lw = isTx ? info.src : info.dst;
    const rw = isTx ? info.dst : info.src;
    ck[1] = lw[0]!; ck[2] = lw[1]!; ck[3] = lw[2]!; ck[4] = lw[3]!;
    ck[5] = rw[0]!; ck[6] = rw[1]!; ck[7] = rw[2]!; ck[8] = rw[3]!;
    ck[9] = ((lport << 16) | rport) >>> 0;
    const ch = this.conns.hashScratch();
    let conn = this.conns.find(ch);
    if (conn < 0) {
      conn = this.addConnection(ch, dir, proto, lport, tsMs);
      if (conn < 0) {
        this.countOverflow(dir, isTx, wire, sec, tsMs);
        return;
      }
    }
    const pend = this.pend;
    const p = conn * PEND_W;
    if (pend[p + 2] === 0) this.dirty[this.dirtyCount++] = conn;
    pend[p + (isTx ? 1 : 0)]! += wire;
    pend[p + 2]! += 1;
    if (tsMs > pend[p + 3]!) pend[p + 3] = tsMs;
    if (this.sentHere(dir, proto)) {
      const flags = this.connFlags[conn]!;
      if ((flags & ConnFlag.LOCAL_SENT) === 0) {
        this.connFlags[conn] = flags | ConnFlag.LOCAL_SENT;
        // Asked for lazily while only the remote had sent; now a socket here answers: ask at once.
        if (this.connOwner[conn] === OwnerState.PENDING) this.opts.resolver?.requestRescan(false);
      }
    }
  }

  /**
   * Does the packet being counted show a socket here sending on its connection? Sent by us, and not
   * the kernel's TCP reset for a port nothing listens on.
   */
  private sentHere(dir: number, proto: number): boolean {
    return dir === Direction.TX && !(proto === IpProto.TCP && (this.info.tcpFlags & 4) !== 0);
  }

  /** The first packet of another second than the previous packet's. */
  private newPacketSecond(sec: number): void {
    this.fold();
    this.pendSec = sec;
    if (sec > this.curSec && this.advanceOnPackets) this.advanceTo(sec);
  }

  /**
   * Credit what connections gathered since the last fold (all of it in
   * second pendSec) to their own rows, their hosts, owners and the totals.
   * Runs once per second of packets, and before anything reads the rows.
   */
  private fold(): void {
    if (this.dirtyCount === 0) return;
    if (this.building !== null) this.settleBuild();
    this.foldFrom(0);
  }

  /**
   * While more than `keep` connections wait for a fold, fold up to `max` of them now (live
   * capture, between drains). A flood from many sources makes tens of thousands of connections a
   * second, and their first fold writes fresh rows: one fold of 20 000 at the live timer's
   * 200 ms tick stalled capture 24–31 ms, longer than the kernel ring holds at 100 k
   * packets/s. Folded a slice per loop turn, the fold at the end of each second stays short.
   * Not while a snapshot is built in steps (its rows are held still).
   */
  foldDown(keep: number, max: number): void {
    if (this.building !== null || this.dirtyCount <= keep) return;
    this.foldFrom(Math.max(keep, this.dirtyCount - max));
  }

  /** Connections waiting in the dirty list for a fold. */
  get dirtyConnections(): number {
    return this.dirtyCount;
  }

  /** Fold dirty[from..]: all of it in second pendSec (the caller settled any build). */
  private foldFrom(from: number): void {
    const n = this.dirtyCount;
    this.dirtyCount = from;
    const sec = this.pendSec;
    const pend = this.pend;
    const dirty = this.dirty;
    const owners = this.owners.stats;
    let totRx = 0;
    let totTx = 0;
    let totPackets = 0;
    let totLast = 0;
    for (let i = from; i < n; i++) {
      const c = dirty[i]!;
      const p = c * PEND_W;
      const rx = pend[p]!;
      const tx = pend[p + 1]!;
      const packets = pend[p + 2]!;
      const last = pend[p + 3]!;
      pend[p] = 0;
      pend[p + 1] = 0;
      pend[p + 2] = 0;
      pend[p + 3] = 0;
      this.connStats.add(c, sec, rx, tx, packets, last);
      const host = this.hostOfConnection(c);
      if (host >= 0) this.hostStats.add(host, sec, rx, tx, packets, last);
      else this.hostOther.add(0, sec, rx, tx, packets, last);
      const owner = this.connOwner[c]!;
      if (owner >= 0) owners.add(owner, sec, rx, tx, packets, last);
      const peer = this.connPeer[c]!;
      if (peer >= 0) owners.add(peer, sec, tx, rx, packets, last);
      if ((this.conns.keyWord(c, 0) & KEY_TRANSIT) === 0) {
        totRx += rx;
        totTx += tx;
        totPackets += packets;
        if (last > totLast) totLast = last;
      }
    }
    if (totPackets > 0) this.totals.add(0, sec, totRx, totTx, totPackets, totLast);
  }

  /** Non-IP and malformed frames: the totals and a class row. */
  private countUndecoded(status: number, dir: number, wire: number, sec: number, tsMs: number): void {
    const rx = dir === Direction.TX ? 0 : wire;
    const tx = dir === Direction.TX ? wire : 0;
    if (dir === Direction.TRANSIT) this.transitBytes += wire;
    else this.totals.add(0, sec, rx, tx, 1, tsMs);
    if (status === DecodeStatus.MALFORMED) {
      this.malformed++;
      return;
    }
    const o = dir === Direction.TRANSIT ? this.owners.classIds[OwnerClass.FORWARDED] : this.owners.classIds[OwnerClass.KERNEL];
    this.owners.stats.add(o, sec, rx, tx, 1, tsMs);
  }

  /** The connection table is full: the packet counts in the "(other)" rows (and its host's, if any). */
  private countOverflow(dir: number, isTx: boolean, wire: number, sec: number, tsMs: number): void {
    const rx = isTx ? 0 : wire;
    const tx = isTx ? wire : 0;
    this.hostKeyFromConnectionKey();
    const host = this.findOrAddHost();
    if (host >= 0) this.hostStats.add(host, sec, rx, tx, 1, tsMs);
    else this.hostOther.add(0, sec, rx, tx, 1, tsMs);
    this.connOther.add(0, sec, rx, tx, 1, tsMs);
    this.owners.stats.add(this.owners.classIds['(other)'], sec, rx, tx, 1, tsMs);
    if (dir !== Direction.TRANSIT) this.totals.add(0, sec, rx, tx, 1, tsMs);
  }

  /** Insert the connection whose key is in conns.scratch; -1 when the table is full. */
  private addConnection(hash: number, dir: number, proto: number, lport: number, tsMs: number): number {
    const conn = this.conns.insert(hash);
    if (conn < 0) return -1;
    this.hostKeyFromConnectionKey();
    this.newConnection(conn, this.findOrAddHost(), dir, proto, lport, tsMs);
    return conn;
  }

  /** Host key (in hosts.scratch) of the connection key in conns.scratch: the remote end, or both ends for transit. */
  private hostKeyFromConnectionKey(): void {
    const ck = this.conns.scratch;
    const hk = this.hosts.scratch;
    if ((ck[0]! & KEY_TRANSIT) !== 0) {
      hk[0] = 1;
      for (let i = 1; i < HOST_W; i++) hk[i] = ck[i]!;
    } else {
      hk[0] = 0;
      hk[1] = ck[5]!; hk[2] = ck[6]!; hk[3] = ck[7]!; hk[4] = ck[8]!;
      hk[5] = 0; hk[6] = 0; hk[7] = 0; hk[8] = 0;
    }
  }

  /** Row of the host key in hosts.scratch, added when new; -1 when the table is full. */
  private findOrAddHost(): number {
    const hh = this.hosts.hashScratch();
    let host = this.hosts.find(hh);
    if (host < 0) {
      host = this.hosts.insert(hh);
      if (host >= 0) {
        this.hostStats.reset(host);
        this.hostLocalPorts[host] = 0;
      }
    }
    return host;
  }

  /** Host row of connection c, looked up again when it had none or the row was reused. */
  private hostOfConnection(c: number): number {
    const ck = this.conns.scratch;
    for (let i = 0; i < CONN_W; i++) ck[i] = this.conns.keyWord(c, i);
    this.hostKeyFromConnectionKey();
    const host = this.connHost[c]!;
    if (host >= 0 && this.hosts.matches(host)) return host;
    const found = this.findOrAddHost();
    this.connHost[c] = found;
    return found;
  }

  private newConnection(conn: number, host: number, dir: number, proto: number, lport: number, tsMs: number): void {
    this.connStats.reset(conn);
    this.connHost[conn] = host;
    const info = this.info;
    // (as frame() marks it after: the first lookup below must know who has sent)
    this.connFlags[conn] = this.sentHere(dir, proto) ? ConnFlag.LOCAL_SENT : 0;
    this.connFirstMs[conn] = tsMs;
    this.connRetryMs[conn] = 0;
    this.connPeer[conn] = -1;
    if (host >= 0 && dir !== Direction.TRANSIT && (info.hasPorts || info.hasInner)) {
      const pk = this.hostPorts.scratch;
      pk[0] = host;
      pk[1] = lport;
      const h = this.hostPorts.hashScratch();
      if (this.hostPorts.find(h) < 0 && this.hostPorts.insert(h) >= 0) this.hostLocalPorts[host]!++;
    }
    const cls = this.owners.classIds;
    let owner: number = OwnerState.PENDING;
    if (dir === Direction.TRANSIT) owner = cls[OwnerClass.FORWARDED];
    else if (info.hasInner && !info.hasPorts) {
      // An ICMP error. Sent by us: the kernel answering a closed port (or other trouble).
      const portUnreachable = (proto === IpProto.ICMP && info.icmpType === 3 && info.icmpCode === 3) || (proto === IpProto.ICMPV6 && info.icmpType === 1 && info.icmpCode === 4);
      if (dir === Direction.TX) owner = portUnreachable ? cls[OwnerClass.NO_LISTENER] : cls[OwnerClass.KERNEL];
      else owner = this.opts.resolver && (info.innerProtocol === IpProto.TCP || info.innerProtocol === IpProto.UDP) ? OwnerState.PENDING : cls[OwnerClass.KERNEL];
    } else if (proto === IpProto.TCP || proto === IpProto.UDP) {
      owner = this.opts.resolver ? OwnerState.PENDING : OwnerState.NONE;
    } else owner = cls[OwnerClass.KERNEL];
    this.connOwner[conn] = owner;
    if (owner === OwnerState.PENDING) {
      this.connGen[conn] = this.opts.resolver!.generation;
      this.connMissGen[conn] = -1;
      this.pending.push(conn);
      this.resolveOne(conn, tsMs);
      if ((proto === IpProto.TCP || proto === IpProto.UDP) && this.opts.resolver!.localAddresses) {
        // Is the other end a namespace on this host? Asked until a table newer than the connection says.
        if (!this.resolvePeer(conn)) {
          // asked now, at this table: a list that was empty has been asked at this table whole
          if (this.peerPending.length === 0) this.peerPassGen = this.opts.resolver!.generation;
          this.peerPending.push(conn);
        }
      }
    }
  }

  /** Lookup protocol for a connection row (ICMP errors look up the quoted transport). */
  private lookupOf(conn: number): number {
    const w = this.conns.keyWord(conn, 0);
    return (w & KEY_QUOTED) !== 0 ? (w >>> 16) & 0xff : w & 0xff;
  }

  /** Try to attribute one pending connection; returns true when decided. */
  private resolveOne(conn: number, nowMs: number): boolean {
    const resolver = this.opts.resolver;
    if (!resolver) return true;
    const lw = this.localW;
    const rw = this.remoteW;
    for (let i = 0; i < 4; i++) {
      lw[i] = this.conns.keyWord(conn, 1 + i);
      rw[i] = this.conns.keyWord(conn, 5 + i);
    }
    const ports = this.conns.keyWord(conn, 9);
    // Only the remote has sent on it (a scan of closed ports, most likely): its rescan may wait.
    const lazy = (this.connFlags[conn]! & ConnFlag.LOCAL_SENT) === 0 && (this.conns.keyWord(conn, 0) & KEY_QUOTED) === 0;
    const r = resolver.lookup(this.lookupOf(conn), lw, ports >>> 16, rw, ports & 0xffff, lazy);
    const cls = this.owners.classIds;
    if (r.kind === 'process') {
      this.assign(conn, this.owners.forProcess(r.proc));
      return true;
    }
    if (r.kind === 'unknown') {
      this.connMissGen[conn] = -1; // a socket without a known owner yet: asked again every pass
      if (nowMs - this.connFirstMs[conn]! < PENDING_UNKNOWN_MS) return false;
      this.assign(conn, cls[OwnerClass.UNKNOWN]);
      this.scheduleRetry(conn, nowMs);
      return true;
    }
    this.connMissGen[conn] = resolver.generation;
    if (r.generation >= this.connGen[conn]! + MISS_GENERATIONS_TO_DECIDE) {
      if ((this.connFlags[conn]! & ConnFlag.LOCAL_SENT) !== 0) {
        // We sent on it, so a socket existed: gone before a scan saw it.
        this.assign(conn, cls[OwnerClass.UNKNOWN]);
        this.scheduleRetry(conn, nowMs);
      } else {
        this.assign(conn, cls[OwnerClass.NO_LISTENER]);
      }
      return true;
    }
    resolver.requestRescan(lazy);
    return false;
  }

  private scheduleRetry(conn: number, nowMs: number): void {
    this.connRetryMs[conn] = nowMs + UNKNOWN_RETRY_MS;
    this.retry.push(conn);
  }

  /** Give a connection an owner (or move it from <unknown> to a process). */
  private assign(conn: number, owner: number): void {
    const prev = this.connOwner[conn]!;
    if (prev === owner) return;
    if (prev >= 0) this.owners.stats.merge(prev, this.connStats, conn, -1);
    this.owners.stats.merge(owner, this.connStats, conn, 1);
    this.connOwner[conn] = owner;
  }

  /** Is this remote address one of another network namespace on this host (a veth peer, a container)? */
  private remoteIsPeerNamespace(remote: Uint32Array): boolean {
    const resolver = this.opts.resolver;
    if (!resolver?.localAddresses) return false;
    if (this.peerAddrsGen !== resolver.generation) {
      this.peerAddrsGen = resolver.generation;
      const set = new LocalAddresses();
      for (const a of resolver.localAddresses()) if (a.netns !== null) set.addAddress(a.addr);
      this.peerAddrs = set.isEmpty ? null : set;
    }
    return this.peerAddrs !== null && this.peerAddrs.has(remote);
  }

  /**
   * Both ends on this machine: find the process at the remote end (its
   * socket is in the peer namespace, with the tuple reversed). Returns true
   * when done: found, or given up after a few rescans.
   */
  private resolvePeer(conn: number): boolean {
    const resolver = this.opts.resolver!;
    for (let i = 0; i < 4; i++) {
      this.localW[i] = this.conns.keyWord(conn, 1 + i);
      this.remoteW[i] = this.conns.keyWord(conn, 5 + i);
    }
    // decided once a rescan that began after the connection appeared has completed
    const settled = resolver.generation >= this.connGen[conn]! + GENERATIONS_TO_DECIDE;
    if (!this.remoteIsPeerNamespace(this.remoteW)) return settled;
    const ports = this.conns.keyWord(conn, 9);
    const r = resolver.lookup(this.lookupOf(conn), this.remoteW, ports & 0xffff, this.localW, ports >>> 16);
    if (r.kind === 'process' && r.proc.netns !== null) {
      const peer = this.owners.forProcess(r.proc);
      this.owners.stats.merge(peer, this.connStats, conn, 1, true);
      this.connPeer[conn] = peer;
      return true;
    }
    return resolver.generation >= this.connGen[conn]! + GENERATIONS_TO_DECIDE + 2;
  }

  /** Connections are waiting for the resolver's next table (it must not be starved meanwhile). */
  get awaitingAttribution(): boolean {
    return this.pending.length > 0;
  }

  /** Attribution pass: pending connections, then due retries of <unknown>. */
  resolvePending(nowMs: number): void {
    if (!this.opts.resolver) return;
    if (this.building !== null) return; // assigning owners changes rows: at the next pass
    const gen = this.opts.resolver.generation;
    // The lists are filtered in place: under a flood from many sources tens of thousands of
    // connections wait in them, and a new array each 200 ms pass was garbage to collect.
    if (this.peerPending.length > 0 && this.peerPassGen !== gen) {
      // An answer changes only with a new table: each connection was asked when it appeared.
      this.peerPassGen = gen;
      keepWhere(this.peerPending, (conn) => this.conns.isLive(conn) && this.connPeer[conn]! < 0 && !this.resolvePeer(conn));
    }
    if (this.pending.length > 0) {
      let budget = RESOLVE_PER_PASS;
      keepWhere(this.pending, (conn) => {
        if (!this.conns.isLive(conn) || this.connOwner[conn] !== OwnerState.PENDING) return false;
        // No socket at all at the last lookup, and no table since: the answer cannot have changed
        // (under a flood from many sources, tens of thousands wait here for the next table).
        if (this.connMissGen[conn] === gen || budget <= 0) return true;
        budget--;
        return !this.resolveOne(conn, nowMs);
      });
    }
    if (this.retry.length > 0) {
      const unknown = this.owners.classIds[OwnerClass.UNKNOWN];
      keepWhere(this.retry, (conn) => {
        if (!this.conns.isLive(conn) || this.connOwner[conn] !== unknown) return false;
        if (this.connRetryMs[conn]! > nowMs) return true;
        const r = this.lookupForRetry(conn);
        if (r >= 0) {
          this.assign(conn, r);
          return false;
        }
        this.connRetryMs[conn] = nowMs + UNKNOWN_RETRY_MS;
        return true;
      });
    }
  }

  private lookupForRetry(conn: number): number {
    const resolver = this.opts.resolver!;
    for (let i = 0; i < 4; i++) {
      this.localW[i] = this.conns.keyWord(conn, 1 + i);
      this.remoteW[i] = this.conns.keyWord(conn, 5 + i);
    }
    const ports = this.conns.keyWord(conn, 9);
    const r = resolver.lookup(this.lookupOf(conn), this.localW, ports >>> 16, this.remoteW, ports & 0xffff);
    return r.kind === 'process' ? this.owners.forProcess(r.proc) : -1;
  }

  /**
   * Close every second before `sec`: publish a snapshot on each publishing
   * boundary, evict idle rows. A long silence publishes the seconds in which
   * rates decay to zero, then skips ahead.
   */
  advanceTo(sec: number): void {
    this.fold();
    if (this.curSec < 0) {
      this.curSec = sec;
      if (Number.isNaN(this.startMs)) this.startMs = sec * 1000;
      return;
    }
    const every = this.opts.publishEverySec;
    const startSec = Math.floor(this.startMs / 1000);
    let s = this.curSec + 1;
    const quietEnd = this.curSec + 45;
    while (s <= sec) {
      if (s > quietEnd && sec - s > every) {
        // nothing changes in a long silence: jump to the last boundary before sec
        const k = Math.floor((sec - startSec) / every) * every + startSec;
        s = k > s ? k : s;
      }
      if ((s - startSec) % every === 0) {
        if (this.opts.inSteps) this.publishInSteps(s * 1000);
        else this.publish(s * 1000);
      }
      s++;
    }
    const closed = sec > this.curSec;
    this.curSec = sec;
    // once per second closed, not per call (the live timer calls every 200 ms): a pass over
    // 100 000 rows takes 5-16 ms, and rows are evicted after minutes of silence
    if (!closed) return;
    if (this.building !== null) this.building.evictAtMs = sec * 1000;
    else this.evictIdle(sec * 1000);
  }

  /** Publish a snapshot now, built in one piece (e.g. the final one at end of file or on stop). */
  publish(nowMs: number): Snapshot {
    this.settleBuild(); // snapshots go out in order
    this.fold();
    this.resolvePending(nowMs);
    const snap = buildSnapshot(this, nowMs, ++this.seq, this.takeNotices());
    this.opts.onSnapshot(snap);
    return snap;
  }

  /** Start building the snapshot of `nowMs` in steps (opts.inSteps); it is published when done. */
  private publishInSteps(nowMs: number): void {
    this.settleBuild(); // the previous one goes out first, whole
    this.fold();
    this.resolvePending(nowMs);
    const build: Build = { steps: snapshotSteps(this, nowMs, ++this.seq, this.takeNotices()), evictAtMs: null };
    this.building = build;
    this.opts.inSteps!(() => this.stepBuild(build));
  }

  /** One step of a build; true once it is published (here or by an earlier settle). */
  private stepBuild(build: Build): boolean {
    if (this.building !== build) return true;
    const r = build.steps.next();
    if (!r.done) return false;
    this.building = null;
    this.opts.onSnapshot(r.value);
    if (build.evictAtMs !== null) this.evictIdle(build.evictAtMs);
    return true;
  }

  /** Finish the build in progress at once: something is about to change the rows. */
  private settleBuild(): void {
    const build = this.building;
    if (build !== null) while (!this.stepBuild(build));
  }

  notice(text: string): void {
    this.notices.push(text);
  }

  private takeNotices(): string[] {
    const n = this.notices;
    this.notices = [];
    return n;
  }

  /**
   * Remove rows idle for idleMs. Each call looks at up to EVICT_ROWS_PER_TABLE rows of each
   * table, going on where the last call stopped: under a flood from many sources a pass over
   * every row (50 000 connections, as many hosts and host ports) took 15–19 ms at once, once a
   * second, while rows become idle only after minutes (default) or seconds (--idle).
   */
  private evictIdle(nowMs: number): void {
    const cutoff = nowMs - this.opts.idleMs;
    const sweep = this.sweep;
    sweep.conns.run(this.conns.idLimit, (id) => {
      if (this.conns.isLive(id) && this.connStats.lastSeenOf(id) < cutoff) this.conns.remove(id);
    });
    sweep.hosts.run(this.hosts.idLimit, (id) => {
      if (this.hosts.isLive(id) && this.hostStats.lastSeenOf(id) < cutoff) this.hosts.remove(id);
    });
    if (this.hostPorts.size > 0) {
      sweep.hostPorts.run(this.hostPorts.idLimit, (id) => {
        if (this.hostPorts.isLive(id) && !this.hosts.isLive(this.hostPorts.keyWord(id, 0))) this.hostPorts.remove(id);
      });
    }
    sweep.owners.run(this.owners.idLimit, (id) => {
      if (this.owners.isLive(id) && !this.owners.isClass(id) && this.owners.stats.lastSeenOf(id) < cutoff) this.owners.evict(id);
    });
  }
}

/** Rows of each table the eviction looks at per call (Engine.evictIdle). */
const EVICT_ROWS_PER_TABLE = 8192;

/** A cursor over a table's row ids that goes round: each run visits the next rows. */
class Sweep {
  private at = 0;

  /** Visit up to EVICT_ROWS_PER_TABLE ids below limit (each at most once), from where the last run stopped. */
  run(limit: number, visit: (id: number) => void): void {
    const n = Math.min(limit, EVICT_ROWS_PER_TABLE);
    for (let k = 0; k < n; k++) {
      if (this.at >= limit) this.at = 0;
      visit(this.at++);
    }
  }
}

/** Removes in place the items of list for which keep returns false (in order, each asked once). */
function keepWhere(list: number[], keep: (item: number) => boolean): void {
  let w = 0;
  for (let r = 0; r < list.length; r++) {
    const item = list[r]!;
    if (keep(item)) list[w++] = item;
  }
  list.length = w;
}

function compareWords(a: Uint32Array, b: Uint32Array): number {
  for (let i = 0; i < 4; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return 0;
}

function growI32(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

function growF64(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}
