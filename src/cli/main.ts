import { readFileSync } from 'node:fs';
import { FileSource } from '../capture/file-source.js';
import { defaultInterface, interfaceExists, listInterfaces } from '../capture/interfaces.js';
import { configPath, loadConfig, mergeOptions } from '../config/config-file.js';
import { LocalAddresses } from '../core/local-addresses.js';
import { inProcessFeed } from '../engine/in-process-feed.js';
import type { SnapshotFeed } from '../engine/snapshot-feed.js';
import { runHeadless } from '../headless/run-headless.js';
import { parseAddress } from '../util/address.js';
import { parseCidr } from '../util/cidr.js';
import { monotonicClock } from '../util/clock.js';
import { UserError } from '../util/user-error.js';
import { HELP } from './help.js';
import { parseOptions, type Options } from './options.js';

export function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Run wiretop; resolves to the exit code. Errors the user can fix are one line on stderr, exit 2. */
export async function main(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (err) {
    return reportError(err);
  }
}

export function reportError(err: unknown): number {
  if (err instanceof UserError) {
    process.stderr.write(`wiretop: ${err.message}${err.hint ? ` (${err.hint})` : ''}\n`);
    return 2;
  }
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`wiretop: internal error: ${msg.split('\n')[0]}\n`);
  if (process.env.WIRETOP_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return 1;
}

async function run(argv: string[]): Promise<number> {
  const opts = parseOptions(argv);
  if (opts.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (opts.version) {
    process.stdout.write(`wiretop ${version()}\n`);
    return 0;
  }
  if (opts.listInterfaces) {
    for (const i of listInterfaces()) process.stdout.write(`${i.name.padEnd(16)} ${i.up ? 'up  ' : 'down'} ${i.addresses.join(' ')}\n`);
    return 0;
  }
  const settings = mergeOptions(loadConfig(process.env), {
    interface: opts.interface ?? undefined,
    filter: opts.filter ?? undefined,
    bits: opts.bits,
    dns: opts.dns,
    services: opts.services,
  });
  const bits = settings.bits ?? false;
  const dns = settings.dns ?? true;
  const services = settings.services ?? true;
  const filter = settings.filter && settings.filter.trim() !== '' ? settings.filter : null;
  // Modules only some runs need are loaded on demand: `-r FILE --json` starts in a fraction of the time.
  const { sortColumnIds } = settings.sort !== undefined ? await import('../ui/ui-state.js') : { sortColumnIds: () => [] };
  if (settings.sort !== undefined && !sortColumnIds().includes(settings.sort)) {
    throw new UserError(`${configPath(process.env)}: "sort" must name a column: ${sortColumnIds().join(', ')} (got "${settings.sort}")`);
  }
  // The screen refreshes once per published snapshot: whole seconds, at least one.
  const refreshSec = Math.max(1, Math.round(settings.refresh ?? 1));

  const tui = opts.output === 'tui' && !(opts.metrics && !process.stdout.isTTY);
  if (tui) await checkTerminal();

  const publishEverySec = opts.output === 'tui' ? refreshSec : opts.interval;
  // The screen shows ~30 rows a pane: 300 hosts/processes and 600 connections (the top by rate,
  // then cumulative) leave room to scroll and drill down, and keep the per-second snapshot that
  // the capture process builds and serialises over IPC small (at 100 000 rows: 1.5 ms and 260 KB
  // instead of 5–25 ms and 870 KB at 1 000; a stall there is a stall of the capture loop).
  const rowLimit = opts.output === 'tui' ? 300 : 500;
  // Before the feed starts: a file's snapshots begin to flow at once, and whatever subscribes
  // after an await here (a module load) would miss them.
  const names = dns || services ? (await import('../names/name-lookup-impl.js')).createNameLookup({ dns, services }) : null;
  const feed = await makeFeed(opts, { filter, iface: opts.read || opts.demo ? null : (settings.interface ?? null), publishEverySec, rowLimit });

  // Loaded on demand: headless runs and files should not pay for blessed or prom-client at start-up.
  const metrics = opts.metrics ? await (await import('../metrics/metrics-server.js')).startMetricsServer(opts.metrics, { version: version() }).catch(async (err: unknown) => {
    await feed.stop();
    throw err;
  }) : null;
  if (metrics) feed.onSnapshot((s) => metrics.update(s));

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void feed.stop();
  };
  if (opts.duration !== null && !opts.read) setTimeout(stop, opts.duration * 1000).unref();

  try {
    if (tui) {
      const { runTui } = await import('../ui/run-tui.js');
      await runTui(feed, { bits, dns, services, ...(names ? { names } : {}), ...(settings.sort ? { sort: settings.sort } : {}), title: `wiretop ${version()}` });
      await feed.stop();
    } else {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        // `wiretop --json | head -1`: the reader went away; stop quietly.
        if (err.code === 'EPIPE') {
          stop();
          process.exit(0);
        }
      });
      if (opts.output === 'tui') {
        process.stderr.write(`wiretop: serving metrics at ${metrics!.url} (no terminal: no screen; Ctrl-C to stop)\n`);
        await new Promise<void>((resolve, reject) => feed.onEnd((e) => (e ? reject(e) : resolve())));
      } else {
        await runHeadless(feed, { format: opts.output, out: process.stdout, bits, names: dns ? names : null, width: process.stdout.columns ?? 100 });
      }
    }
  } finally {
    await metrics?.close();
  }
  return 0;
}

