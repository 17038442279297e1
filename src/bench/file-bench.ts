/**
 * `-r` throughput through the whole pipeline (read → decode → count →
 * snapshots → JSON), against `tcpdump -r FILE -w /dev/null` on the same
 * ≥ 1 M-packet file, timed alternately in the same run. The CLI as a user
 * runs it (process start included) and FileSource + Engine in process (warm)
 * on 1 M packets; then (not with --quick) the CLI on 4 M packets, and the rate
 * of the 3 M packets between the two files: the steady rate, without the
 * fixed costs of a process's start.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSource } from '../capture/file-source.js';
import { LocalAddresses } from '../core/local-addresses.js';
import { Engine } from '../engine/engine.js';
import { parseAddress } from '../util/address.js';
import { fmt, hasCommand, onCleanup, type BenchContext, type BenchRow } from './bench-util.js';
import { writeBenchCapture } from './file-read-bench.js';

const PACKETS = 1_000_000;

/** Runs cmd with stdout to a file (as `> FILE` would: a pipe is not what users time). */
function timeCmd(cmd: string, args: string[], out = '/dev/null'): { seconds: number; ok: boolean } {
  const fd = openSync(out, 'w');
  try {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: ['ignore', fd, 'ignore'] });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return { seconds, ok: !r.error && r.status === 0 };
  } finally {
    closeSync(fd);
  }
}

async function timeInProcess(file: string): Promise<{ seconds: number; packets: number }> {
  const local = new LocalAddresses();
  local.addAddress(parseAddress('198.18.0.1')!);
  const engine = new Engine({ interfaceName: file, filter: null, localLabel: 'bench', local, resolver: null, publishEverySec: 2, rowLimit: 500, onSnapshot: () => undefined });
  const t0 = process.hrtime.bigint();
  await new FileSource(file).run(engine);
  engine.publish((Math.floor(engine.lastTsMs / 1000) + 1) * 1000);
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, packets: engine.packets };
}

/** wiretop -r --json on file (whole process) against tcpdump on it, alternately; best of runs. */
function timeAgainstTcpdump(ctx: BenchContext, file: string, expected: number, runs: number, dir: string): { cli: number; tcpdump: number } {
  const cliArgs = [join(ctx.root, 'bin', 'wiretop.js'), '-r', file, '--json', '-n', '-N'];
  const tcpdump = hasCommand('tcpdump');
  // warm the page cache and check the output once
  const outFile = join(dir, 'out.json');
  const check = timeCmd(process.execPath, cliArgs, outFile);
  const last = readFileSync(outFile, 'utf8').trim().split('\n').at(-1) ?? '';
  const packets = (JSON.parse(last) as { totals: { packets: number } }).totals.packets;
  if (!check.ok || packets !== expected) throw new Error(`wiretop -r counted ${packets} packets, expected ${expected}`);
  if (tcpdump) timeCmd('tcpdump', ['-r', file, '-w', '/dev/null']);
  let cli = Infinity;
  let tcp = Infinity;
  for (let i = 0; i < runs; i++) {
    cli = Math.min(cli, timeCmd(process.execPath, cliArgs).seconds);
    if (tcpdump) {
      const t = timeCmd('tcpdump', ['-r', file, '-w', '/dev/null']);
      if (t.ok) tcp = Math.min(tcp, t.seconds);
    }
  }
  return { cli, tcpdump: tcp };
}

/**
 * A bigger file for the steady rate: what the packets past the first million cost (the
 * difference between the two files' times), without the process's fixed costs (node's start,
 * the first packets interpreted before V8 has optimized them).
 */
const BIG_PACKETS = 4_000_000;
/** free space the big file (≈ 3.2 GB) needs beside the small one, with room to spare */
const BIG_FREE_BYTES = 8e9;

