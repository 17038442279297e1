import { describe, expect, it } from 'vitest';
import type { Lookup, ProcessInfo, SocketResolver } from '../../src/procs/owner.js';
import { formatAddress } from '../../src/util/address.js';
import { icmpFrame, ipv4 } from '../../src/capture/demo/frame-builder.js';
import { LinkType } from '../../src/decode/packet-info.js';
import { L, LOCAL, portUnreachable, tcp, testEngine, udp, TCP_ACK, TCP_RST, TCP_SYN } from './fixtures.js';

const T0 = 1_000_000;
const named: ProcessInfo = { pid: 812, name: 'named', cmdline: '/usr/sbin/named -u bind', user: 'bind', netns: null, startTime: 77 };
const curl: ProcessInfo = { pid: 4242, name: 'curl', cmdline: 'curl https://x', user: 'root', netns: null, startTime: 99 };

/**
 * A resolver whose socket table the test edits, and whose rescans start and complete when the test
 * says. Its misses keep the Lookup contract: the generation of the first miss until a table whose
 * rescan started after it is published.
 */
class FakeResolver implements SocketResolver {
  generation = 0;
  rescans = 0;
  sockets = new Map<string, ProcessInfo | 'no-pid'>();
  lookups: string[] = [];
  /** per request: was it lazy (only the remote had sent on the connection)? */
  requests: boolean[] = [];
  private started = 0;
  private published = 0;
  private readonly firstMiss = new Map<string, { gen: number; started: number }>();
  lookup(proto: number, local: Uint32Array, localPort: number, remote: Uint32Array, remotePort: number, lazy = false): Lookup {
    const key = `${proto} ${formatAddress(local)}:${localPort}`;
    const tuple = `${key} ${formatAddress(remote)}:${remotePort}`;
    this.lookups.push(`${tuple}${lazy ? ' lazy' : ''}`);
    const hit = this.sockets.get(key);
    if (hit === 'no-pid') return { kind: 'unknown' };
    if (hit) return { kind: 'process', proc: hit };
    let first = this.firstMiss.get(tuple);
    if (first === undefined) this.firstMiss.set(tuple, (first = { gen: this.generation, started: this.started }));
    return { kind: 'miss', generation: this.published > first.started ? this.generation : first.gen };
  }
  requestRescan(lazy = false): void {
    this.rescans++;
    this.requests.push(lazy);
  }
  /** A rescan begins (its table comes with the next completeRescan). */
  startRescan(): void {
    this.started++;
  }
  /** The rescan under way completes, or one that starts now. */
  completeRescan(): void {
    if (this.published === this.started) this.started++;
    this.published = this.started;
    this.generation++;
  }
  close(): void {}
  peerAddrs: { addr: Uint32Array; netns: string | null }[] = [];
  localAddresses() {
    return this.peerAddrs;
  }
}

function procRow(snap: ReturnType<ReturnType<typeof testEngine>['engine']['publish']>, name: string) {
  return snap.processes.find((p) => p.name === name);
}

