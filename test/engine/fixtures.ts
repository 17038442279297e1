import { ipv4, tcpFrame, udpFrame, icmpFrame, TCP_ACK, TCP_RST, TCP_SYN, LOCAL_MAC } from '../../src/capture/demo/frame-builder.js';
import { LocalAddresses } from '../../src/core/local-addresses.js';
import type { Snapshot } from '../../src/core/snapshot.js';
import { Engine, type EngineOptions } from '../../src/engine/engine.js';
import { LinkType } from '../../src/decode/packet-info.js';
import { parseAddress } from '../../src/util/address.js';

export const LOCAL = '198.18.0.1';
export const L = ipv4(LOCAL);

export function localSet(): LocalAddresses {
  const l = new LocalAddresses();
  l.addAddress(parseAddress(LOCAL)!);
  l.addMac(LOCAL_MAC.reduce<number>((a, b) => a * 256 + b, 0));
  return l;
}

/** An engine with a fixed start and captured snapshots. */
export function testEngine(over: Partial<EngineOptions> = {}): { engine: Engine; snaps: Snapshot[] } {
  const snaps: Snapshot[] = [];
  const engine = new Engine({
    interfaceName: 'test0',
    filter: null,
    localLabel: LOCAL,
    local: localSet(),
    resolver: null,
    startMs: 1_000_000,
    onSnapshot: (s) => snaps.push(s),
    ...over,
  });
  return { engine, snaps };
}

const buf = Buffer.alloc(2048);

/** Feed one UDP datagram of `payload` bytes; returns its frame length. */
export function udp(engine: Engine, tsMs: number, from: string, to: string, sport: number, dport: number, payload: number): number {
  const outbound = from === LOCAL;
  const n = udpFrame(buf, { src: ipv4(from), dst: ipv4(to), sport, dport }, payload, outbound);
  engine.frame(buf, 0, n, 0, tsMs, LinkType.ETHERNET);
  return n;
}

export function tcp(engine: Engine, tsMs: number, from: string, to: string, sport: number, dport: number, flags: number, payload: number): number {
  const outbound = from === LOCAL;
  const n = tcpFrame(buf, { src: ipv4(from), dst: ipv4(to), sport, dport }, flags, payload, outbound);
  engine.frame(buf, 0, n, 0, tsMs, LinkType.ETHERNET);
  return n;
}

export function portUnreachable(engine: Engine, tsMs: number, to: string, probeSport: number, probeDport: number): number {
  const n = icmpFrame(buf, L, ipv4(to), 3, 3, true, { src: ipv4(to), dst: L, sport: probeSport, dport: probeDport });
  engine.frame(buf, 0, n, 0, tsMs, LinkType.ETHERNET);
  return n;
}

export { TCP_ACK, TCP_RST, TCP_SYN };