export async function fileBench(ctx: BenchContext): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wiretop-bench-'));
  const unregister = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  try {
    const file = join(dir, 'bench.pcap');
    ctx.log(`file: writing ${PACKETS} packets`);
    writeBenchCapture(file, PACKETS, 'pcap');
    const runs = ctx.quick ? 2 : 5;
    const small = timeAgainstTcpdump(ctx, file, PACKETS, runs, dir);
    await timeInProcess(file);
    let inBest = Infinity;
    for (let i = 0; i < runs; i++) inBest = Math.min(inBest, (await timeInProcess(file)).seconds);
    const { cli: cliBest, tcpdump: tcpBest } = small;
    const tcpPps = Number.isFinite(tcpBest) ? PACKETS / tcpBest : NaN;
    const ref = Number.isFinite(tcpPps) ? `tcpdump -r -w /dev/null ${fmt(tcpPps / 1e6)} M packets/s (${fmt(tcpBest, 3)} s)` : 'tcpdump n/a';
    const row = (what: string, seconds: number, command: string): BenchRow => {
      const ratio = tcpBest / seconds;
      return {
        what,
        target: '≥ 70 % of tcpdump (ideally ≥ 100 %)',
        measured: `${fmt(PACKETS / seconds / 1e6)} M packets/s (${fmt(seconds, 3)} s)${Number.isFinite(ratio) ? `, ${fmt(ratio * 100, 0)} % of tcpdump` : ''}`,
        reference: ref,
        command,
        ok: Number.isFinite(ratio) ? ratio >= 0.7 : null,
      };
    };
    const rows = [
      row('-r file, 1 M packets: wiretop -r --json (whole process)', cliBest, 'npm run bench -- --only file'),
      row('-r file, 1 M packets: FileSource → Engine in process', inBest, 'npm run bench -- --only file'),
    ];
    if (ctx.quick) return rows;
    const fs = statfsSync(dir);
    if (fs.bavail * fs.bsize < BIG_FREE_BYTES) {
      ctx.log(`file: skipping the ${BIG_PACKETS}-packet file (less than ${BIG_FREE_BYTES / 1e9} GB free in ${tmpdir()})`);
      return rows;
    }
    const bigFile = join(dir, 'big.pcap');
    ctx.log(`file: writing ${BIG_PACKETS} packets`);
    writeBenchCapture(bigFile, BIG_PACKETS, 'pcap');
    rmSync(file, { force: true });
    const big = timeAgainstTcpdump(ctx, bigFile, BIG_PACKETS, 3, dir);
    rmSync(bigFile, { force: true });
    const extra = BIG_PACKETS - PACKETS;
    const ours = extra / (big.cli - cliBest);
    const theirs = extra / (big.tcpdump - tcpBest);
    const bigRatio = big.tcpdump / big.cli;
    rows.push(
      {
        what: `-r file, ${BIG_PACKETS / 1e6} M packets: wiretop -r --json (whole process)`,
        target: '≥ 70 % of tcpdump',
        measured: `${fmt(BIG_PACKETS / big.cli / 1e6)} M packets/s (${fmt(big.cli, 3)} s)${Number.isFinite(bigRatio) ? `, ${fmt(bigRatio * 100, 0)} % of tcpdump` : ''}`,
        reference: Number.isFinite(big.tcpdump) ? `tcpdump ${fmt(BIG_PACKETS / big.tcpdump / 1e6)} M packets/s (${fmt(big.tcpdump, 3)} s)` : 'tcpdump n/a',
        command: 'npm run bench -- --only file',
        ok: Number.isFinite(bigRatio) ? bigRatio >= 0.7 : null,
      },
      {
        what: `-r steady rate: the ${extra / 1e6} M packets past the first million (${BIG_PACKETS / 1e6} M run minus 1 M run)`,
        target: '≥ 70 % of tcpdump',
        measured: `${fmt(ours / 1e6)} M packets/s${Number.isFinite(theirs) ? `, ${fmt((ours / theirs) * 100, 0)} % of tcpdump` : ''}`,
        reference: Number.isFinite(theirs) ? `tcpdump ${fmt(theirs / 1e6)} M packets/s (same difference)` : 'tcpdump n/a',
        command: 'npm run bench -- --only file',
        ok: Number.isFinite(theirs) ? ours / theirs >= 0.7 : null,
      },
    );
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    unregister();
  }
}
