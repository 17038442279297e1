import { createRequire } from 'node:module';
import type { Cap as CapClass } from 'cap';
import { LinkType } from '../decode/packet-info.js';
import { UserError } from '../util/user-error.js';
import type { FrameSink, PacketSource, SourceStats } from './packet-source.js';

/**
 * libpcap's PACKET_MMAP ring holds ≈ 1 000 frames per 64 MB at cap's fixed 65 535 snaplen:
 * 128 MB ≈ 20 ms at 100 k packets/s. Not 256 MB: that is pinned kernel memory for the whole
 * run (a quarter of a small VPS), and measured on a loaded 2-core host it lost no less — the
 * stalls that lose packets were 35–250 ms (scheduling, GC), beyond either size; what helped
 * was the capture process's priority and naps sized by the peak rate.
 */
const RING_BYTES = 128 * 1024 * 1024;
const FRAME_SLOT_BYTES = 65_536 + 128;
/**
 * How much of each frame cap copies out of the ring for us. Counting needs the headers, and
 * the wire length comes from the IP header when a frame is cut short (cap reports only the
 * copied length). 2 KB holds every frame of a 1500-byte MTU whole (so non-IP frames count
 * exactly too) while a 64 KB GSO/GRO segment of a bulk TCP stream costs a 2 KB copy, not
 * 64 KB: capture CPU on a 1.3 GB/s iperf3 TCP stream between namespaces fell from 4.7 to
 * 2.0 µs per packet (18.8 → 9.9 % of a core), with byte counts equal to the kernel's.
 */
const FRAME_COPY_BYTES = 2048;
const NAP_MIN_MS = 1;
const NAP_MAX_MS = 10;
/** One nap lets at most this share of the ring fill at the current rate (headroom for a stall after it). */
const RING_SHARE_PER_NAP = 1 / 8;
/**
 * Below this rate (frames per ms) nothing naps: the loop sleeps in epoll and
 * wakes for packets as they come (a wake-up per packet costs little at a low
 * rate), so an idle link costs next to no CPU.
 */
const BUSY_FRAMES_PER_MS = 1;
/** Tick period while not napping: rate checks, stop. */
const QUIET_TICK_MS = 50;
/**
 * While not napping, this many frames before the next tick mean a flood has begun: the tick
 * runs at once and the naps start. Until then the loop wakes for every packet, which at the
 * onset of a 100 k packets/s flood fell behind by more than the ring holds (a 95 ms gap
 * between ticks with 7 000 frames).
 */
const QUIET_BURST_FRAMES = 256;
/** Keep napping this long after the last busy tick (one empty drain mid-flood is not quiet). */
const BUSY_HOLD_MS = 200;
/**
 * Naps are sized by the peak rate of the last moments, not the last tick's: a sender that
 * was held up catches up in a burst several times its average rate, and a nap sized by the
 * lull before it let half the ring fill (then a stall of 10 ms lost packets). The peak
 * halves every PEAK_HALF_LIFE_MS.
 */
const PEAK_HALF_LIFE_MS = 1000;

export interface LiveSourceOptions {
  interfaceName: string;
  filter: string | null;
  /** capture clock (epoch ms, monotonic); timestamps are taken per drain */
  clock: () => number;
  /**
   * Sleep between drains so packets batch in the kernel ring (one wake-up per
   * batch instead of per packet). Only in the capture child process: it
   * blocks the thread.
   */
  coalesce: boolean;
  /**
   * Longest nap allowed now (read before every nap; default NAP_MAX_MS). Work that
   * advances one step per loop turn (async /proc reads) asks for short naps.
   */
  maxNapMs?: number;
  ringBytes?: number;
  /** called right after the capture is open (baseline for the dropped estimate) */
  onOpened?: () => void;
  /** called after the last drain, just before the capture closes */
  onClosing?: () => void;
  /** called at every tick of the drain loop, right after a drain (everything the kernel held before the previous tick has been delivered) */
  onTick?: () => void;
}

const LINK_NAMES: Record<string, number> = {
  ETHERNET: LinkType.ETHERNET,
  LINKTYPE_LINUX_SLL: LinkType.LINUX_SLL,
  RAW: LinkType.RAW,
  NULL: LinkType.NULL,
};

function loadCap(): typeof CapClass {
  try {
    const require = createRequire(import.meta.url);
    return (require('cap') as { Cap: typeof CapClass }).Cap;
  } catch (err) {
    throw new UserError(`live capture is unavailable: the cap module did not load (${firstLine(err)})`, 'install libpcap-dev and run npm install again, or read a file with -r');
  }
}

