import { createSocket, type Socket } from 'node:dgram';

/** What the fake server does for one reverse name (e.g. "2.0.18.198.in-addr.arpa"). */
export type FakeAnswer =
  | { ptr: (string | Buffer)[][] } // answers, each a list of raw labels (may be hostile)
  | { rcode: number } // 3 = NXDOMAIN, 2 = SERVFAIL
  | { drop: true } // never answer (timeout)
  | { garbage: Buffer }; // raw reply bytes

/**
 * A tiny UDP DNS responder on 127.0.0.1 for tests: answers PTR queries from a
 * table, with raw label bytes so hostile answers can be served.
 */
export class FakeDnsServer {
  readonly queries: string[] = [];
  private socket: Socket | null = null;
  constructor(private readonly answers: Map<string, FakeAnswer>, private readonly fallback: FakeAnswer = { rcode: 3 }) {}

  async start(): Promise<string> {
    const socket = createSocket('udp4');
    this.socket = socket;
    socket.on('message', (msg, rinfo) => {
      const reply = this.reply(msg);
      if (reply) socket.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    return `127.0.0.1:${socket.address().port}`;
  }

  async stop(): Promise<void> {
    const s = this.socket;
    this.socket = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  private reply(msg: Buffer): Buffer | null {
    if (msg.length < 12) return null;
    let off = 12;
    const labels: string[] = [];
    while (off < msg.length) {
      const len = msg[off]!;
      off++;
      if (len === 0) break;
      labels.push(msg.subarray(off, off + len).toString('latin1'));
      off += len;
    }
    const qEnd = off + 4; // QTYPE + QCLASS
    const name = labels.join('.').toLowerCase();
    this.queries.push(name);
    const answer = this.answers.get(name) ?? this.fallback;
    if ('drop' in answer) return null;
    if ('garbage' in answer) {
      const g = Buffer.from(answer.garbage);
      msg.copy(g, 0, 0, 2);
      return g;
    }
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2); // id
    const rd = msg[2]! & 0x01;
    header[2] = 0x84 | rd; // QR, AA, RD
    header[3] = 0x80 | ('rcode' in answer ? answer.rcode : 0); // RA
    header.writeUInt16BE(1, 4); // QDCOUNT
    const ptrs = 'ptr' in answer ? answer.ptr : [];
    header.writeUInt16BE(ptrs.length, 6); // ANCOUNT
    const parts: Buffer[] = [header, msg.subarray(12, qEnd)];
    for (const ptr of ptrs) {
      const rdata = Buffer.concat([
        ...ptr.flatMap((l) => {
          const b = typeof l === 'string' ? Buffer.from(l, 'latin1') : l;
          return [Buffer.from([b.length & 0xff]), b];
        }),
        Buffer.from([0]),
      ]);
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0); // name: pointer to the question
      rr.writeUInt16BE(12, 2); // PTR
      rr.writeUInt16BE(1, 4); // IN
      rr.writeUInt32BE(300, 6);
      rr.writeUInt16BE(rdata.length, 10);
      parts.push(rr, rdata);
    }
    return Buffer.concat(parts);
  }
}

export function reverseName(ipv4: string): string {
  return `${ipv4.split('.').reverse().join('.')}.in-addr.arpa`;
}
