import { afterEach, describe, expect, it } from 'vitest';
import { pickHostname, ReverseDns, type ReverseResolver } from '../../src/names/reverse-dns.js';
import { FakeDnsServer, reverseName, type FakeAnswer } from './fake-dns-server.js';

const open: { stop(): Promise<void> }[] = [];
const dnsClients: ReverseDns[] = [];
afterEach(async () => {
  for (const d of dnsClients.splice(0)) d.close();
  await Promise.all(open.splice(0).map((s) => s.stop()));
});

async function fakeServer(table: Record<string, FakeAnswer>, fallback?: FakeAnswer): Promise<{ server: FakeDnsServer; addr: string }> {
  const answers = new Map(Object.entries(table).map(([ip, a]) => [reverseName(ip), a] as const));
  const server = new FakeDnsServer(answers, fallback);
  const addr = await server.start();
  open.push(server);
  return { server, addr };
}

function client(addr: string, opts: ConstructorParameters<typeof ReverseDns>[0] = {}): ReverseDns {
  const d = new ReverseDns({ servers: [addr], timeoutMs: 400, ...opts });
  dnsClients.push(d);
  return d;
}

async function until<T>(f: () => T | null, ms = 3000): Promise<T | null> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== null || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('ReverseDns against a fake DNS server on 127.0.0.1', () => {
  it('returns null at once, then the name; caches it', async () => {
    const { server, addr } = await fakeServer({ '198.18.0.2': { ptr: [['ns1', 'example', 'org']] } });
    const resolved: [string, string | null][] = [];
    const d = client(addr, { onResolved: (a, n) => resolved.push([a, n]) });
    expect(d.host('198.18.0.2')).toBeNull();
    expect(await until(() => d.host('198.18.0.2'))).toBe('ns1.example.org');
    expect(resolved).toEqual([['198.18.0.2', 'ns1.example.org']]);
    for (let i = 0; i < 5; i++) d.host('198.18.0.2');
    expect(server.queries).toEqual([reverseName('198.18.0.2')]);
  });

  it('skips an invalid answer in favour of a valid one', async () => {
    const { addr } = await fakeServer({ '198.18.0.3': { ptr: [['bad\u0007name'], ['good', 'example']] } });
    const d = client(addr);
    d.host('198.18.0.3');
    expect(await until(() => d.host('198.18.0.3'))).toBe('good.example');
  });

  const hostile: [string, FakeAnswer][] = [
    ['escape sequence', { ptr: [['evil\u001b[2J\u001b]0;pwned\u0007', 'example']] }],
    ['control characters', { ptr: [['a\r\nb', 'example']] }],
    ['NUL byte', { ptr: [[Buffer.from('a\u0000b', 'latin1'), 'example']] }],
    ['high bytes', { ptr: [[Buffer.from([0xc3, 0xa9, 0x9b, 0x32, 0x4a]), 'example']] }],
    ['spaces and quotes', { ptr: [['a b"c', 'example']] }],
    ['dot inside a label', { ptr: [['a.b\\', 'example']] }],
    ['label starting with a hyphen', { ptr: [['-bad', 'example']] }],
    ['over-long name', { ptr: [Array.from({ length: 5 }, (_, i) => String(i).repeat(63))] }],
    ['empty answer', { ptr: [] }],
    ['NXDOMAIN', { rcode: 3 }],
    ['SERVFAIL', { rcode: 2 }],
    ['truncated garbage', { garbage: Buffer.from([0, 0, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 9]) }],
  ];
  it.each(hostile)('%s → never shown', async (_what, answer) => {
    const { server, addr } = await fakeServer({ '198.18.0.4': answer });
    const d = client(addr);
    expect(d.host('198.18.0.4')).toBeNull();
    await until(() => (d.stats().inFlight === 0 && server.queries.length > 0 ? true : null));
    expect(d.stats().inFlight).toBe(0);
    expect(d.host('198.18.0.4')).toBeNull();
    // negative answers are cached too: no second query
    const before = server.queries.length;
    d.host('198.18.0.4');
    await sleep(30);
    expect(server.queries.length).toBe(before);
  });

  it('a dead server: null, at most maxInFlight queries at a time, slots freed after the timeout', async () => {
    const { server, addr } = await fakeServer({}, { drop: true });
    const d = client(addr, { timeoutMs: 300, maxInFlight: 8 });
    const addrs = Array.from({ length: 50 }, (_, i) => `198.18.1.${i + 1}`);
    for (let round = 0; round < 5; round++) {
      for (const a of addrs) expect(d.host(a)).toBeNull();
    }
    expect(d.stats().inFlight).toBe(8);
    expect(d.stats().queued).toBe(42);
    await sleep(150);
    expect(server.queries.length).toBe(8);
    expect(d.stats().started).toBe(8);
    // after the timeout the next 8 go out, never more than 8 at once
    expect(await until(() => (d.stats().started >= 16 ? true : null), 2000)).toBe(true);
    expect(d.stats().inFlight).toBeLessThanOrEqual(8);
    d.close();
    expect(d.stats().queued).toBe(0);
  });

  it('bounds the queue, dropping the oldest requests', async () => {
    const { addr } = await fakeServer({}, { drop: true });
    const d = client(addr, { maxInFlight: 1, maxQueued: 3 });
    for (let i = 1; i <= 10; i++) d.host(`198.18.2.${i}`);
    expect(d.stats()).toMatchObject({ inFlight: 1, queued: 3 });
  });

  it('ignores what is not an IP address', async () => {
    const { server, addr } = await fakeServer({});
    const d = client(addr);
    for (const a of ['198.18.0.0/24', '198.18.0.1 ⇄ 198.18.0.2', '', 'example.org', '1.2.3']) expect(d.host(a)).toBeNull();
    await sleep(50);
    expect(server.queries).toEqual([]);
    expect(d.stats().started).toBe(0);
  });

  it('looks up IPv4-mapped IPv6 as IPv4', async () => {
    const { addr } = await fakeServer({ '198.18.0.5': { ptr: [['mapped', 'example']] } });
    const d = client(addr);
    d.host('::ffff:198.18.0.5');
    expect(await until(() => d.host('::ffff:198.18.0.5'))).toBe('mapped.example');
  });
});