/** Live capture through cap (libpcap). The only place that touches cap. */
export class LiveSource implements PacketSource {
  readonly recordedTime = false;
  readonly name: string;
  private cap: CapClass | null = null;
  /**
   * cap keeps only a raw pointer to this Buffer: it must stay referenced for
   * the whole capture or GC frees it under cap's feet (heap corruption).
   */
  private buffer: Buffer | null = null;
  private frames = 0;
  private framesAtLastNap = 0;
  private napMs = 0;
  /** decaying peak of the arrival rate (frames per ms), for nap sizing */
  private peakPerMs = 0;
  /** not napping: each packet reads the clock (few packets, no batch time to share) */
  private quiet = true;
  /** frames since the last tick while quiet */
  private quietFrames = 0;
  /** while quiet: runs the next tick now instead of at its timer */
  private tickNow: (() => void) | null = null;
  /** clock of the last tick that saw a busy rate */
  private busyAtMs = Number.NEGATIVE_INFINITY;
  private stopped = false;
  private finish: (() => void) | null = null;
  private readonly napCell = new Int32Array(new SharedArrayBuffer(4));

  constructor(private readonly opts: LiveSourceOptions) {
    this.name = opts.interfaceName;
  }

  run(sink: FrameSink): Promise<void> {
    const Cap = loadCap();
    const cap = new (directCap(Cap))();
    const buffer = Buffer.alloc(FRAME_COPY_BYTES);
    const ring = this.opts.ringBytes ?? RING_BYTES;
    let linkName: string;
    try {
      linkName = cap.open(this.opts.interfaceName, this.opts.filter ?? '', ring, buffer);
    } catch (err) {
      keepFailedOpen(cap, buffer);
      throw capOpenError(err, this.opts.interfaceName, this.opts.filter, () => this.opensWithoutFilter(Cap, ring));
    }
    const linkType = LINK_NAMES[linkName];
    if (linkType === undefined) {
      cap.close();
      throw new UserError(`${this.opts.interfaceName}: unsupported link type (${linkName})`);
    }
    this.cap = cap;
    this.buffer = buffer;
    // The drain's timestamp: a local the packet handler reads (a double in an object field
    // would be boxed anew for every call that passes it on).
    let nowMs = this.opts.clock();
    this.opts.onOpened?.();
    this.quiet = this.opts.coalesce;
    const clock = this.opts.clock;
    cap.onPacket = (nbytes: number) => {
      this.frames++;
      if (this.quiet) {
        nowMs = clock();
        if (++this.quietFrames === QUIET_BURST_FRAMES) this.tickNow?.();
      }
      sink.frame(buffer, 0, nbytes, 0, nowMs, linkType);
    };
    const ringFrames = Math.max(64, Math.floor(ring / FRAME_SLOT_BYTES));
    return new Promise<void>((resolve) => {
      this.finish = resolve;
      let lastWake = this.opts.clock();
      let lastTick = lastWake;
      const tick = () => {
        if (this.stopped) {
          // The poll phase that ran just before this check phase drained the ring.
          this.close();
          resolve();
          return;
        }
        this.tickNow = null;
        this.quietFrames = 0;
        this.opts.onTick?.();
        const now = this.opts.clock();
        if (this.opts.coalesce) {
          // Frames since the last tick, over the time they had to arrive (the last nap included).
          const got = this.frames - this.framesAtLastNap;
          this.framesAtLastNap = this.frames;
          const perMs = got / Math.max(0.5, now - lastWake + this.napMs);
          this.peakPerMs = Math.max(perMs, this.peakPerMs * 0.5 ** (Math.max(0, now - lastTick) / PEAK_HALF_LIFE_MS));
          lastTick = now;
          if (perMs >= BUSY_FRAMES_PER_MS) this.busyAtMs = now;
          if (now - this.busyAtMs < BUSY_HOLD_MS) {
            // Busy: nap so that packets batch in the ring (one wake-up per batch), short
            // enough that the ring never fills even if the drain after it is late.
            this.quiet = false;
            const maxNap = Math.min(NAP_MAX_MS, this.opts.maxNapMs ?? NAP_MAX_MS);
            this.napMs = Math.max(NAP_MIN_MS, Math.min(maxNap, (ringFrames * RING_SHARE_PER_NAP) / this.peakPerMs));
            Atomics.wait(this.napCell, 0, 0, this.napMs);
            nowMs = lastWake = this.opts.clock();
            setImmediate(tick);
            return;
          }
          this.quiet = true;
          this.napMs = 0;
          this.peakPerMs = 0;
          nowMs = lastWake = now;
          const timer = setTimeout(tick, QUIET_TICK_MS);
          this.tickNow = () => {
            clearTimeout(timer);
            setImmediate(tick);
          };
          return;
        }
        // not coalescing (capture in a process that must not block, as tests run it): no nap
        this.napMs = 0;
        nowMs = lastWake = now;
        setTimeout(tick, 5);
      };
      tick();
    });
  }

