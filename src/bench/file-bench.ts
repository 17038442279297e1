/**
 * `-r` throughput through the whole pipeline (read → decode → count →
 * snapshots → JSON), against `tcpdump -r FILE -w /dev/null` on the same
 * ≥ 1 M-packet file, timed alternately in the same run. Two figures: the CLI
 * as a user runs it (process start included) and FileSource + Engine in
 * process (warm).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
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

export async function fileBench(ctx: BenchContext): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wiretop-bench-'));
  const unregister = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  try {
    const file = join(dir, 'bench.pcap');
    ctx.log(`file: writing ${PACKETS} packets`);
    writeBenchCapture(file, PACKETS, 'pcap');
    const runs = ctx.quick ? 2 : 5;
    const cli = join(ctx.root, 'bin', 'wiretop.js');
    const cliArgs = [cli, '-r', file, '--json', '-n', '-N'];
    const tcpdump = hasCommand('tcpdump');
    // warm the page cache and check the output once
    const outFile = join(dir, 'out.json');
    const check = timeCmd(process.execPath, cliArgs, outFile);
    const last = readFileSync(outFile, 'utf8').trim().split('\n').at(-1) ?? '';
    const packets = (JSON.parse(last) as { totals: { packets: number } }).totals.packets;
    if (!check.ok || packets !== PACKETS) throw new Error(`wiretop -r counted ${packets} packets, expected ${PACKETS}`);
    if (tcpdump) timeCmd('tcpdump', ['-r', file, '-w', '/dev/null']);
    await timeInProcess(file);
    let cliBest = Infinity;
    let tcpBest = Infinity;
    let inBest = Infinity;
    for (let i = 0; i < runs; i++) {
      cliBest = Math.min(cliBest, timeCmd(process.execPath, cliArgs).seconds);
      if (tcpdump) {
        const t = timeCmd('tcpdump', ['-r', file, '-w', '/dev/null']);
        if (t.ok) tcpBest = Math.min(tcpBest, t.seconds);
      }
      inBest = Math.min(inBest, (await timeInProcess(file)).seconds);
    }
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
    return [
      row('-r file, 1 M packets: wiretop -r --json (whole process)', cliBest, 'npm run bench -- --only file'),
      row('-r file, 1 M packets: FileSource → Engine in process', inBest, 'npm run bench -- --only file'),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    unregister();
  }
}
