import { LinkType } from '../../decode/packet-info.js';
import type { FrameSink, PacketSource, SourceStats } from '../packet-source.js';
import { arpFrame, icmpFrame, ipv4, tcpFrame, TCP_ACK, TCP_PSH, TCP_RST, TCP_SYN, udpFrame, type Endpoints } from './frame-builder.js';

/** The demo server's address (198.18.0.0/15 is the benchmarking range: never routed). */
export const DEMO_LOCAL = '198.18.0.1';
export const DEMO_PORTS = { dns: 53, ssh: 22, https: 443, backupLocal: 41822 } as const;

const LOCAL = ipv4(DEMO_LOCAL);
const VICTIMS = Array.from({ length: 12 }, (_, i) => ipv4(`203.0.113.${10 + i}`));
const BACKUP = ipv4('198.51.100.20');
const SCANNER = ipv4('192.0.2.66');
const WEB_CLIENTS = Array.from({ length: 5 }, (_, i) => ipv4(`198.51.100.${30 + i}`));
const MONITOR = ipv4('198.51.100.5');
const ADMIN = ipv4('198.51.100.9');
const SLICE_MS = 100;

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Synthetic traffic for `--demo` (no root needed), through the same decode →
 * count → attribute pipeline as a live capture: a DNS server reflecting an
 * amplification attack, a backup job streaming to one host, a port scan,
 * ordinary web traffic, an admin's ssh session, pings and ARP. Deterministic
 * for a given clock.
 */
export class DemoSource implements PacketSource {
  readonly name = 'demo';
  readonly recordedTime = false;
  private readonly buf = Buffer.alloc(2048);
  private frames = 0;
  private timer: NodeJS.Timeout | null = null;
  private finish: (() => void) | null = null;
  private generatedTo: number;
  private readonly rand: () => number;
  private scanPort = 1;
  private sink: FrameSink | null = null;

  constructor(
    private readonly clock: () => number,
    seed = 42,
  ) {
    this.rand = prng(seed);
    this.generatedTo = clock();
  }

  run(sink: FrameSink): Promise<void> {
    this.sink = sink;
    return new Promise((resolve) => {
      this.finish = resolve;
      this.timer = setInterval(() => this.generateUntil(this.clock()), SLICE_MS);
    });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.finish?.();
  }

  stats(): SourceStats {
    return { frames: this.frames, dropped: null };
  }

  /** Emit the traffic of every whole slice up to `untilMs` (tests call this directly). */
  generateUntil(untilMs: number, sink: FrameSink | null = this.sink): void {
    if (!sink) return;
    while (this.generatedTo + SLICE_MS <= untilMs) {
      this.slice(sink, this.generatedTo);
      this.generatedTo += SLICE_MS;
    }
  }

  private emit(sink: FrameSink, len: number, ts: number): void {
    this.frames++;
    sink.frame(this.buf, 0, len, len, ts, LinkType.ETHERNET);
  }

