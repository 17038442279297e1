import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProcNet, Proto, TcpState, type SocketEntry } from '../../src/procs/proc-net-parser.js';
import { formatAddress } from '../../src/util/address.js';

const BASIC = new URL('../fixtures/proc/basic/proc/', import.meta.url).pathname;
const read = (f: string) => readFileSync(join(BASIC, f));
const show = (e: SocketEntry) =>
  `${formatAddress(e.local)}:${e.localPort} ${formatAddress(e.remote)}:${e.remotePort} ${e.state.toString(16)} ${e.uid} ${e.inode}`;

describe('parseProcNet on real files (fixture basic)', () => {
  it('converts IPv4 host-order words to big-endian and maps them into ::ffff:0:0/96', () => {
    const rows = parseProcNet(read('net/tcp'), 'tcp', { littleEndian: true, netns: 7 }).map(show);
    expect(rows).toEqual([
      '0.0.0.0:8080 0.0.0.0:0 a 0 25096',
      '198.18.1.1:8082 0.0.0.0:0 a 0 25098',
      '127.0.0.1:38518 127.0.0.1:8080 1 0 25137',
      '127.0.0.1:8080 127.0.0.1:38518 1 0 25138',
      '198.18.1.1:51212 198.18.1.1:8081 1 0 25139',
      '198.18.1.1:52438 198.18.1.2:9000 1 0 25143',
      // TIME_WAIT: no inode
      '198.18.1.1:42154 198.18.1.1:8082 6 0 0',
    ]);
    const e = parseProcNet(read('net/tcp'), 'tcp', { littleEndian: true, netns: 7 })[0]!;
    expect([e.proto, e.family, e.netns, e.state]).toEqual([Proto.TCP, 4, 7, TcpState.LISTEN]);
    expect([...e.local]).toEqual([0, 0, 0xffff, 0]);
  });

  it('converts IPv6 word by word, and v4-mapped sockets come out in the same form as IPv4', () => {
    const rows = parseProcNet(read('net/tcp6'), 'tcp6', { littleEndian: true }).map(show);
    expect(rows).toEqual([
      ':::8081 :::0 a 0 25097',
      'fd00:1::1:8083 :::0 a 0 25099',
      '198.18.1.1:8081 198.18.1.1:51212 1 0 25140',
      'fd00:1::1:8081 fd00:1::1:47034 1 0 25142',
      'fd00:1::1:47034 fd00:1::1:8081 1 0 25141',
    ]);
    const mapped = parseProcNet(read('net/tcp6'), 'tcp6', { littleEndian: true })[2]!;
    expect([...mapped.local]).toEqual([0, 0, 0xffff, 0xc6120101]);
    expect(mapped.family).toBe(6);
  });

  it('reads UDP bound and connected sockets, and uids', () => {
    expect(parseProcNet(read('net/udp'), 'udp', { littleEndian: true }).map(show)).toEqual([
      '0.0.0.0:5353 0.0.0.0:0 7 0 25100',
      '198.18.1.1:5356 198.18.1.2:9999 1 0 25103',
    ]);
    expect(parseProcNet(read('net/udp6'), 'udp6', { littleEndian: true }).map(show)).toEqual([
      'fd00:1::1:50092 fd00:1::1:5354 1 0 25147',
      'fd00:1::1:5354 :::0 7 0 25101',
      ':::5355 :::0 7 0 25102',
    ]);
    const peer = parseProcNet(read('11783/net/tcp'), 'tcp', { littleEndian: true }).map(show);
    expect(peer).toContain('198.18.1.2:9000 198.18.1.1:52438 1 1234 25144');
  });

  it('honours big-endian input', () => {
    const text = '  sl  local_address rem_address   st\n   0: C6120101:0035 C6120102:1F90 01 00000000:00000000 00:00000000 00000000   53        0 42 1 0\n';
    const [e] = parseProcNet(text, 'udp', { littleEndian: false });
    expect(show(e!)).toBe('198.18.1.1:53 198.18.1.2:8080 1 53 42');
    expect(e!.proto).toBe(Proto.UDP);
  });

  it('skips malformed and truncated lines instead of throwing', () => {
    const text = [
      'header',
      '   0: 0100007F:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11 1 0',
      '   1: ZZZZ:0035 00000000:0000 0A',
      '   2: 0100007F:',
      '',
      '   3: 0100007F:0036 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0',
      '   4: 0100007F:0037 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12 1 0',
    ].join('\n');
    expect(parseProcNet(text, 'tcp', { littleEndian: true }).map((e) => e.inode)).toEqual([11, 12]);
    expect(parseProcNet('', 'tcp')).toEqual([]);
    expect(parseProcNet(Buffer.from([0xff, 0x0a, 0x00, 0x3a]), 'raw6')).toEqual([]);
  });

  it('parses 20 000 sockets in a few milliseconds', () => {
    const lines = ['  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'];
    for (let i = 0; i < 20_000; i++) {
      const port = (1024 + i).toString(16).toUpperCase().padStart(4, '0');
      lines.push(
        `${String(i).padStart(5)}: 0000000000000000FFFF0000010112C6:${port} 0000000000000000FFFF0000020112C6:01BB 01 00000000:00000000 00:00000000 00000000  1000        0 ${100000 + i} 1 0000000000000000 20 4 30 10 -1`,
      );
    }
    const buf = Buffer.from(lines.join('\n'));
    // rescans repeat several times a second: the warm figure is the one that counts
    let out: SocketEntry[] = [];
    let ms = Infinity;
    for (let r = 0; r < 8; r++) {
      const t0 = performance.now();
      out = parseProcNet(buf, 'tcp6');
      ms = Math.min(ms, performance.now() - t0);
    }
    expect(out).toHaveLength(20_000);
    expect(out[19_999]!.inode).toBe(119_999);
    console.log(`parse 20000 tcp6 lines (best of 8): ${ms.toFixed(2)} ms`);
    expect(ms).toBeLessThan(25);
  });
});
