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

/**
 * One socket line. Address words are plain fields (not typed-array views:
 * creating 40 000 views per rescan costs more than parsing the text);
 * `local`/`remote` build the four-word form on demand.
 */
export class SocketEntry {
  constructor(
    /** 6, 17 or 255 (raw; the "port" of a raw socket is its IP protocol) */
    readonly proto: number,
    /** which file it came from: 4 for tcp/udp/raw, 6 for the *6 files */
    readonly family: 4 | 6,
    /** local address, four big-endian words; IPv4 as ::ffff:a.b.c.d */
    readonly l0: number,
    readonly l1: number,
    readonly l2: number,
    readonly l3: number,
    readonly localPort: number,
    readonly r0: number,
    readonly r1: number,
    readonly r2: number,
    readonly r3: number,
    readonly remotePort: number,
    readonly state: number,
    readonly uid: number,
    /** 0 for sockets no file refers to (TIME_WAIT, NEW_SYN_RECV, some kernel sockets) */
    readonly inode: number,
    /** inode of the network namespace the table was read in (0 when unknown) */
    readonly netns: number,
  ) {}

  get local(): Uint32Array {
    return Uint32Array.of(this.l0, this.l1, this.l2, this.l3);
  }

  get remote(): Uint32Array {
    return Uint32Array.of(this.r0, this.r1, this.r2, this.r3);
  }
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

/** hex digit value by byte, -1 when not hex */
const HEX = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) HEX[48 + c] = c;
for (let c = 0; c < 6; c++) {
  HEX[65 + c] = 10 + c;
  HEX[97 + c] = 10 + c;
}

function hexVal(c: number): number {
  return HEX[c]!;
}

export interface ParseOptions {
  /** byte order of the machine that wrote the file (default: this machine's) */
  littleEndian?: boolean;
  /** namespace inode stamped on every entry */
  netns?: number;
  /** the text starts with the column header line (default true) */
  header?: boolean;
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
  let i = 0;

  if (opts.header !== false) {
    while (i < len && buf[i] !== 10) i++;
    i++;
  }

  while (i < len) {
    const lineEnd = buf.indexOf(10, i);
    const end = lineEnd < 0 ? len : lineEnd;
    const entry = parseLine(buf, i, end, proto, family, words, little, netns);
    if (entry) out.push(entry);
    i = end + 1;
  }
  return out;
}

const scratchLocal = new Uint32Array(4);
const scratchRemote = new Uint32Array(4);

function parseLine(
  buf: Buffer,
  start: number,
  end: number,
  proto: number,
  family: 4 | 6,
  words: number,
  little: boolean,
  netns: number,
): SocketEntry | null {
  let i = start;
  // "  12:" slot number
  while (i < end && buf[i] === 32) i++;
  while (i < end && buf[i] !== 58) i++;
  i++;
  while (i < end && buf[i] === 32) i++;

  const local = scratchLocal;
  const remote = scratchRemote;

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

  return new SocketEntry(
    proto,
    family,
    local[0]!,
    local[1]!,
    local[2]!,
    local[3]!,
    localPort,
    remote[0]!,
    remote[1]!,
    remote[2]!,
    remote[3]!,
    remotePort,
    state,
    uid,
    inode,
    netns,
  );
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

const CHUNK_BYTES = 128 * 1024;

/** parseProcNet in chunks of whole lines with a yield between: never more than a few ms at a time. */
export async function parseProcNetSliced(
  buf: Buffer,
  file: ProcNetFile,
  opts: ParseOptions = {},
  out: SocketEntry[] = [],
): Promise<SocketEntry[]> {
  let start = 0;
  let header = opts.header !== false;
  while (start < buf.length) {
    let end = Math.min(buf.length, start + CHUNK_BYTES);
    if (end < buf.length) {
      const nl = buf.indexOf(10, end);
      end = nl < 0 ? buf.length : nl + 1;
    }
    parseProcNet(buf.subarray(start, end), file, { ...opts, header }, out);
    header = false;
    start = end;
    if (start < buf.length) await new Promise<void>((r) => setImmediate(r));
  }
  return out;
}