describe('attribution (DESIGN §2)', () => {
  it('asks lazily for connections only the remote has sent on (a scan); at once when we sent, or an ICMP error quotes what we sent', () => {
    const resolver = new FakeResolver();
    const { engine } = testEngine({ resolver });
    resolver.startRescan(); // under way: its table will not decide these
    tcp(engine, T0, '192.0.2.66', LOCAL, 51515, 23, TCP_SYN, 0); // a scan …
    tcp(engine, T0, LOCAL, '192.0.2.66', 23, 51515, TCP_RST | TCP_ACK, 0); // … and the kernel's reset: no socket sent it
    expect(resolver.lookups).toEqual([`6 ${LOCAL}:23 192.0.2.66:51515 lazy`]);
    expect(resolver.requests.length).toBe(1);
    expect(resolver.requests.every((lazy) => lazy)).toBe(true);
    resolver.lookups.length = 0;
    resolver.requests.length = 0;
    udp(engine, T0 + 1, LOCAL, '203.0.113.9', 40001, 53, 40); // a query from a new process
    expect(resolver.lookups).toEqual([`17 ${LOCAL}:40001 203.0.113.9:53`]);
    expect(resolver.requests).toEqual([false]);
    resolver.lookups.length = 0;
    resolver.requests.length = 0;
    const icmp = Buffer.alloc(256); // the far end's port-unreachable for a datagram we sent
    const n = icmpFrame(icmp, ipv4('203.0.113.9'), L, 3, 3, false, { src: L, dst: ipv4('203.0.113.9'), sport: 40002, dport: 53 });
    engine.frame(icmp, 0, n, 0, T0 + 2, LinkType.ETHERNET);
    expect(resolver.lookups).toEqual([`17 ${LOCAL}:40002 203.0.113.9:53`]);
    expect(resolver.requests).toEqual([false]);
    resolver.lookups.length = 0;
    resolver.requests.length = 0;
    resolver.completeRescan();
    engine.resolvePending(T0 + 200); // asked again with the new table (not fresh enough to decide), the same way
    expect(resolver.requests.filter((lazy) => lazy).length).toBe(1);
    expect(resolver.requests.filter((lazy) => !lazy).length).toBe(2);
  });

  it('a connection asked for lazily asks at once when a socket here answers on it (a server that was not in the table yet)', () => {
    const resolver = new FakeResolver();
    const { engine } = testEngine({ resolver });
    udp(engine, T0, '203.0.113.5', LOCAL, 40000, 5353, 40);
    expect(resolver.requests).toEqual([true]);
    udp(engine, T0 + 1, LOCAL, '203.0.113.5', 5353, 40000, 400); // the new server answers
    expect(resolver.requests).toEqual([true, false]);
    udp(engine, T0 + 2, LOCAL, '203.0.113.5', 5353, 40000, 400);
    expect(resolver.requests).toEqual([true, false]); // once
  });

  it('a UDP server answering queries owns its traffic: named is the top tx process with its pid', () => {
    const resolver = new FakeResolver();
    resolver.sockets.set(`17 ${LOCAL}:53`, named);
    const { engine } = testEngine({ resolver });
    let tx = 0;
    for (let i = 0; i < 50; i++) {
      udp(engine, T0 + i, '203.0.113.5', LOCAL, 40000 + i, 53, 40);
      tx += udp(engine, T0 + i, LOCAL, '203.0.113.5', 53, 40000 + i, 400);
    }
    const snap = engine.publish(T0 + 1000);
    const top = [...snap.processes].sort((a, b) => b.txBytes - a.txBytes)[0]!;
    expect(top.pid).toBe(812);
    expect(top.name).toBe('named');
    expect(top.txBytes).toBe(tx);
    expect(top.connections).toBe(50);
    expect(snap.connections.every((c) => c.pid === 812)).toBe(true);
    expect(snap.hosts.find((h) => h.host === '203.0.113.5')!.processKeys).toEqual(['812:77']);
  });

  it('a flood from many sources to a closed port: each connection is looked up once per table, not once per pass', () => {
    const resolver = new FakeResolver();
    const { engine } = testEngine({ resolver });
    for (let i = 0; i < 500; i++) udp(engine, T0 + i, `203.0.${i >> 8}.${i & 255}`, LOCAL, 40000, 53, 40);
    expect(resolver.lookups.length).toBe(500); // the first lookup, as each connection appears
    for (let pass = 1; pass <= 5; pass++) engine.resolvePending(T0 + 1000 + pass * 200); // no new table meanwhile
    expect(resolver.lookups.length).toBe(500);
    resolver.completeRescan();
    engine.resolvePending(T0 + 2200); // once more each, for the new table: decided, <no listener>
    engine.resolvePending(T0 + 2400);
    expect(resolver.lookups.length).toBe(1000);
    expect(engine.awaitingAttribution).toBe(false);
    resolver.completeRescan();
    engine.resolvePending(T0 + 2600);
    expect(resolver.lookups.length).toBe(1000); // nothing left to ask
    expect(procRow(engine.publish(T0 + 3000), '<no listener>')!.packets).toBe(500);
  });

  it('a new table under a flood: the waiting connections are decided a few thousand a pass, not all at once', () => {
    const resolver = new FakeResolver();
    const { engine } = testEngine({ resolver });
    for (let i = 0; i < 10_000; i++) udp(engine, T0 + (i % 900), `203.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, LOCAL, 40000, 53, 40);
    resolver.completeRescan();
    resolver.completeRescan();
    const before = resolver.lookups.length;
    engine.resolvePending(T0 + 1000);
    expect(resolver.lookups.length - before).toBe(2000);
    for (let pass = 1; pass < 5; pass++) engine.resolvePending(T0 + 1000 + pass * 200);
    expect(resolver.lookups.length - before).toBe(10_000);
    expect(engine.awaitingAttribution).toBe(false);
    expect(procRow(engine.publish(T0 + 2000), '<no listener>')!.packets).toBe(10_000);
  });

  it('a socket without an owner yet is asked again at every pass (its owner may be found between tables)', () => {
    const resolver = new FakeResolver();
    resolver.sockets.set(`17 ${LOCAL}:53`, 'no-pid');
    const { engine } = testEngine({ resolver });
    udp(engine, T0, '203.0.113.7', LOCAL, 40000, 53, 40);
    engine.resolvePending(T0 + 200);
    engine.resolvePending(T0 + 400);
    expect(resolver.lookups.length).toBe(3);
    resolver.sockets.set(`17 ${LOCAL}:53`, named); // the fd walk found it; no new table
    engine.resolvePending(T0 + 600);
    expect(procRow(engine.publish(T0 + 1000), 'named')!.packets).toBe(1);
  });

  it('a scan of closed ports is <no listener> once a rescan that began after it has missed', () => {
    const resolver = new FakeResolver();
    const { engine } = testEngine({ resolver });
    let bytes = 0;
    resolver.startRescan(); // under way when the scan comes
    for (let p = 1; p <= 20; p++) {
      bytes += tcp(engine, T0 + p, '192.0.2.66', LOCAL, 51515, p, TCP_SYN, 0);
      bytes += tcp(engine, T0 + p, LOCAL, '192.0.2.66', p, 51515, TCP_RST | TCP_ACK, 0);
    }
    engine.resolvePending(T0 + 100);
    expect(procRow(engine.publish(T0 + 1000), '<no listener>')?.packets ?? 0).toBe(0); // undecided: no fresh scan yet
    expect(resolver.rescans).toBeGreaterThan(0);
    resolver.completeRescan(); // it started before the packets: its table cannot tell
    engine.resolvePending(T0 + 1100);
    expect(procRow(engine.publish(T0 + 1000), '<no listener>')?.packets ?? 0).toBe(0);
    resolver.completeRescan(); // started after them
    engine.resolvePending(T0 + 1200);
    const snap = engine.publish(T0 + 2000);
    const nl = procRow(snap, '<no listener>')!;
    expect(nl.rxBytes + nl.txBytes).toBe(bytes);
    expect(procRow(snap, '<unknown>')?.packets ?? 0).toBe(0);
  });

  it('the ICMP port-unreachable we send answering a UDP probe is <no listener>', () => {
    const { engine } = testEngine({ resolver: new FakeResolver() });
    const n = portUnreachable(engine, T0 + 5, '192.0.2.66', 51516, 1234);
    const snap = engine.publish(T0 + 1000);
    expect(procRow(snap, '<no listener>')!.txBytes).toBe(n);
    expect(snap.connections[0]!.local).toBe(`${LOCAL}:1234`);
  });

  it('a connection we sent data on is never <no listener>: <unknown>, retried, then moved to its process', () => {
    const resolver = new FakeResolver();
    const { engine } = testEngine({ resolver });
    const a = tcp(engine, T0 + 1, LOCAL, '198.51.100.20', 45000, 443, TCP_SYN, 0);
    const b = tcp(engine, T0 + 2, LOCAL, '198.51.100.20', 45000, 443, TCP_ACK, 500);
    resolver.completeRescan();
    resolver.completeRescan();
    engine.resolvePending(T0 + 10);
    let snap = engine.publish(T0 + 1000);
    expect(procRow(snap, '<unknown>')!.txBytes).toBe(a + b);
    expect(procRow(snap, '<no listener>')?.packets ?? 0).toBe(0);
    // the socket turns up in a later scan: the retry moves the bytes, nothing is counted twice
    resolver.sockets.set(`6 ${LOCAL}:45000`, curl);
    engine.resolvePending(T0 + 10 + 5_000);
    snap = engine.publish(T0 + 6000);
    expect(procRow(snap, 'curl')!.txBytes).toBe(a + b);
    expect(procRow(snap, '<unknown>')?.txBytes ?? 0).toBe(0);
    expect(snap.totals.txBytes).toBe(a + b);
  });

  it('ICMP echo, ARP and other protocols are <kernel>; no resolver (files) means no process rows for TCP/UDP', () => {
    const { engine } = testEngine();
    udp(engine, T0 + 1, '203.0.113.5', LOCAL, 1, 53, 10);
    const snap = engine.publish(T0 + 1000);
    expect(snap.processes.filter((p) => p.packets > 0).map((p) => p.name)).toEqual([]);
    expect(snap.connections[0]!.process).toBe('');
  });

  it('PID reuse: a new process with the same pid is a new row', () => {
    const resolver = new FakeResolver();
    resolver.sockets.set(`17 ${LOCAL}:53`, named);
    const { engine } = testEngine({ resolver });
    udp(engine, T0 + 1, '203.0.113.5', LOCAL, 40000, 53, 10);
    resolver.sockets.set(`17 ${LOCAL}:53`, { ...named, name: 'imposter', startTime: 5000 });
    udp(engine, T0 + 2, '203.0.113.6', LOCAL, 40001, 53, 10);
    const snap = engine.publish(T0 + 1000);
    expect(snap.processes.filter((p) => p.pid === 812).map((p) => p.name).sort()).toEqual(['imposter', 'named']);
  });

  it('both ends on this host (a veth to a namespace): both processes appear, each with its own direction', async () => {
    const { parseAddress } = await import('../../src/util/address.js');
    const resolver = new FakeResolver();
    const peerAddr = '198.18.0.2';
    const server: ProcessInfo = { pid: 5000, name: 'pg', cmdline: 'postgres', user: 'postgres', netns: 'db', startTime: 1 };
    resolver.peerAddrs = [{ addr: parseAddress(peerAddr)!, netns: 'db' }];
    resolver.sockets.set(`6 ${LOCAL}:41000`, curl);
    resolver.sockets.set(`6 ${peerAddr}:5432`, server);
    const { engine } = testEngine({ resolver });
    const out = tcp(engine, T0 + 1, LOCAL, peerAddr, 41000, 5432, TCP_ACK, 100);
    const back = tcp(engine, T0 + 2, peerAddr, LOCAL, 5432, 41000, TCP_ACK, 900);
    const other = tcp(engine, T0 + 3, LOCAL, '203.0.113.9', 41001, 443, TCP_ACK, 10); // a real remote: no peer lookup
    const snap = engine.publish(T0 + 1000);
    const c = procRow(snap, 'curl')!;
    const pg = procRow(snap, 'pg')!;
    expect([c.txBytes, c.rxBytes]).toEqual([out, back]);
    expect([pg.txBytes, pg.rxBytes]).toEqual([back, out]); // the server's view: it sent the reply
    expect(pg.netns).toBe('db');
    expect(snap.hosts.find((h) => h.host === peerAddr)!.processKeys.sort()).toEqual(['4242:99', '5000:1']);
    const conn = snap.connections.find((x) => x.remote === `${peerAddr}:5432`)!;
    expect([conn.processKey, conn.peerProcessKey]).toEqual(['4242:99', '5000:1']);
    expect(snap.connections.find((x) => x.remote === '203.0.113.9:443')!.peerProcessKey).toBeUndefined();
    expect(resolver.lookups.filter((l) => l.startsWith(`6 ${peerAddr}`))).toHaveLength(1);
    void other;
  });

  it('connections waiting for their peer are asked again only when a new table has come', async () => {
    const { parseAddress } = await import('../../src/util/address.js');
    const resolver = new FakeResolver();
    resolver.peerAddrs = [{ addr: parseAddress('198.18.0.3')!, netns: 'b' }];
    resolver.sockets.set(`6 ${LOCAL}:5201`, { ...curl, pid: 7001 });
    const { engine } = testEngine({ resolver });
    for (let i = 0; i < 50; i++) tcp(engine, T0 + i, '198.18.0.3', LOCAL, 40000 + i, 5201, TCP_ACK, 100);
    const asked = (): number => resolver.lookups.filter((l) => l.startsWith('6 198.18.0.3:')).length;
    expect(asked()).toBe(50); // each once, when it appeared
    for (let pass = 0; pass < 5; pass++) engine.resolvePending(T0 + 200 * pass);
    expect(asked()).toBe(50); // the same table: the same answer, not asked
    resolver.completeRescan();
    engine.resolvePending(T0 + 1200);
    expect(asked()).toBe(100);
  });

  it('a connection seen before the resolver knows the other namespaces still gets its peer once a rescan shows them', async () => {
    const { parseAddress } = await import('../../src/util/address.js');
    const resolver = new FakeResolver();
    const peerAddr = '198.18.0.3';
    const sender: ProcessInfo = { pid: 6000, name: 'iperf3', cmdline: 'iperf3 -c', user: 'root', netns: 'b', startTime: 2 };
    resolver.sockets.set(`6 ${LOCAL}:5201`, { ...sender, pid: 6001, netns: null });
    const { engine } = testEngine({ resolver });
    const n = tcp(engine, T0 + 1, peerAddr, LOCAL, 40000, 5201, TCP_ACK, 1000); // no namespaces known yet
    resolver.peerAddrs = [{ addr: parseAddress(peerAddr)!, netns: 'b' }];
    resolver.sockets.set(`6 ${peerAddr}:40000`, sender);
    resolver.completeRescan();
    engine.resolvePending(T0 + 300);
    const snap = engine.publish(T0 + 1000);
    expect(procRow(snap, 'iperf3') && snap.processes.filter((p) => p.name === 'iperf3').map((p) => [p.pid, p.netns, p.txBytes, p.rxBytes])).toEqual([
      [6001, null, 0, n],
      [6000, 'b', n, 0],
    ]);
  });
});

