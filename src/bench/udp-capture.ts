/**
 * Captures of UDP datagrams that benches replay with tcpreplay into a namespace: from
 * addresses no namespace here holds (so no process on this host sent them), to one
 * address and MAC, timestamped at a given rate.
 */
import { ipv4, udpFrame } from '../capture/demo/frame-builder.js';
import { PcapWriter } from '../capture/pcap-writer.js';
import type { BenchPair } from './bench-util.js';

export interface Datagram {
  src: string;
  sport: number;
  dport: number;
}

/** Writes `frames` datagrams (each `datagram(i)`, 64-byte payload) to dst at dstMac, `pps` apart in time. */
export function writeUdpCapture(file: string, dstMac: number[], dst: string, frames: number, pps: number, datagram: (i: number) => Datagram): void {
  const w = new PcapWriter(file);
  const b = Buffer.alloc(256);
  const to = ipv4(dst);
  for (let i = 0; i < frames; i++) {
    const d = datagram(i);
    const n = udpFrame(b, { src: ipv4(d.src), dst: to, sport: d.sport, dport: d.dport }, 64, false);
    for (let k = 0; k < 6; k++) b[k] = dstMac[k]!;
    w.record(b, 0, n, n, 1_700_000_000 + Math.floor(i / pps), Math.floor(((i % pps) * 1e6) / pps));
  }
  w.close();
}

/** The MAC address of the pair's interface in namespace A, as bytes. */
export function macOfA(pair: BenchPair): number[] {
  return pair
    .exec(pair.a, 'cat', [`/sys/class/net/${pair.vethA}/address`])
    .trim()
    .split(':')
    .map((h) => parseInt(h, 16));
}
