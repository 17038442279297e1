import { describe, expect, it } from 'vitest';
import { PcapWriter } from '../../src/capture/pcap-writer.js';
import { bufferReader, CaptureStream } from '../../src/capture/file-source.js';
import { Engine } from '../../src/engine/engine.js';
import { localSet, LOCAL, tcp, testEngine, udp, TCP_ACK } from './fixtures.js';
import { ipv4, udpFrame, tcpFrame } from '../../src/capture/demo/frame-builder.js';
import type { Snapshot } from '../../src/core/snapshot.js';

const T0 = 1_000_000; // ms; second 1000 exactly

describe('rates over 1/2/10/40 s windows (fake clock: packet timestamps)', () => {
  it('a steady 1000 B/s host reads 1000 B/s in every window once the window has passed', () => {
    const { engine, snaps } = testEngine();
    let frame = 0;
    for (let s = 0; s < 45; s++) {
      // one 1000-byte frame per second: 14+20+8 headers + 958 payload
      frame = udp(engine, T0 + s * 1000 + 500, '203.0.113.7', LOCAL, 5000, 53, 958);
    }
    engine.advanceTo(T0 / 1000 + 45);
    expect(frame).toBe(1000);
    const last = snaps.at(-1)!;
    const h = last.hosts.find((x) => x.host === '203.0.113.7')!;
    expect(h.rx1).toBe(1000);
    expect(h.rx2).toBe(1000);
    expect(h.rx10).toBe(1000);
    expect(h.rx40).toBe(1000);
    expect(h.tx2).toBe(0);
    expect(h.rxBytes).toBe(45_000);
    expect(last.totals.rx40).toBe(1000);
  });

  it('divides by the elapsed time when less than the window has passed', () => {
    const { engine, snaps } = testEngine();
    udp(engine, T0 + 100, '203.0.113.7', LOCAL, 5000, 53, 958);
    udp(engine, T0 + 1100, '203.0.113.7', LOCAL, 5000, 53, 958);
    udp(engine, T0 + 2100, '203.0.113.7', LOCAL, 5000, 53, 958); // closes seconds 0 and 1
    const at2 = snaps.find((s) => s.time === T0 + 2000)!;
    const h = at2.hosts.find((x) => x.host === '203.0.113.7')!;
    // two seconds elapsed, 2000 bytes in them: 1000 B/s in the 2, 10 and 40 s windows alike
    expect(h.rx2).toBe(1000);
    expect(h.rx10).toBe(1000);
    expect(h.rx40).toBe(1000);
  });

  it('rates decay to zero after silence, peak remembers the highest 2 s rate', () => {
    const { engine, snaps } = testEngine();
    for (let i = 0; i < 10; i++) udp(engine, T0 + 200 + i, LOCAL, '203.0.113.9', 53, 4000, 958); // 10 kB in second 0, outbound
    engine.advanceTo(T0 / 1000 + 3);
    const early = snaps.find((s) => s.time === T0 + 2000)!.hosts[0]!;
    expect(early.tx2).toBe(5000);
    expect(early.peak).toBe(10_000); // at T0+1000: 10 kB over the 1 s elapsed
    engine.advanceTo(T0 / 1000 + 50);
    const late = snaps.at(-1)!.hosts.find((x) => x.host === '203.0.113.9')!;
    expect(late.tx2 + late.tx10 + late.tx40).toBe(0);
    expect(late.peak).toBe(10_000);
    expect(late.txBytes).toBe(10_000);
  });
});

describe('direction and hosts (DESIGN §2)', () => {
  it('outbound from a local address, inbound to one, transit otherwise with both ends shown', () => {
    const { engine } = testEngine();
    const out = udp(engine, T0 + 10, LOCAL, '203.0.113.1', 53, 999, 100);
    const inn = udp(engine, T0 + 20, '203.0.113.1', LOCAL, 999, 53, 50);
    const tr1 = udp(engine, T0 + 30, '203.0.113.2', '203.0.113.3', 1, 2, 10);
    const tr2 = udp(engine, T0 + 40, '203.0.113.3', '203.0.113.2', 2, 1, 20);
    const snap = engine.publish(T0 + 1000);
    expect(snap.totals.txBytes).toBe(out);
    expect(snap.totals.rxBytes).toBe(inn);
    expect(snap.totals.transitBytes).toBe(tr1 + tr2);
    const remote = snap.hosts.find((h) => h.host === '203.0.113.1')!;
    expect([remote.rxBytes, remote.txBytes]).toEqual([inn, out]);
    const transit = snap.hosts.filter((h) => h.transit);
    expect(transit).toHaveLength(1);
    expect(transit[0]!.host).toBe('203.0.113.2 ⇄ 203.0.113.3');
    expect(transit[0]!.rxBytes + transit[0]!.txBytes).toBe(tr1 + tr2);
    expect(snap.processes.find((p) => p.name === '<forwarded>')!.rxBytes + snap.processes.find((p) => p.name === '<forwarded>')!.txBytes).toBe(tr1 + tr2);
  });

  it('counts distinct local ports per remote host (a scan signature)', () => {
    const { engine } = testEngine();
    for (let p = 1; p <= 600; p++) tcp(engine, T0 + p, '192.0.2.66', LOCAL, 51515, p, 2, 0);
    tcp(engine, T0 + 700, '192.0.2.66', LOCAL, 51515, 1, 2, 0); // a repeat is not a new port
    const snap = engine.publish(T0 + 1000);
    expect(snap.hosts.find((h) => h.host === '192.0.2.66')!.localPorts).toBe(600);
  });

  it('non-IP frames go by MAC: ARP broadcast is inbound and belongs to <kernel>', () => {
    const { engine } = testEngine();
    const b = Buffer.alloc(60);
    b.fill(0xff, 0, 6);
    b.set([2, 0, 0, 0, 0, 0xfe], 6);
    b.writeUInt16BE(0x0806, 12);
    engine.frame(b, 0, 60, 0, T0 + 5, 1);
    const snap = engine.publish(T0 + 1000);
    expect(snap.totals.rxBytes).toBe(60);
    expect(snap.processes.find((p) => p.name === '<kernel>')!.rxBytes).toBe(60);
  });
});

