/**
 * Socket inode → pid, from the `socket:[INODE]` links in /proc/PID/fd. This is
 * the slow part of attribution (one readlink per open file of every process),
 * so it runs asynchronously with bounded concurrency, yields to the event loop
 * between processes, stops as soon as the inodes it was asked for are found,
 * and keeps what it learnt in a cache.
 */
import { readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';

/** 'socket:[123]' → 123; -1 for anything else. */
export function parseSocketLink(link: string): number {
  if (!link.startsWith('socket:[') || !link.endsWith(']')) return -1;
  const n = Number(link.slice(8, -1));
  return Number.isInteger(n) && n > 0 ? n : -1;
}

/** Numeric entries of the proc root. */
export async function listPids(procRoot: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(procRoot);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const n of names) {
    const c = n.charCodeAt(0);
    if (c < 49 || c > 57) continue;
    const pid = Number(n);
    if (Number.isInteger(pid)) out.push(pid);
  }
  return out;
}

const LINK_BATCH = 64;

/** Socket inodes held by pid; null when its fd directory cannot be read (gone, no permission). */
export async function readSocketInodes(procRoot: string, pid: number): Promise<number[] | null> {
  const dir = join(procRoot, String(pid), 'fd');
  let fds: string[];
  try {
    fds = await readdir(dir);
  } catch {
    return null;
  }
  const out: number[] = [];
  for (let i = 0; i < fds.length; i += LINK_BATCH) {
    const links = await Promise.all(
      fds.slice(i, i + LINK_BATCH).map((fd) => readlink(join(dir, fd)).catch(() => '')),
    );
    for (const l of links) {
      const ino = parseSocketLink(l);
      if (ino > 0) out.push(ino);
    }
  }
  return out;
}

export interface FdScannerOptions {
  procRoot: string;
  /** processes read at the same time (default 8) */
  concurrency?: number;
  /** longest synchronous stretch before yielding to the event loop, ms (default 4) */
  sliceMs?: number;
}

export interface ScanResult {
  /** processes whose fd directory was read */
  scanned: number;
  /** how many of the wanted inodes were found */
  found: number;
  /** the walk stopped early because everything wanted was found */
  complete: boolean;
}

export class FdScanner {
  private readonly procRoot: string;
  private readonly concurrency: number;
  private readonly sliceMs: number;
  private readonly owner = new Map<number, number>();
  private readonly inodesOfPid = new Map<number, number[]>();
  /** when each holder's set of sockets last changed (a counter): busy processes get new sockets */
  private readonly changedAt = new Map<number, number>();
  private changes = 0;

  constructor(opts: FdScannerOptions) {
    this.procRoot = opts.procRoot;
    this.concurrency = Math.max(1, opts.concurrency ?? 8);
    this.sliceMs = opts.sliceMs ?? 4;
  }

  ownerOf(inode: number): number | undefined {
    return this.owner.get(inode);
  }

  /** pids seen holding at least one socket on their last scan, most recently changed first */
  socketHolders(): number[] {
    return [...this.inodesOfPid.keys()].sort((a, b) => (this.changedAt.get(b) ?? 0) - (this.changedAt.get(a) ?? 0));
  }

  get cachedInodes(): number {
    return this.owner.size;
  }

  /** The process is gone or its pid was reused: drop what it held. */
  forgetPid(pid: number): void {
    const held = this.inodesOfPid.get(pid);
    if (!held) return;
    for (const ino of held) if (this.owner.get(ino) === pid) this.owner.delete(ino);
    this.inodesOfPid.delete(pid);
    this.changedAt.delete(pid);
  }

  /** Drop cache entries for sockets that no longer exist. */
  prune(live: (inode: number) => boolean): void {
    for (const ino of this.owner.keys()) if (!live(ino)) this.owner.delete(ino);
  }

  /** Read one process's fds now (a process we have not seen: likely owner of a new socket). Returns how many sockets it holds. */
  async scanOne(pid: number): Promise<number> {
    const inodes = await readSocketInodes(this.procRoot, pid);
    this.record(pid, inodes, new Set());
    return inodes?.length ?? 0;
  }

  /**
   * Read the fds of `order` (in that order) until every inode in `wanted` has
   * an owner. `wanted` is consumed (found inodes are deleted from it).
   * `shouldStop` lets the caller abandon a walk (close()).
   */
  async scan(order: readonly number[], wanted: Set<number>, shouldStop: () => boolean = () => false): Promise<ScanResult> {
    const before = wanted.size;
    let next = 0;
    let scanned = 0;
    let sliceStart = performance.now();
    const worker = async (): Promise<void> => {
      while (next < order.length && wanted.size > 0 && !shouldStop()) {
        const pid = order[next++]!;
        const inodes = await readSocketInodes(this.procRoot, pid);
        scanned++;
        this.record(pid, inodes, wanted);
        if (performance.now() - sliceStart >= this.sliceMs) {
          await yieldToLoop();
          sliceStart = performance.now();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, order.length) }, worker));
    return { scanned, found: before - wanted.size, complete: wanted.size === 0 };
  }

  private record(pid: number, inodes: number[] | null, wanted: Set<number>): void {
    const old = this.inodesOfPid.get(pid);
    if (old) for (const ino of old) if (this.owner.get(ino) === pid) this.owner.delete(ino);
    if (inodes === null || inodes.length === 0) {
      this.inodesOfPid.delete(pid);
      this.changedAt.delete(pid);
      return;
    }
    if (!sameList(old, inodes)) this.changedAt.set(pid, ++this.changes);
    this.inodesOfPid.set(pid, inodes);
    for (const ino of inodes) {
      // A socket shared by several processes (fork, SCM_RIGHTS) keeps its first owner.
      const cur = this.owner.get(ino);
      if (cur === undefined || !this.inodesOfPid.has(cur)) this.owner.set(ino, pid);
      wanted.delete(ino);
    }
  }
}

function sameList(a: number[] | undefined, b: number[]): boolean {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
