/**
 * Memory with 1 M distinct remote addresses, and over a simulated 30-minute
 * soak, each in a fresh process so RSS is the engine's own:
 *  - distinct: synthetic IPv6/UDP frames from 1 M (then 2 M, 3 M) distinct
 *    fd00::/8 sources into one Engine with the default --max-rows; RSS after
 *    each million, and how long a snapshot takes with the tables full;
 *  - soak: 30 minutes of capture time on a fake clock, 2 000 flows alive at
 *    once, 40 new ones a second, each living 50 s; RSS every 5 minutes.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LocalAddresses } from '../core/local-addresses.js';
import { captureEnv } from '../engine/child-feed.js';
import { Engine } from '../engine/engine.js';
import { snapshotSteps } from '../engine/snapshot-builder.js';
import { LinkType } from '../decode/packet-info.js';
import { parseAddress } from '../util/address.js';
import { fmt, type BenchContext, type BenchRow } from './bench-util.js';

const MB = 1024 * 1024;

/** Ethernet + IPv6 + UDP (62 bytes) from fd00:ff::/32 + id to fd00:1::1. */
class FrameMaker {
  readonly buf = Buffer.alloc(62 + 64);
  constructor() {
    const b = this.buf;
    b.writeUInt16BE(0x86dd, 12);
    b[14] = 0x60;
    b.writeUInt16BE(8 + 64, 18); // payload length
    b[20] = 17; // UDP
    b[21] = 64;
    b.writeUInt32BE(0xfd0000ff, 22);
    b.writeUInt32BE(0xfd000001, 38);
    b.writeUInt32BE(1, 50);
    b.writeUInt16BE(8 + 64, 58);
  }
  /** frame from source address id, port sport → local port 5000; returns its length */
  set(id: number, sport: number): number {
    const b = this.buf;
    b.writeUInt32BE(id >>> 0, 34);
    b.writeUInt16BE(sport, 54);
    b.writeUInt16BE(5000, 56);
    return 62 + 64;
  }
}

function newEngine(startMs: number): Engine {
  const local = new LocalAddresses();
  local.addAddress(parseAddress('fd00:1::1')!);
  return new Engine({ interfaceName: 'bench', filter: null, localLabel: 'bench', local, resolver: null, rowLimit: 1000, startMs, onSnapshot: () => undefined });
}

const rss = (): number => process.memoryUsage.rss();
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

function childDistinct(): object {
  const f = new FrameMaker();
  let ts = 1_800_000_000_000;
  const e = newEngine(ts);
  const perMillion: number[] = [];
  const perMillionAfterGc: number[] = [];
  let id = 0;
  for (let m = 0; m < 3; m++) {
    for (let i = 0; i < 1_000_000; i++) {
      const len = f.set(id++, 40000 + (i & 0x3fff));
      e.frame(f.buf, 0, len, len, ts, LinkType.ETHERNET);
      ts += 0.05; // 20 k new addresses per second of capture time
    }
    perMillion.push(rss());
    gc();
    perMillionAfterGc.push(rss());
  }
  const times: number[] = [];
  /** each build's longest step: one build's can be a preemption or a GC, not the build's own */
  const longest: number[] = [];
  let steps = 0;
  for (let i = 0; i < 5; i++) {
    ts += 1000;
    const t0 = performance.now();
    e.publish(ts);
    times.push(performance.now() - t0);
    // the same build in steps, as the capture process runs it between drains
    const gen = snapshotSteps(e, ts, 0, []);
    steps = 0;
    let longestStep = 0;
    for (;;) {
      const s0 = performance.now();
      const r = gen.next();
      longestStep = Math.max(longestStep, performance.now() - s0);
      steps++;
      if (r.done) break;
    }
    longest.push(longestStep);
  }
  times.sort((a, b) => a - b);
  longest.sort((a, b) => a - b);
  return {
    perMillion,
    perMillionAfterGc,
    hosts: e.hosts.size,
    conns: e.conns.size,
    snapshotMs: times[2],
    longestStep: longest[2],
    longestStepMax: longest[4],
    steps,
    other: e.hostOther.packets[0],
  };
}

