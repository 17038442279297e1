// Processes for test/e2e/attribution.test.ts, run inside network namespaces.
// usage: node attribution-actors.mjs ROLE [args…]; prints JSON lines ({"ready":…} first).
// Servers run until stdin closes; clients exit when done. Everything is bounded in count and time.
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';

const [role, ...args] = process.argv.slice(2);
const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const comm = () => readFileSync(`/proc/${process.pid}/comm`, 'utf8').trim();
const hold = () => process.stdin.on('end', () => process.exit(0)).resume();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// never run longer than this, whatever happens to the test runner
setTimeout(() => process.exit(3), 60_000).unref();

if (role === 'udp-server') {
  // A DNS-like server: each query is answered with a reply `factor` times larger.
  const [title, port, factor] = [args[0], Number(args[1]), Number(args[2] ?? 10)];
  process.title = title; // prctl(PR_SET_NAME): /proc/PID/comm, which wiretop shows
  const s = dgram.createSocket('udp4');
  s.on('message', (msg, rinfo) => s.send(Buffer.alloc(msg.length * factor, 0x61), rinfo.port, rinfo.address));
  s.bind(port, '0.0.0.0', () => {
    out({ ready: true, pid: process.pid, comm: comm() });
    hold();
  });
} else if (role === 'udp-client') {
  // `count` queries of `size` bytes paced over `ms`, from one socket.
  const [host, port, count, ms, size] = [args[0], Number(args[1]), Number(args[2]), Number(args[3]), Number(args[4] ?? 40)];
  const s = dgram.createSocket('udp4');
  let replies = 0;
  let replyBytes = 0;
  s.on('message', (m) => {
    replies++;
    replyBytes += m.length;
  });
  await new Promise((r) => s.bind(0, r));
  const q = Buffer.alloc(size, 0x71);
  const start = Date.now();
  for (let i = 0; i < count; i++) {
    const due = start + (i * ms) / count;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    s.send(q, port, host);
  }
  await sleep(300);
  out({ ready: true, pid: process.pid, sent: count, replies, replyBytes, localPort: s.address().port });
  s.close();
} else if (role === 'tcp-server') {
  // Reads what a client sends and answers with `reply` bytes, then lets the client close.
  const [title, port, reply] = [args[0], Number(args[1]), Number(args[2] ?? 2000)];
  process.title = title;
  const srv = net.createServer((c) => {
    c.on('error', () => {});
    c.once('data', () => c.write(Buffer.alloc(reply, 0x62)));
    c.on('end', () => c.end());
  });
  srv.listen({ port, host: '0.0.0.0' }, () => {
    out({ ready: true, pid: process.pid, comm: comm() });
    hold();
  });
} else if (role === 'tcp-short') {
  // One connection that lives about `ms`: connect, send, read the answer, close; then exit at once.
  const [host, port, ms, title] = [args[0], Number(args[1]), Number(args[2] ?? 50), args[3]];
  if (title) process.title = title;
  const c = net.connect({ port, host });
  c.on('error', (e) => {
    out({ ready: false, error: e.message });
    process.exit(1);
  });
  c.on('data', () => {});
  c.once('connect', () => {
    const t0 = Date.now();
    out({ ready: true, pid: process.pid, comm: comm(), localPort: c.localPort });
    c.write(Buffer.alloc(500, 0x63));
    setTimeout(() => {
      c.end();
      c.once('close', () => {
        out({ closed: true, livedMs: Date.now() - t0 });
        process.exit(0);
      });
    }, ms);
  });
} else if (role === 'tcp-scan') {
  // TCP connect scan of `count` ports from `first`, at most `conc` attempts at once.
  const [host, first, count, conc] = [args[0], Number(args[1]), Number(args[2]), Number(args[3] ?? 25)];
  let next = 0;
  let refused = 0;
  let open = 0;
  let other = 0;
  const one = (port) =>
    new Promise((resolve) => {
      const c = net.connect({ port, host });
      c.setTimeout(2000, () => {
        other++;
        c.destroy();
        resolve();
      });
      c.once('connect', () => {
        open++;
        c.destroy();
        resolve();
      });
      c.once('error', (e) => {
        if (e.code === 'ECONNREFUSED') refused++;
        else other++;
        resolve();
      });
    });
  const worker = async () => {
    while (next < count) await one(first + next++);
  };
  await Promise.all(Array.from({ length: conc }, worker));
  out({ ready: true, pid: process.pid, refused, open, other });
} else {
  console.error(`unknown role ${role}`);
  process.exit(2);
}
