import { describe, expect, it } from 'vitest';
import { findCandidates, matchSocket } from '../../src/procs/matcher.js';
import { Proto, SocketEntry, TcpState } from '../../src/procs/proc-net-parser.js';
import { SocketTable, addrKey, buildNamespaceTable, keyToWords } from '../../src/procs/socket-table.js';
import { parseAddress } from '../../src/util/address.js';

const A = (t: string): Uint32Array => parseAddress(t)!;
const { LISTEN, ESTABLISHED, TIME_WAIT, CLOSE } = TcpState;

/** "tcp 198.18.0.1:80 0.0.0.0:0 LISTEN 101" */
function sock(spec: string, netns: number): SocketEntry {
  const [p, l, r, st, ino] = spec.split(' ') as [string, string, string, string, string];
  const split = (ep: string): [Uint32Array, number] => {
    const i = ep.lastIndexOf(':');
    return [A(ep.slice(0, i).replace(/^\[|\]$/g, '')), Number(ep.slice(i + 1))];
  };
  const [la, lp] = split(l);
  const [ra, rp] = split(r);
  const state = { LISTEN, ESTABLISHED, TIME_WAIT, CLOSE }[st as 'LISTEN']!;
  const proto = p.startsWith('tcp') ? Proto.TCP : Proto.UDP;
  const family = p.endsWith('6') ? 6 : 4;
  return new SocketEntry(proto, family, la[0]!, la[1]!, la[2]!, la[3]!, lp, ra[0]!, ra[1]!, ra[2]!, ra[3]!, rp, state, 0, Number(ino), netns);
}

const OURS = [
  'tcp 0.0.0.0:80 0.0.0.0:0 LISTEN 1', // v4 wildcard listener
  'tcp 198.18.0.1:80 0.0.0.0:0 LISTEN 2', // specific listener beats the wildcard
  'tcp6 :::443 :::0 LISTEN 3', // dual-stack
  'tcp6 ::ffff:198.18.0.1:8443 :::0 LISTEN 4', // v4-mapped bound listener in tcp6
  'tcp6 fd00::1:22 :::0 LISTEN 5',
  'tcp 198.18.0.1:80 198.18.0.9:5000 ESTABLISHED 6', // exact 4-tuple beats the listener
  'tcp 198.18.0.1:40000 198.18.0.9:80 TIME_WAIT 0',
  'tcp6 ::ffff:198.18.0.1:443 ::ffff:198.18.0.9:6000 ESTABLISHED 7', // accepted v4 conn on a :: listener
  'udp 0.0.0.0:53 0.0.0.0:0 CLOSE 10',
  'udp 198.18.0.1:53 0.0.0.0:0 CLOSE 11',
  'udp 198.18.0.1:53 198.18.0.9:7000 ESTABLISHED 12', // connected UDP beats bound
  'udp6 :::5353 :::0 CLOSE 13',
  'udp6 fd00::1:123 :::0 CLOSE 14',
  'udp 0.0.0.0:0 0.0.0.0:0 CLOSE 15', // unbound: never matches
  'tcp 0.0.0.0:9090 0.0.0.0:0 LISTEN 20', // our 9090 wildcard; the peer has a specific one
];
const PEER = [
  'tcp 198.18.0.2:9090 0.0.0.0:0 LISTEN 30',
  'tcp 0.0.0.0:7070 0.0.0.0:0 LISTEN 31',
  'tcp 0.0.0.0:80 0.0.0.0:0 LISTEN 32', // a wildcard in the peer: only for the peer's addresses
  'tcp 198.18.0.2:9090 198.18.0.1:41000 ESTABLISHED 33',
  'udp6 :::53 :::0 CLOSE 34',
];

const ours = buildNamespaceTable({
  netns: 1,
  name: null,
  own: true,
  localAddrs: new Set(['198.18.0.1', '127.0.0.1', 'fd00::1'].map((a) => addrKey(A(a)))),
  entries: OURS.map((s) => sock(s, 1)),
});
const peer = buildNamespaceTable({
  netns: 2,
  name: 'peer',
  own: false,
  localAddrs: new Set([addrKey(A('198.18.0.2'))]),
  entries: PEER.map((s) => sock(s, 2)),
});
// peer listed first on purpose: the table puts ours first
const table = new SocketTable([peer, ours], 1, 0);

