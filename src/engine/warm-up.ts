import { icmpFrame, ipv4, tcpFrame, TCP_ACK, udpFrame } from '../capture/demo/frame-builder.js';
import { LocalAddresses } from '../core/local-addresses.js';
import { LinkType } from '../decode/packet-info.js';
import type { Lookup, SocketResolver } from '../procs/owner.js';
import { ProcResolver } from '../procs/proc-resolver.js';
import { Engine } from './engine.js';

const LOCAL = ipv4('198.18.0.1');

/**
 * Runs a throwaway engine over synthetic frames (TCP, UDP and ICMP errors, both
 * directions, a few hundred hosts, across seconds and snapshots) so that V8 has
 * optimized the per-packet path before the capture opens. Without it the first
 * packets of a flood on a quiet link run in the interpreter at many times the
 * cost: the drain falls behind, the loop does not get back to its nap for tens
 * of milliseconds, and the kernel ring (≈ 20 ms at 100 k packets/s) overflows.
 */
export function warmUpEngine(frames = 20_000, newConnections = 8_192): void {
  const engine = throwawayEngine(null);
  // A few dozen distinct frames, built once, then fed again and again.
  const firstRemote = ipv4('203.0.113.0');
  const built: Buffer[] = [];
  for (let i = 0; i < 48; i++) {
    const b = Buffer.alloc(2048);
    const remote = (firstRemote + i) >>> 0;
    const out = (i & 1) === 0;
    const e = { src: out ? LOCAL : remote, dst: out ? remote : LOCAL, sport: out ? 443 : 40_000 + i, dport: out ? 40_000 + i : 443 };
    const n = i % 16 === 15 ? icmpFrame(b, LOCAL, remote, 3, 3, true, { src: remote, dst: LOCAL, sport: 40_000, dport: 9 }) : i % 3 === 0 ? udpFrame(b, e, 100 + i, out) : tcpFrame(b, e, TCP_ACK, i * 20, out);
    built.push(b.subarray(0, n));
  }
  // the capture's own buffer type and size: cap delivers every packet in one 64 KiB Buffer
  const buf = Buffer.alloc(65_535);
  for (let i = 0; i < frames; i++) {
    const f = built[i % built.length]!;
    f.copy(buf, 0);
    const ts = START_MS + i * 0.2;
    engine.frame(buf, 0, f.length, 0, ts, LinkType.ETHERNET);
    if (i % 2000 === 1999) engine.advanceTo(Math.floor(ts / 1000));
  }
  warmUpNewConnections(newConnections);
}

const START_MS = 1_000_000;

/** An engine for warming up only: LOCAL is this host, seconds close from a timer (as live). */
function throwawayEngine(resolver: SocketResolver | null): Engine {
  const local = new LocalAddresses();
  local.addAddress([0, 0, 0xffff, LOCAL]);
  const engine = new Engine({ interfaceName: 'warm-up', filter: null, localLabel: '', local, resolver, rowLimit: 50, startMs: START_MS, onSnapshot: () => undefined });
  engine.advanceOnPackets = false;
  return engine;
}

/**
 * Answers as a resolver with no socket yet does (through a real ProcResolver that never
 * reads /proc), and a new table at each nextTable(): connections get decided as well.
 */
class WarmUpResolver implements SocketResolver {
  generation = 0;
  private readonly real = new ProcResolver({ procRoot: '/nonexistent/wiretop-warm-up' });

  constructor() {
    this.real.close(); // never rescans
  }

  lookup(proto: number, local: Uint32Array, localPort: number, remote: Uint32Array, remotePort: number, lazy = false): Lookup {
    const r = this.real.lookup(proto, local, localPort, remote, remotePort, lazy);
    return r.kind === 'miss' ? { kind: 'miss', generation: this.generation } : r;
  }

  nextTable(): void {
    this.generation++;
  }

  requestRescan(): void {}

  localAddresses(): [] {
    return [];
  }

  close(): void {}
}

/**
 * A flood from thousands of new sources on a quiet link: every packet makes a connection
 * and a host, asks the resolver, and tables arrive that decide them (`<no listener>`).
 * Run cold, that path cost ~7.6 µs a packet in the first 100 ms of a 50 000-source flood
 * (~2.5 µs warm), and the ring overflowed.
 */
function warmUpNewConnections(frames: number): void {
  const resolver = new WarmUpResolver();
  const engine = throwawayEngine(resolver);
  const buf = Buffer.alloc(65_535);
  const firstRemote = ipv4('198.51.100.0');
  for (let i = 0; i < frames; i++) {
    const remote = (firstRemote + i) >>> 0;
    const n = i % 4 === 3 ? tcpFrame(buf, { src: remote, dst: LOCAL, sport: 1024 + i, dport: 22 }, TCP_ACK, 0, false) : udpFrame(buf, { src: remote, dst: LOCAL, sport: 1024 + i, dport: 53 }, 64, false);
    const ts = START_MS + i * 0.05;
    engine.frame(buf, 0, n, 0, ts, LinkType.ETHERNET);
    if (i % 512 === 511) {
      engine.foldDown(64, 256);
      engine.advanceTo(Math.floor(ts / 1000));
      resolver.nextTable();
      engine.resolvePending(ts);
    }
  }
}