function childSoak(minutes: number): object {
  const f = new FrameMaker();
  const t0 = 1_800_000_000_000;
  const e = newEngine(t0);
  const alive = 2000;
  const perSec = 40;
  const life = alive / perSec; // seconds
  const samples: { min: number; rss: number }[] = [];
  let next = 0;
  const pktsPerSec = 20_000;
  for (let s = 0; s < minutes * 60; s++) {
    const first = Math.max(0, next - alive);
    next += perSec;
    for (let i = 0; i < pktsPerSec; i++) {
      const flow = first + (i % (next - first));
      const len = f.set(0x100000 + flow, 1024 + (flow % 60000));
      e.frame(f.buf, 0, len, len, t0 + s * 1000 + (i * 1000) / pktsPerSec, LinkType.ETHERNET);
    }
    if ((s + 1) % 300 === 0) {
      gc();
      samples.push({ min: (s + 1) / 60, rss: rss() });
    }
  }
  void life;
  return { samples, hosts: e.hosts.size, conns: e.conns.size };
}

function runChild(mode: string): Record<string, unknown> {
  // the engine's environment as the capture process gets it (captureEnv: allocator settings)
  const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', mode], { maxBuffer: 16 * MB, timeout: 600_000, env: captureEnv() });
  return JSON.parse(out.toString()) as Record<string, unknown>;
}

export async function rssBench(ctx: BenchContext): Promise<BenchRow[]> {
  const cmd = 'npm run bench -- --only rss';
  ctx.log('rss: 3 M distinct sources into one engine (fresh process)');
  const d = runChild('distinct') as { perMillion: number[]; perMillionAfterGc: number[]; hosts: number; conns: number; snapshotMs: number; longestStep: number; longestStepMax: number; steps: number };
  ctx.log(`rss: ${ctx.quick ? 10 : 30}-minute soak on a fake clock (fresh process)`);
  const minutes = ctx.quick ? 10 : 30;
  const s = runChild(`soak:${minutes}`) as { samples: { min: number; rss: number }[] };
  const mb = (n: number) => `${fmt(n / MB, 0)} MB`;
  const [m1, m2, m3] = d.perMillion as [number, number, number];
  const distinctFlat = m3 <= m1 * 1.1;
  // Flat = no trend: the later half of the samples peaks no higher (10 % slack) than the earlier
  // half, from the first eviction period on. Single samples swing ±10 MB with GC timing, so the
  // last one against one early one flagged growth that was not there.
  const after = s.samples.length > 2 ? s.samples.slice(1) : s.samples;
  const half = Math.ceil(after.length / 2);
  const earlyMax = Math.max(...after.slice(0, half).map((x) => x.rss));
  const lateMax = Math.max(...after.slice(half).map((x) => x.rss), 0);
  const soakMax = Math.max(...s.samples.map((x) => x.rss));
  return [
    {
      what: 'RSS with 1 M distinct remote addresses (--max-rows 100 000)',
      target: '≤ 200 MB, flat over time',
      measured: `${mb(m1)} after 1 M, ${mb(m2)} after 2 M, ${mb(m3)} after 3 M (${d.hosts} host rows + (other))`,
      reference: `after GC: ${d.perMillionAfterGc.map(mb).join(', ')}`,
      command: cmd,
      ok: m1 <= 200 * MB && m3 <= 200 * MB && distinctFlat,
    },
    {
      what: 'snapshot build with 100 000 host and connection rows (capture process, every second), longest step between drains',
      target: '≤ 5 ms (keeps the capture loop draining)',
      measured: `${fmt(d.longestStep, 1)} ms (median of 5 builds' longest; longest of all ${fmt(d.longestStepMax, 1)} ms)`,
      reference: `the whole build ${fmt(d.snapshotMs, 1)} ms, in ${d.steps} steps`,
      command: cmd,
      ok: d.longestStep <= 5,
    },
    {
      what: `RSS over a simulated ${minutes}-minute soak, churning flows (fake clock)`,
      target: 'flat',
      measured: `${s.samples.map((x) => `${x.min} min ${fmt(x.rss / MB, 0)}`).join(', ')} MB`,
      reference: `peak of the later half against the earlier half: ${fmt(((lateMax - earlyMax) / earlyMax) * 100, 1)} %, max ${mb(soakMax)}`,
      command: cmd,
      ok: lateMax <= earlyMax * 1.1,
    },
  ];
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain && process.argv[2] === '--child') {
  const mode = process.argv[3] ?? '';
  const r = mode === 'distinct' ? childDistinct() : childSoak(Number(mode.split(':')[1] ?? 30));
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