const CASES: [string, string, string, string, number | null, string?][] = [
  // proto, local, remote, (rule description), expected inode, expected rule
  ['tcp', '198.18.0.1:80', '198.18.0.9:5000', '4-tuple beats listener', 6, 'tuple'],
  ['tcp', '198.18.0.1:80', '198.18.0.9:5001', 'specific listener beats wildcard', 2, 'local'],
  ['tcp', '127.0.0.1:80', '127.0.0.1:5001', 'v4 wildcard listener', 1, 'wildcard'],
  ['tcp', '198.18.0.1:443', '198.18.0.9:6000', 'accepted v4-mapped connection by tuple', 7, 'tuple'],
  ['tcp', '198.18.0.1:443', '198.18.0.9:6001', 'IPv4 packet on a dual-stack :: listener', 3, 'wildcard'],
  ['tcp', '[fd00::1]:443', '[fd00::9]:6001', 'IPv6 on :: listener', 3, 'wildcard'],
  ['tcp', '198.18.0.1:8443', '198.18.0.9:1', 'IPv4 on a v4-mapped bound listener', 4, 'local'],
  ['tcp', '[fd00::1]:22', '[fd00::9]:1', 'specific v6 listener', 5, 'local'],
  ['tcp', '[fd00::1]:80', '[fd00::9]:1', 'IPv6 never matches a 0.0.0.0 listener', null],
  ['tcp', '198.18.0.1:40000', '198.18.0.9:80', 'TIME_WAIT tuple is found (inode 0)', 0, 'tuple'],
  ['tcp', '198.18.0.1:81', '198.18.0.9:1', 'no socket: miss', null],
  ['udp', '198.18.0.1:53', '198.18.0.9:7000', 'connected UDP by tuple', 12, 'tuple'],
  ['udp', '198.18.0.1:53', '198.18.0.9:7001', 'UDP bound ip:port', 11, 'local'],
  ['udp', '127.0.0.1:53', '127.0.0.1:7001', 'UDP wildcard', 10, 'wildcard'],
  ['udp', '198.18.0.1:5353', '198.18.0.9:1', 'UDP IPv4 on :: socket', 13, 'wildcard'],
  ['udp', '224.0.0.251:5353', '198.18.0.9:5353', 'multicast to a wildcard socket', 13, 'wildcard'],
  ['udp', '[fd00::1]:123', '[fd00::9]:123', 'UDP v6 bound', 14, 'local'],
  ['udp', '198.18.0.1:0', '198.18.0.9:1', 'port 0 never matches', null],
  ['udp', '198.18.0.1:80', '198.18.0.9:1', 'TCP sockets do not answer UDP', null],
  // namespaces
  ['tcp', '198.18.0.2:9090', '198.18.0.1:41000', 'peer namespace 4-tuple', 33, 'tuple'],
  ['tcp', '198.18.0.2:9090', '198.18.0.1:41001', 'peer specific listener beats our wildcard', 30, 'local'],
  ['tcp', '198.18.0.2:7070', '198.18.0.1:1', 'peer wildcard for the peer address', 31, 'wildcard'],
  ['tcp', '198.18.0.1:7070', '198.18.0.9:1', 'peer wildcard not for our address', null],
  ['tcp', '198.18.0.2:80', '198.18.0.1:1', 'our wildcard does not claim a peer address; the peer one does', 32, 'wildcard'],
  ['tcp', '198.18.0.7:80', '198.18.0.1:1', 'an address nobody claims falls back to ours', 1, 'wildcard'],
  ['udp', '198.18.0.2:53', '198.18.0.1:1', 'peer dual-stack UDP for the peer address', 34, 'wildcard'],
];

function ep(t: string): [Uint32Array, number] {
  const i = t.lastIndexOf(':');
  return [A(t.slice(0, i).replace(/^\[|\]$/g, '')), Number(t.slice(i + 1))];
}

describe('matcher: DESIGN §2 rules and precedence', () => {
  it.each(CASES)('%s %s ← %s: %s', (p, l, r, _why, inode, rule) => {
    const [la, lp] = ep(l);
    const [ra, rp] = ep(r);
    const m = matchSocket(table, p === 'tcp' ? 6 : 17, la, lp, ra, rp);
    if (inode === null) {
      expect(m).toBeNull();
    } else {
      expect(m?.entry.inode).toBe(inode);
      expect(m?.rule).toBe(rule);
    }
  });

  it('lists every candidate in order: tuple first, then listener stand-ins', () => {
    const [la, lp] = ep('198.18.0.1:80');
    const [ra, rp] = ep('198.18.0.9:5000');
    expect(findCandidates(table, 6, la, lp, ra, rp).map((c) => [c.entry.inode, c.rule, c.ns.name])).toEqual([
      [6, 'tuple', null],
      [2, 'local', null],
      [1, 'wildcard', null],
    ]);
  });

  it('puts our namespace first', () => {
    expect(table.namespaces.map((n) => n.name)).toEqual([null, 'peer']);
  });

  it('ignores protocols other than TCP and UDP', () => {
    const [la, lp] = ep('198.18.0.1:80');
    expect(matchSocket(table, 1, la, lp, la, 0)).toBeNull();
    expect(matchSocket(SocketTable.empty(), 6, la, lp, la, 1)).toBeNull();
  });

  it('keyToWords inverts addrKey', () => {
    for (const a of ['198.18.0.1', '::', 'fd00::1', '0.0.0.0', 'ff02::fb']) expect([...keyToWords(addrKey(A(a)))!]).toEqual([...A(a)]);
    expect(keyToWords('x')).toBeNull();
  });
});
