/**
 * What we show about a process, read from /proc/PID: comm, cmdline, user,
 * start time, and the name of its network namespace. Every read may race
 * with the process exiting: failures give null, never a throw.
 */
import { readFile, readdir, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sanitizeText } from '../util/sanitize.js';

const CMDLINE_MAX = 512;

export interface ProcessDetails {
  pid: number;
  /** comm, sanitised */
  name: string;
  /** argv joined by spaces, sanitised; "[comm]" for kernel threads */
  cmdline: string;
  uid: number;
  user: string;
  startTime: number;
}

export interface StatFields {
  comm: string;
  ppid: number;
  /** field 22: clock ticks since boot */
  startTime: number;
}

/** Parse /proc/PID/stat. comm may hold spaces and parentheses: split after the last ')'. */
export function parseStat(text: string): StatFields | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state)
  const ppid = Number(rest[1]);
  const startTime = Number(rest[19]);
  if (!Number.isFinite(startTime) || rest.length < 20) return null;
  return { comm: text.slice(open + 1, close), ppid, startTime };
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

export async function readStartTime(procRoot: string, pid: number): Promise<number | null> {
  const text = await readText(join(procRoot, String(pid), 'stat'));
  return text === null ? null : (parseStat(text)?.startTime ?? null);
}

/** NUL-separated argv → one line; trailing NULs dropped. */
export function joinCmdline(raw: Buffer): string {
  let end = raw.length;
  while (end > 0 && raw[end - 1] === 0) end--;
  const parts = raw.subarray(0, end).toString('utf8').split('\0');
  return sanitizeText(parts.join(' '), CMDLINE_MAX);
}

/** Effective uid from /proc/PID/status ("Uid: real effective saved fs"). */
export function parseStatusUid(text: string): number | null {
  const at = text.indexOf('\nUid:');
  const start = at >= 0 ? at + 5 : text.startsWith('Uid:') ? 4 : -1;
  if (start < 0) return null;
  const line = text.slice(start, text.indexOf('\n', start) >>> 0).trim().split(/\s+/);
  const uid = Number(line[1] ?? line[0]);
  return Number.isInteger(uid) ? uid : null;
}

/** uid → name from an /etc/passwd file, loaded once and refreshed on demand. */
export class UserNames {
  private names = new Map<number, string>();
  private loaded: Promise<void> | null = null;
  constructor(private readonly passwdPath: string) {}

  load(): Promise<void> {
    this.loaded ??= readText(this.passwdPath).then((text) => {
      const names = new Map<number, string>();
      for (const line of (text ?? '').split('\n')) {
        const f = line.split(':');
        const uid = Number(f[2]);
        if (f[0] && f.length >= 3 && Number.isInteger(uid) && !names.has(uid)) names.set(uid, sanitizeText(f[0], 64));
      }
      this.names = names;
    });
    return this.loaded;
  }

  /** Reload later (a user added while we run). */
  invalidate(): void {
    this.loaded = null;
  }

  name(uid: number): string {
    return this.names.get(uid) ?? String(uid);
  }

  has(uid: number): boolean {
    return this.names.has(uid);
  }
}

export async function readProcessDetails(
  procRoot: string,
  pid: number,
  users: UserNames,
): Promise<ProcessDetails | null> {
  const dir = join(procRoot, String(pid));
  const [statText, comm, cmdRaw, status] = await Promise.all([
    readText(join(dir, 'stat')),
    readText(join(dir, 'comm')),
    readFile(join(dir, 'cmdline')).catch(() => null),
    readText(join(dir, 'status')),
  ]);
  const st = statText === null ? null : parseStat(statText);
  if (st === null) return null;
  const rawName = comm !== null ? comm.replace(/\n$/, '') : st.comm;
  const name = sanitizeText(rawName, 64);
  const uid = status === null ? null : parseStatusUid(status);
  let cmdline = cmdRaw && cmdRaw.length > 0 ? joinCmdline(cmdRaw) : '';
  if (cmdline === '') cmdline = `[${name}]`;
  await users.load();
  return {
    pid,
    name,
    cmdline,
    uid: uid ?? -1,
    user: uid === null ? '?' : users.name(uid),
    startTime: st.startTime,
  };
}

/** "net:[4026531840]" → 4026531840; null when not that shape. */
export function parseNsLink(link: string): number | null {
  const m = /^net:\[(\d+)\]$/.exec(link);
  return m ? Number(m[1]) : null;
}

export async function readNetnsInode(procRoot: string, pid: number | 'self'): Promise<number | null> {
  try {
    return parseNsLink(await readlink(join(procRoot, String(pid), 'ns', 'net')));
  } catch {
    return null;
  }
}

const HEX64 = /(?:^|[^0-9a-f])([0-9a-f]{64})(?![0-9a-f])/;

/**
 * Container id from /proc/PID/cgroup: docker (/docker/ID, docker-ID.scope),
 * containerd (cri-containerd-ID.scope), CRI-O (crio-ID), podman (libpod-ID),
 * kubepods paths all carry the 64-hex id; shown as its first 12 characters.
 */
export function containerIdFromCgroup(text: string): string | null {
  for (const line of text.split('\n')) {
    const path = line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1);
    const m = HEX64.exec(path);
    if (m) return m[1]!.slice(0, 12);
  }
  return null;
}

export interface NetnsNamerOptions {
  procRoot: string;
  /** directory of `ip netns` bind mounts (default /run/netns) */
  runNetnsDir: string;
  /** inode of a bind-mounted namespace file (injectable: fixture files cannot have chosen inodes) */
  inodeOf?: (path: string) => Promise<number | null>;
}

async function statIno(path: string): Promise<number | null> {
  try {
    return Number((await stat(path)).ino);
  } catch {
    return null;
  }
}

/** Names network namespaces: `ip netns` name, else container id, else net:[N]. */
export class NetnsNamer {
  private byInode = new Map<number, string>();
  private opts: NetnsNamerOptions;

  constructor(opts: NetnsNamerOptions) {
    this.opts = opts;
  }

  /** Re-read /run/netns (cheap: a handful of stats). */
  async refresh(): Promise<void> {
    const map = new Map<number, string>();
    let names: string[] = [];
    try {
      names = await readdir(this.opts.runNetnsDir);
    } catch {
      names = [];
    }
    const inodeOf = this.opts.inodeOf ?? statIno;
    await Promise.all(
      names.map(async (n) => {
        const ino = await inodeOf(join(this.opts.runNetnsDir, n));
        if (ino !== null && !map.has(ino)) map.set(ino, sanitizeText(n, 64));
      }),
    );
    this.byInode = map;
  }

  /** Name of namespace `inode`, using pid's cgroup for a container id. */
  async name(inode: number, pid: number | null): Promise<string> {
    const named = this.byInode.get(inode);
    if (named !== undefined) return named;
    if (pid !== null) {
      const cg = await readText(join(this.opts.procRoot, String(pid), 'cgroup'));
      const id = cg === null ? null : containerIdFromCgroup(cg);
      if (id !== null) return id;
    }
    return `net:[${inode}]`;
  }
}