  private slice(sink: FrameSink, t0: number): void {
    const b = this.buf;
    const r = this.rand;
    const phase = t0 / 1000;
    const at = () => t0 + r() * SLICE_MS;
    // DNS amplification: small spoofed queries in, large answers out.
    const attack = 0.75 + 0.25 * Math.sin(phase / 7);
    for (let i = 0; i < Math.round(90 * attack); i++) {
      const victim = VICTIMS[Math.floor(r() * r() * VICTIMS.length)]!;
      const sport = 1024 + Math.floor(r() * 60000);
      const ts = at();
      this.emit(sink, udpFrame(b, { src: victim, dst: LOCAL, sport, dport: DEMO_PORTS.dns }, 36, false), ts);
      this.emit(sink, udpFrame(b, { src: LOCAL, dst: victim, sport: DEMO_PORTS.dns, dport: sport }, 1400 + Math.floor(r() * 60), true), ts + 0.2);
    }
    // Backup job streaming to one host.
    const bk: Endpoints = { src: LOCAL, dst: BACKUP, sport: DEMO_PORTS.backupLocal, dport: DEMO_PORTS.ssh };
    const back: Endpoints = { src: BACKUP, dst: LOCAL, sport: DEMO_PORTS.ssh, dport: DEMO_PORTS.backupLocal };
    const stream = Math.round(260 * (0.85 + 0.15 * Math.sin(phase / 3)));
    for (let i = 0; i < stream; i++) {
      const ts = at();
      this.emit(sink, tcpFrame(b, bk, TCP_ACK | TCP_PSH, 1448, true), ts);
      if (i % 2 === 1) this.emit(sink, tcpFrame(b, back, TCP_ACK, 0, false), ts + 0.1);
    }
    // Port scan: SYNs to closed ports answered by RST, UDP probes answered by ICMP port unreachable.
    for (let i = 0; i < 5; i++) {
      let port = this.scanPort++;
      if (this.scanPort > 65535) this.scanPort = 1;
      if (port === DEMO_PORTS.ssh || port === DEMO_PORTS.https || port === DEMO_PORTS.dns) port += 1000;
      const ts = at();
      this.emit(sink, tcpFrame(b, { src: SCANNER, dst: LOCAL, sport: 51515, dport: port }, TCP_SYN, 0, false), ts);
      this.emit(sink, tcpFrame(b, { src: LOCAL, dst: SCANNER, sport: port, dport: 51515 }, TCP_RST | TCP_ACK, 0, true), ts + 0.1);
    }
    if (Math.floor(phase * 10) % 5 === 0) {
      const port = 1000 + (Math.floor(phase) % 500);
      const probe: Endpoints = { src: SCANNER, dst: LOCAL, sport: 51516, dport: port };
      const ts = at();
      this.emit(sink, udpFrame(b, probe, 0, false), ts);
      this.emit(sink, icmpFrame(b, LOCAL, SCANNER, 3, 3, true, probe), ts + 0.1);
    }
    // Ordinary web traffic.
    const web = 1 + Math.sin(phase / 5 + 1);
    for (let c = 0; c < WEB_CLIENTS.length; c++) {
      const n = Math.round((3 + c) * web);
      const port = 40000 + c;
      for (let i = 0; i < n; i++) {
        const ts = at();
        this.emit(sink, tcpFrame(b, { src: WEB_CLIENTS[c]!, dst: LOCAL, sport: port, dport: DEMO_PORTS.https }, TCP_ACK | TCP_PSH, 120 + Math.floor(r() * 300), false), ts);
        this.emit(sink, tcpFrame(b, { src: LOCAL, dst: WEB_CLIENTS[c]!, sport: DEMO_PORTS.https, dport: port }, TCP_ACK | TCP_PSH, 1448, true), ts + 0.3);
      }
    }
    // The operator's own ssh session.
    if (r() < 0.6) {
      const ts = at();
      this.emit(sink, tcpFrame(b, { src: ADMIN, dst: LOCAL, sport: 50022, dport: DEMO_PORTS.ssh }, TCP_ACK | TCP_PSH, 36, false), ts);
      this.emit(sink, tcpFrame(b, { src: LOCAL, dst: ADMIN, sport: DEMO_PORTS.ssh, dport: 50022 }, TCP_ACK | TCP_PSH, 180, true), ts + 0.5);
    }
    // Kernel traffic: monitoring pings, ARP.
    if (Math.floor(phase * 10) % 10 === 0) {
      const ts = at();
      this.emit(sink, icmpFrame(b, MONITOR, LOCAL, 8, 0, false), ts);
      this.emit(sink, icmpFrame(b, LOCAL, MONITOR, 0, 0, true), ts + 0.1);
    }
    if (Math.floor(phase * 10) % 20 === 0) this.emit(sink, arpFrame(b, MONITOR, LOCAL), at());
  }
}