describe('ReverseDns cache (fake resolver, fake clock)', () => {
  function fakeResolver(answers: Map<string, string[] | string>): ReverseResolver & { calls: string[] } {
    const calls: string[] = [];
    return {
      calls,
      reverse(ip, cb) {
        calls.push(ip);
        const a = answers.get(ip);
        queueMicrotask(() => {
          if (typeof a === 'string') cb(Object.assign(new Error(a), { code: a }), []);
          else cb(null, a ?? []);
        });
      },
      cancel() {},
    };
  }

  it('expires positive and negative answers, shows a stale name while refreshing', async () => {
    let now = 0;
    const answers = new Map<string, string[] | string>([
      ['198.18.0.2', ['a.example.']],
      ['198.18.0.3', 'ENOTFOUND'],
      ['198.18.0.4', 'ETIMEOUT'],
    ]);
    const r = fakeResolver(answers);
    const d = new ReverseDns({ resolver: r, now: () => now, positiveTtlMs: 1000, negativeTtlMs: 500, failureTtlMs: 100 });
    d.host('198.18.0.2');
    d.host('198.18.0.3');
    d.host('198.18.0.4');
    await sleep(0);
    expect(d.host('198.18.0.2')).toBe('a.example');
    expect(d.host('198.18.0.3')).toBeNull();
    expect(r.calls).toEqual(['198.18.0.2', '198.18.0.3', '198.18.0.4']);
    now = 200; // failure expired, the others not
    d.host('198.18.0.2');
    d.host('198.18.0.3');
    d.host('198.18.0.4');
    expect(r.calls.length).toBe(4);
    now = 1500;
    answers.set('198.18.0.2', ['b.example']);
    expect(d.host('198.18.0.2')).toBe('a.example'); // stale, refresh under way
    await sleep(0);
    expect(d.host('198.18.0.2')).toBe('b.example');
  });

  it('is a bounded LRU', async () => {
    const r = fakeResolver(new Map());
    const d = new ReverseDns({ resolver: r, cacheSize: 3, maxInFlight: 100 });
    for (let i = 1; i <= 10; i++) d.host(`198.18.3.${i}`);
    await sleep(0);
    expect(d.stats().cached).toBe(3);
  });
});

describe('pickHostname', () => {
  it('keeps valid names (trailing dot dropped) and rejects the rest', () => {
    expect(pickHostname(['host.example.'])).toBe('host.example');
    expect(pickHostname(['a\\027[31m.example', 'x'])).toBe('x');
    expect(pickHostname(['a'.repeat(254)])).toBeNull();
    expect(pickHostname([`${'a'.repeat(64)}.example`])).toBeNull();
    expect(pickHostname(['', '.', 42 as unknown as string])).toBeNull();
  });
});