describe('every frame counts; files count original lengths exactly', () => {
  it('totals equal the sum of the records original lengths, truncated and malformed included', async () => {
    const w = new PcapWriter(null, { snaplen: 96 });
    const b = Buffer.alloc(2048);
    let sum = 0;
    let records = 0;
    for (let i = 0; i < 500; i++) {
      const len = i % 3 === 0 ? udpFrame(b, { src: ipv4(LOCAL), dst: ipv4(`203.0.113.${i % 50}`), sport: 53, dport: 1000 + i }, 20 + i, true) : tcpFrame(b, { src: ipv4(`198.51.100.${i % 7}`), dst: ipv4(LOCAL), sport: 443, dport: 40000 }, TCP_ACK, i * 2, false);
      const cap = Math.min(len, 96); // snaplen-truncated like tcpdump -s 96
      w.record(b, 0, cap, len, 1000 + Math.floor(i / 100), (i % 100) * 10_000);
      sum += len;
      records++;
    }
    w.record(Buffer.from([1, 2, 3]), 0, 3, 3, 1005, 0); // garbage: malformed, still counted
    sum += 3;
    records++;
    const snaps: Snapshot[] = [];
    const engine = new Engine({ interfaceName: 'file', filter: null, localLabel: LOCAL, local: localSet(), resolver: null, onSnapshot: (s) => snaps.push(s), publishEverySec: 2 });
    const stream = new CaptureStream('mem', 4096, () => undefined);
    await stream.run(bufferReader(w.toBuffer()), engine);
    const final = engine.publish((Math.floor(engine.lastTsMs / 1000) + 1) * 1000);
    expect(final.totals.packets).toBe(records);
    expect(final.totals.rxBytes + final.totals.txBytes + final.totals.transitBytes).toBe(sum);
    expect(final.totals.malformed).toBe(1);
    // capture time drives the intervals: publishing every 2 s of capture time from the first packet
    expect(snaps.slice(0, -1).map((s) => s.time - snaps[0]!.time)).toEqual([0, 2000, 4000].slice(0, snaps.length - 1));
  });
});

describe('bounded tables', () => {
  it('folds hosts beyond --max-rows into (other) without losing bytes', () => {
    const { engine } = testEngine({ maxRows: 100 });
    let sum = 0;
    for (let i = 0; i < 300; i++) sum += udp(engine, T0 + i, `203.0.${i >> 8}.${i & 255}`, LOCAL, 1, 53, 10);
    const snap = engine.publish(T0 + 1000);
    const other = snap.hosts.find((h) => h.host === '(other)')!;
    expect(snap.hosts.length).toBe(101);
    expect(other.rxBytes).toBe(sum - snap.hosts.filter((h) => h.host !== '(other)').reduce((s, h) => s + h.rxBytes, 0));
    expect(snap.totals.rxBytes).toBe(sum);
  });

  it('evicts idle rows and reuses their space', () => {
    const { engine } = testEngine({ idleMs: 10_000, maxRows: 1000 });
    for (let i = 0; i < 500; i++) udp(engine, T0 + i, `203.0.113.${i & 255}`, LOCAL, 1000 + i, 53, 10);
    expect(engine.hosts.size).toBe(256);
    engine.advanceTo(T0 / 1000 + 20);
    expect(engine.hosts.size).toBe(0);
    expect(engine.conns.size).toBe(0);
    for (let i = 0; i < 500; i++) udp(engine, T0 + 21_000 + i, `198.51.100.${i & 255}`, LOCAL, 1000 + i, 53, 10);
    expect(engine.hosts.size).toBe(256);
    expect(engine.hosts.idLimit).toBeLessThanOrEqual(256); // space reused, not grown
  });
});