async function checkTerminal(): Promise<void> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new UserError('the full-screen view needs a terminal', 'use --text or --json for headless output');
  }
  const { MIN_HEIGHT, MIN_WIDTH } = await import('../ui/layout.js');
  const w = process.stdout.columns ?? 0;
  const h = process.stdout.rows ?? 0;
  if (w < MIN_WIDTH || h < MIN_HEIGHT) {
    throw new UserError(`terminal too small: need at least ${MIN_WIDTH}×${MIN_HEIGHT}, have ${w}×${h}`, 'enlarge the window, or use --text');
  }
}

interface FeedSettings {
  filter: string | null;
  iface: string | null;
  publishEverySec: number;
  rowLimit: number;
}

async function makeFeed(opts: Options, s: FeedSettings): Promise<SnapshotFeed> {
  const common = { maxRows: opts.maxRows, idleMs: opts.idleSec * 1000, rowLimit: s.rowLimit, publishEverySec: s.publishEverySec };
  if (opts.read) {
    const path = opts.read;
    if (s.filter) throw new UserError('-f applies to live capture; to filter a file, use tcpdump -r FILE -w - "FILTER" | wiretop -r /dev/stdin');
    const local = new LocalAddresses();
    for (const n of opts.nets) {
      const c = parseCidr(n)!;
      local.addPrefix(c.words, c.bits);
    }
    // without --net the engine guesses the local address from the file's first frames
    const guess = opts.nets.length === 0;
    const source = new FileSource(path, { onWarning: (m) => process.stderr.write(`wiretop: warning: ${m}\n`) });
    const durationMs = opts.duration === null ? null : opts.duration * 1000;
    return inProcessFeed(source, { interfaceName: path, filter: null, localLabel: opts.nets.join(', '), local, resolver: null, ...common }, monotonicClock, durationMs, guess);
  }
  if (opts.demo) {
    const [{ DemoResolver }, { DEMO_LOCAL, DemoSource }, { LOCAL_MAC }] = await Promise.all([
      import('../capture/demo/demo-resolver.js'),
      import('../capture/demo/demo-source.js'),
      import('../capture/demo/frame-builder.js'),
    ]);
    const local = new LocalAddresses();
    local.addAddress(parseAddress(DEMO_LOCAL)!);
    local.addMac(LOCAL_MAC.reduce<number>((acc, b) => acc * 256 + b, 0));
    for (const n of opts.nets) {
      const c = parseCidr(n)!;
      local.addPrefix(c.words, c.bits);
    }
    const now = monotonicClock();
    return inProcessFeed(new DemoSource(monotonicClock), { interfaceName: 'demo', filter: null, localLabel: DEMO_LOCAL, local, resolver: new DemoResolver(), startMs: now, ...common }, monotonicClock);
  }
  const iface = s.iface ?? defaultInterface();
  if (!interfaceExists(iface)) throw new UserError(`no such interface: ${iface}`, 'see wiretop --list-interfaces');
  const { childFeed } = await import('../engine/child-feed.js');
  const feed = childFeed({ interfaceName: iface, filter: s.filter, nets: opts.nets, attribution: true, coalesce: true, ...common });
  return feed;
}
