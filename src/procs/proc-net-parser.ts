/**
 * Parser for /proc/net/{tcp,tcp6,udp,udp6,raw,raw6}. Works on the raw bytes
 * (no regex, no per-line strings) because a busy server has tens of
 * thousands of sockets and we reread these files several times a second.
 *
 * The kernel prints each address as 32-bit words with %08X of the in-memory
 * (network-order) word, i.e. in host byte order: on little-endian machines
 * 192.0.2.1 appears as 0102 00C0. We convert every word to big-endian and
 * store IPv4 as ::ffff:a.b.c.d, the same four-word form the decoder uses, so a
 * v4-mapped socket in tcp6 and a plain one in tcp produce identical keys.
 */
import { endianness } from 'node:os';

export const Proto = { TCP: 6, UDP: 17, RAW: 255 } as const;

/** TCP states as /proc/net/tcp prints them (include/net/tcp_states.h). */
export const TcpState = {
  ESTABLISHED: 0x01,
  SYN_SENT: 0x02,
  SYN_RECV: 0x03,
  FIN_WAIT1: 0x04,
  FIN_WAIT2: 0x05,
  TIME_WAIT: 0x06,
  CLOSE: 0x07,
  CLOSE_WAIT: 0x08,
  LAST_ACK: 0x09,
  LISTEN: 0x0a,
  CLOSING: 0x0b,
  NEW_SYN_RECV: 0x0c,
} as const;

export interface SocketEntry {
  /** 6, 17 or 255 (raw; the "port" of a raw socket is its IP protocol) */
  proto: number;
  /** which file it came from: 4 for tcp/udp/raw, 6 for the *6 files */
  family: 4 | 6;
  /** four big-endian words; IPv4 as ::ffff:a.b.c.d */
  local: Uint32Array;
  localPort: number;
  remote: Uint32Array;
  remotePort: number;
  state: number;
  uid: number;
  /** 0 for sockets no file refers to (TIME_WAIT, NEW_SYN_RECV, some kernel sockets) */
  inode: number;
  /** inode of the network namespace the table was read in (0 when unknown) */
  netns: number;
}

export type ProcNetFile = 'tcp' | 'tcp6' | 'udp' | 'udp6' | 'raw' | 'raw6';
export const PROC_NET_FILES: readonly ProcNetFile[] = ['tcp', 'tcp6', 'udp', 'udp6', 'raw', 'raw6'];

export function fileProto(file: ProcNetFile): { proto: number; family: 4 | 6 } {
  const family = file.endsWith('6') ? 6 : 4;
  const proto = file.startsWith('tcp') ? Proto.TCP : file.startsWith('udp') ? Proto.UDP : Proto.RAW;
  return { proto, family };
}

const HOST_LITTLE_ENDIAN = endianness() === 'LE';

function swap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

/** hex digit value, -1 when not hex */
function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

export interface ParseOptions {
  /** byte order of the machine that wrote the file (default: this machine's) */
  littleEndian?: boolean;
  /** namespace inode stamped on every entry */
  netns?: number;
}

/**
 * Parse one /proc/net table. Malformed lines are skipped, never thrown on.
 * Appends to `out` (when given) and returns it.
 */
export function parseProcNet(
  text: Buffer | string,
  file: ProcNetFile,
  opts: ParseOptions = {},
  out: SocketEntry[] = [],
): SocketEntry[] {
  const buf = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const { proto, family } = fileProto(file);
  const little = opts.littleEndian ?? HOST_LITTLE_ENDIAN;
  const netns = opts.netns ?? 0;
  const words = family === 4 ? 1 : 4;
  const len = buf.length;
  // One backing store for all addresses of this file: two allocations per line less.
  const lineCount = countLines(buf);
  const store = new Uint32Array(lineCount * 8);
  let slot = 0;
  let i = 0;

  // skip header line
  while (i < len && buf[i] !== 10) i++;
  i++;

  while (i < len) {
    const lineEnd = buf.indexOf(10, i);
    const end = lineEnd < 0 ? len : lineEnd;
    const entry = parseLine(buf, i, end, proto, family, words, little, netns, store, slot);
    if (entry) {
      out.push(entry);
      slot += 8;
    }
    i = end + 1;
  }
  return out;
}

