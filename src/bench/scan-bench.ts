/**
 * A scan of closed ports on a host with many network namespaces (a container
 * host; the idle VPS of the third story has one): tcpreplay sends UDP
 * datagrams from addresses out there, each to another closed port. Every one
 * is a new connection no socket owns, so attribution needs a /proc table read
 * after its first packet to decide `<no listener>`. Reading /proc/net/tcp(6)
 * walks the kernel's whole established-connection hash in every namespace;
 * what that costs the capture process's other threads is the figure here,
 * next to what one namespace's read costs on this machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clkTck, createBenchPair, deleteNamespaces, exited, findDescendant, fmt, lineReader, netnsUnavailable, onCleanup, sleep, type BenchContext, type BenchRow } from './bench-util.js';
import { macOfA, writeUdpCapture } from './udp-capture.js';

/** namespaces besides the pair's two, each with one process in it (the resolver reads every namespace a process is in) */
const EXTRA_NAMESPACES = 20;
const DATAGRAMS = 20_000;
const PER_SECOND = 4_000;

/** CPU seconds of a process's main thread and of all its other threads. */
function threadCpu(pid: number): { main: number; others: number } {
  const tck = clkTck();
  let main = 0;
  let others = 0;
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const f = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8').split(') ')[1]!.split(' ');
      const s = (Number(f[11]) + Number(f[12])) / tck;
      if (Number(t) === pid) main += s;
      else others += s;
    } catch {
      /* thread gone */
    }
  }
  return { main, others };
}

export async function scanBench(ctx: BenchContext): Promise<BenchRow[]> {
  const cmd = 'npm run bench -- --only scan';
  const what = `a scan of closed ports (${DATAGRAMS / 1000} k datagrams at ${PER_SECOND / 1000} k/s, each a new connection), ${EXTRA_NAMESPACES + 2} namespaces: the capture process's CPU off its main thread (/proc rescans)`;
  const why = netnsUnavailable(['tcpreplay']);
  if (why) return [{ what, target: 'every connection decided within 5 s; rescans for scans within 2 % of a core', measured: `n/a (${why})`, reference: '', command: cmd, ok: null }];
  const pair = createBenchPair('scan', 73);
  const dir = mkdtempSync(join(tmpdir(), 'wiretop-scan-'));
  const extra = Array.from({ length: EXTRA_NAMESPACES }, (_, i) => `${pair.a.slice(0, -2)}-n${i}`);
  const unregister = onCleanup(() => deleteNamespaces(extra));
  try {
    for (const ns of extra) {
      execFileSync('ip', ['netns', 'add', ns]);
      pair.spawnIn(ns, 'sleep', ['600'], { stdio: 'ignore' });
    }
    // what reading one namespace's TCP tables costs here (the kernel walks its whole hash table for each)
    const t0 = process.cpuUsage();
    for (let i = 0; i < 20; i++) for (const f of ['tcp', 'tcp6']) readFileSync(`/proc/net/${f}`);
    const used = process.cpuUsage(t0);
    const tcpReadMs = (used.user + used.system) / 1000 / 20;

    // from a few addresses no namespace here holds (a scanner out there), each datagram to another closed port
    const file = join(dir, 'scan.pcap');
    writeUdpCapture(file, macOfA(pair), pair.addrA, DATAGRAMS, PER_SECOND, (i) => ({ src: `198.19.7.${1 + (i % 4)}`, sport: 40000 + (i % 4), dport: 1000 + (i % 60_000) }));
    const wt = pair.spawnIn(pair.a, process.execPath, [join(ctx.root, 'bin', 'wiretop.js'), '-i', pair.vethA, '--json', '--interval', '1', '-n', '-N']);
    const out = lineReader(wt);
    await out.wait((l) => l.startsWith('{'), 10_000);
    await sleep(2000); // the first full rescan is done
    const child = findDescendant(wt.pid!, 'capture-child');
    if (child === null) throw new Error('no capture process found');
    ctx.log(`scan: ${DATAGRAMS} datagrams to closed ports at ${PER_SECOND}/s, ${extra.length + 2} namespaces`);
    const c0 = threadCpu(child);
    const s0 = performance.now();
    pair.exec(pair.b, 'tcpreplay', ['-q', '-i', pair.vethB, `--pps=${PER_SECOND}`, file], 60_000);
    const seconds = (performance.now() - s0) / 1000;
    const c1 = threadCpu(child);
    await sleep(5000); // the last decisions (a lazy rescan waits up to 3 s) and a report after them
    const last = out.all.filter((l) => l.startsWith('{')).at(-1) ?? '{}';
    const conns = (JSON.parse(last) as { connections?: { process: string | null }[] }).connections ?? [];
    const noListener = conns.filter((c) => c.process === '<no listener>').length;
    wt.kill('SIGINT');
    await exited(wt);
    const share = (c1.others - c0.others) / seconds;
    return [
      {
        what,
        target: 'every connection decided within 5 s; rescans for scans within 2 % of a core, or one per 3 s where dearer (no DESIGN target)',
        measured: `${fmt(share * 100, 1)} % of a core off the main thread, rescans and V8's helpers (${fmt(c1.others - c0.others)} s in ${fmt(seconds, 1)} s); main thread ${fmt(((c1.main - c0.main) / seconds) * 100, 1)} %`,
        reference: `one namespace's /proc/net/tcp + tcp6 read: ${fmt(tcpReadMs, 1)} ms of CPU here; ${noListener} of the ${conns.length} connection rows in the report 5 s after the scan decided <no listener>`,
        command: cmd,
        ok: conns.length > 0 && noListener >= conns.length * 0.9,
      },
    ];
  } finally {
    pair.cleanup();
    deleteNamespaces(extra);
    unregister();
    rmSync(dir, { recursive: true, force: true });
  }
}
