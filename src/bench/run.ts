/**
 * `npm run bench`: every DESIGN §5 figure, each next to its reference
 * measured in the same run, printed as one table.
 *
 *   npm run bench                       all measurements
 *   npm run bench -- --only file,rss    a subset (file, live, sources, scan, bulk, latency, output, rss, rescan)
 *   npm run bench -- --quick            shorter floods, fewer runs and samples
 *   npm run bench -- --markdown         the table as Markdown (README rows)
 *
 * Namespaces and processes it creates are removed on every exit path.
 */
import { fileURLToPath } from 'node:url';
import { cleanupAll, type BenchContext, type BenchRow } from './bench-util.js';
import { bulkBench } from './bulk-bench.js';
import { fileBench } from './file-bench.js';
import { latencyBench } from './latency-bench.js';
import { liveBench } from './live-bench.js';
import { outputBench } from './output-bench.js';
import { rescanBench } from './rescan-bench.js';
import { rssBench } from './rss-bench.js';
import { scanBench } from './scan-bench.js';
import { sourcesBench } from './sources-bench.js';

const BENCHES: Record<string, (ctx: BenchContext) => Promise<BenchRow[]>> = {
  file: fileBench,
  live: liveBench,
  sources: sourcesBench,
  scan: scanBench,
  bulk: bulkBench,
  latency: latencyBench,
  output: outputBench,
  rss: rssBench,
  rescan: rescanBench,
};

function parseArgs(argv: string[]): { only: string[]; quick: boolean; markdown: boolean } {
  let only = Object.keys(BENCHES);
  let quick = false;
  let markdown = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--markdown') markdown = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const v = a.startsWith('--only=') ? a.slice(7) : argv[++i];
      if (!v) throw new Error('--only needs a list, e.g. --only file,rss');
      only = v.split(',').map((s) => s.trim()).filter(Boolean);
      const bad = only.filter((n) => !(n in BENCHES));
      if (bad.length > 0) throw new Error(`unknown measurement: ${bad.join(', ')} (known: ${Object.keys(BENCHES).join(', ')})`);
    } else if (a === '-h' || a === '--help') {
      process.stdout.write(`usage: npm run bench -- [--only ${Object.keys(BENCHES).join(',')}] [--quick] [--markdown]\n`);
      process.exit(0);
    } else throw new Error(`unknown option: ${a}`);
  }
  return { only, quick, markdown };
}

function table(rows: BenchRow[], markdown: boolean): string {
  const head = ['what', 'target', 'measured', 'reference', 'ok'];
  const cells = rows.map((r) => [r.what, r.target, r.measured, r.reference || '–', r.ok === null ? '–' : r.ok ? 'yes' : 'NO']);
  if (markdown) {
    const md = [['what', 'target', 'measured', 'reference', 'command'], ['---', '---', '---', '---', '---']];
    for (const r of rows) md.push([r.what, r.target, r.measured, r.reference || '–', `\`${r.command}\``]);
    return md.map((c) => `| ${c.join(' | ')} |`).join('\n') + '\n';
  }
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((s, i) => s.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

async function main(): Promise<number> {
  const { only, quick, markdown } = parseArgs(process.argv.slice(2));
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const ctx: BenchContext = { quick, root, log: (l) => process.stderr.write(`bench: ${l}\n`) };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      cleanupAll();
      process.exit(130);
    });
  }
  process.once('exit', cleanupAll);
  const rows: BenchRow[] = [];
  let failed = false;
  for (const name of only) {
    const t0 = performance.now();
    try {
      rows.push(...(await BENCHES[name]!(ctx)));
    } catch (err) {
      failed = true;
      const msg = err instanceof Error ? err.message : String(err);
      rows.push({ what: name, target: '', measured: `error: ${msg.split('\n')[0]}`, reference: '', command: `npm run bench -- --only ${name}`, ok: false });
    } finally {
      cleanupAll();
    }
    ctx.log(`${name} done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  process.stdout.write(table(rows, markdown));
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    cleanupAll();
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