function countLines(buf: Buffer): number {
  let n = 0;
  let at = buf.indexOf(10);
  while (at >= 0) {
    n++;
    at = buf.indexOf(10, at + 1);
  }
  return n + 1;
}

function parseLine(
  buf: Buffer,
  start: number,
  end: number,
  proto: number,
  family: 4 | 6,
  words: number,
  little: boolean,
  netns: number,
  store: Uint32Array,
  slot: number,
): SocketEntry | null {
  let i = start;
  // "  12:" slot number
  while (i < end && buf[i] === 32) i++;
  while (i < end && buf[i] !== 58) i++;
  i++;
  while (i < end && buf[i] === 32) i++;

  const local = store.subarray(slot, slot + 4);
  const remote = store.subarray(slot + 4, slot + 8);

  let r = readAddr(buf, i, end, words, little, local);
  if (r < 0 || buf[r] !== 58) return null;
  i = r + 1;
  let localPort = 0;
  let c: number;
  let digits = 0;
  while (i < end && (c = hexVal(buf[i]!)) >= 0) {
    localPort = localPort * 16 + c;
    i++;
    digits++;
  }
  if (digits === 0) return null;
  while (i < end && buf[i] === 32) i++;

  r = readAddr(buf, i, end, words, little, remote);
  if (r < 0 || buf[r] !== 58) return null;
  i = r + 1;
  let remotePort = 0;
  digits = 0;
  while (i < end && (c = hexVal(buf[i]!)) >= 0) {
    remotePort = remotePort * 16 + c;
    i++;
    digits++;
  }
  if (digits === 0) return null;
  while (i < end && buf[i] === 32) i++;

  let state = 0;
  digits = 0;
  while (i < end && (c = hexVal(buf[i]!)) >= 0) {
    state = state * 16 + c;
    i++;
    digits++;
  }
  if (digits === 0) return null;

  // tx_queue:rx_queue, tr:tm->when, retrnsmt
  for (let f = 0; f < 3; f++) {
    while (i < end && buf[i] === 32) i++;
    while (i < end && buf[i] !== 32) i++;
  }
  while (i < end && buf[i] === 32) i++;
  let uid = 0;
  digits = 0;
  while (i < end && (c = buf[i]!) >= 48 && c <= 57) {
    uid = uid * 10 + (c - 48);
    i++;
    digits++;
  }
  if (digits === 0) return null;
  // timeout
  while (i < end && buf[i] === 32) i++;
  while (i < end && buf[i] !== 32) i++;
  while (i < end && buf[i] === 32) i++;
  let inode = 0;
  digits = 0;
  while (i < end && (c = buf[i]!) >= 48 && c <= 57) {
    inode = inode * 10 + (c - 48);
    i++;
    digits++;
  }
  if (digits === 0) return null;

  return { proto, family, local, localPort, remote, remotePort, state, uid, inode, netns };
}

/** Reads `words` hex words at i into out (big-endian, v4 mapped); returns the position after, -1 on bad input. */
function readAddr(buf: Buffer, i: number, end: number, words: number, little: boolean, out: Uint32Array): number {
  if (i + words * 8 > end) return -1;
  for (let w = 0; w < words; w++) {
    let v = 0;
    for (let k = 0; k < 8; k++) {
      const h = hexVal(buf[i++]!);
      if (h < 0) return -1;
      v = v * 16 + h;
    }
    const be = little ? swap32(v) : v >>> 0;
    if (words === 1) {
      out[0] = 0;
      out[1] = 0;
      out[2] = 0xffff;
      out[3] = be;
    } else {
      out[w] = be;
    }
  }
  return i;
}