  /** Stop after one more drain; run() resolves once the capture is closed. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.cap === null) this.finish?.();
  }

  private close(): void {
    if (this.cap === null) return;
    this.opts.onClosing?.();
    try {
      this.cap.close();
    } catch {
      // already closed
    }
    this.cap = null;
  }

  /** After a failed open with a filter: does the interface open without one (so the filter is at fault)? */
  private opensWithoutFilter(Cap: typeof CapClass, ring: number): boolean {
    const probe = new Cap();
    const probeBuffer = Buffer.alloc(FRAME_COPY_BYTES);
    try {
      probe.open(this.opts.interfaceName, '', Math.min(ring, 1024 * 1024), probeBuffer);
    } catch {
      keepFailedOpen(probe, probeBuffer);
      return false;
    }
    try {
      probe.close();
    } catch {
      // closed already
    }
    return true;
  }

  stats(): SourceStats {
    return { frames: this.frames, dropped: null };
  }

}

type DirectCap = CapClass & { onPacket: (nbytes: number) => void };

/**
 * cap's addon keeps the `emit` it finds on the object at construction and
 * calls it for every packet as emit('packet', nbytes, truncated). This
 * subclass's emit hands the length straight to one handler: no EventEmitter
 * listener lookup (a megamorphic property load) per packet.
 */
function directCap(Cap: typeof CapClass): new () => DirectCap {
  return class extends Cap {
    onPacket: (nbytes: number) => void = () => undefined;
    override emit(event: string | symbol, a?: unknown, b?: unknown): boolean {
      if (event === 'packet') {
        this.onPacket(a as number);
        return true;
      }
      return super.emit(event, a, b);
    }
  };
}

/**
 * A Cap whose open() failed after pcap_create holds a half-set-up handle: its
 * destructor then stops a libuv poll handle that was never initialised and
 * the process segfaults when GC collects it. Such objects (and the buffer
 * whose raw pointer they kept) are never released; the capture process exits
 * right after a failed open anyway.
 */
const failedOpens: unknown[] = [];
function keepFailedOpen(cap: CapClass, buffer: Buffer): void {
  failedOpens.push(cap, buffer);
}

function firstLine(err: unknown): string {
  return String(err instanceof Error ? err.message : err).split('\n')[0] ?? '';
}

/** The interface is missing or down: a live capture waits for it to come back. */
export class InterfaceUnavailableError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = 'InterfaceUnavailableError';
  }
}

/**
 * Turn libpcap's messages into one clear line and a hint. `filterAtFault`
 * (asked only when a filter was given and the message does not say) tells
 * whether the interface opens without the filter.
 */
export function capOpenError(err: unknown, iface: string, filter: string | null, filterAtFault: () => boolean = () => false): UserError {
  const msg = firstLine(err);
  if (/Operation not permitted|permission|EPERM|socket: Operation/i.test(msg)) {
    return new UserError(`cannot capture on ${iface}: permission denied`, 'run as root (sudo wiretop), or grant the capability once: sudo setcap cap_net_raw,cap_net_admin=eip "$(readlink -f "$(command -v node)")"');
  }
  if (/No such device|doesn't exist|not found/i.test(msg)) {
    return new InterfaceUnavailableError(`no such interface: ${iface}`, 'see wiretop --list-interfaces');
  }
  if (/not up|network is down/i.test(msg)) {
    return new InterfaceUnavailableError(`interface ${iface} is down`, `bring it up (ip link set ${iface} up) or pick another with -i`);
  }
  if (filter && (/syntax error|illegal|unknown|can't parse|expression|invalid|not a|too big|mask|port range|out of range/i.test(msg) || filterAtFault())) {
    return new UserError(`bad capture filter "${filter}": ${msg}`, 'the filter uses tcpdump syntax, e.g. -f "port 53"');
  }
  return new UserError(`cannot capture on ${iface}: ${msg}`);
}
