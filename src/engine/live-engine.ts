import { monotonicClock } from '../util/clock.js';
import { kernelPacketCount, namespaceLocalAddresses } from '../capture/interfaces.js';
import { LiveSource } from '../capture/live-source.js';
import type { Snapshot } from '../core/snapshot.js';
import { ProcResolver } from '../procs/proc-resolver.js';
import { ProcessUsage } from '../procs/process-usage.js';
import { offThreadCpuMs } from '../procs/thread-cpu.js';
import { parseCidr } from '../util/cidr.js';
import type { CaptureConfig } from './capture-config.js';
import { DropEstimator } from './drop-estimator.js';
import { Engine } from './engine.js';
import { ProcessLiveness } from './process-liveness.js';
import { runEngine, type EngineRun } from './run-engine.js';
import { warmUpEngine } from './warm-up.js';

/** How often the kernel's packet counters are read for the dropped estimate. */
const DROP_SAMPLE_MS = 100;
/** Samples whose smallest difference is the estimate: one second's (see DropEstimator). */
const DROP_WINDOW = 10;

/** Longest coalescing nap while connections wait for attribution (see maxNapMs). */
const SHORT_NAP_MS = 1;

/** Longest a snapshot-building step runs before the loop turns (and the ring is drained). */
const BUILD_SLICE_MS = 2;

/** Runs `step` over turns of the event loop, BUILD_SLICE_MS at a time, until it returns true. */
function inSlices(step: () => boolean): void {
  const run = (): void => {
    const t0 = performance.now();
    while (!step()) {
      if (performance.now() - t0 >= BUILD_SLICE_MS) {
        setImmediate(run);
        return;
      }
    }
  };
  setImmediate(run);
}

/**
 * Between drains, connections waiting for a fold beyond FOLD_KEEP are folded, up to
 * FOLD_SLICE a turn (Engine.foldDown): at most ≈ 1–2 ms of fresh rows per turn, and the fold
 * when a second ends stays as short.
 */
const FOLD_KEEP = 1024;
const FOLD_SLICE = 1024;

/** How many top processes get CPU/memory samples. */
const USAGE_ROWS = 40;
/** the share of a core /proc rescans may take (ProcResolver's cpuBudget) … */
const RESCAN_CPU_SHARE = 0.1;
/** … and those only inbound-only connections (scans) asked for, waiting 3 s at most */
const LAZY_RESCAN_CPU_SHARE = 0.02;
const LAZY_RESCAN_MAX_WAIT_MS = 3000;

/**
 * Live capture + engine + attribution, as run inside the capture process
 * (or in-process by tests). Snapshots are enriched with CPU/memory of the
 * top processes, sampled asynchronously and throttled.
 */
export function startLiveEngine(config: CaptureConfig, publish: (snap: Snapshot) => void): { run: EngineRun; engine: Engine; watch(pids: number[]): void } {
  /** pids the screen shows (the UI's watch-pids): sampled too, whatever their rank */
  let watched: number[] = [];
  warmUpEngine();
  const local = namespaceLocalAddresses();
  for (const n of config.nets) {
    const c = parseCidr(n);
    if (c) local.addPrefix(c.words, c.bits);
  }
  // Reading /proc/net/tcp walks the kernel's whole established-connection hash table, in every
  // namespace: under a scan of closed ports (every packet a miss, rescans back to back) the pool
  // threads took 87 % of a core with 22 namespaces, and 2 datagrams a second to closed ports kept
  // 15 % busy with 3. Rescans get a budget; decisions wait a little longer instead.
  const resolver = config.attribution
    ? new ProcResolver({ now: monotonicClock, cpuBudget: { share: RESCAN_CPU_SHARE, lazyShare: LAZY_RESCAN_CPU_SHARE, lazyMaxWaitMs: LAZY_RESCAN_MAX_WAIT_MS, cpuMs: offThreadCpuMs } })
    : null;
  void resolver?.start();
  const usage = config.attribution ? new ProcessUsage({ now: monotonicClock }) : null;
  let usageSamples = new Map<number, { cpu: number; memory: number }>();
  const liveness = config.attribution ? new ProcessLiveness() : null;
  // dropped = the kernel's packet counters minus what we captured over the same span
  // (DropEstimator: packets counted but still in flight are not lost)
  const countDrops = config.filter === null && config.interfaceName !== 'any';
  const drops = new DropEstimator(DROP_WINDOW);
  let sampledAt = Number.NEGATIVE_INFINITY;
  const source: LiveSource = new LiveSource({
    interfaceName: config.interfaceName,
    filter: config.filter,
    clock: monotonicClock,
    coalesce: config.coalesce,
    // The coalescing nap blocks this thread, and the resolver's /proc reads are chains of
    // async fs calls that advance one step per loop turn: with long naps a rescan takes a
    // second instead of ~100 ms and misses every socket that lives less (a 50 ms client).
    // So naps are as short as they go while connections wait for attribution. (Not none:
    // under a flood a wake-up per packet costs ten times the CPU, and a new flow at
    // 100 k packets/s then lost packets on 2 cores.) LiveSource reads this before every nap.
    get maxNapMs(): number {
      return engine.awaitingAttribution ? SHORT_NAP_MS : Number.POSITIVE_INFINITY;
    },
    onOpened: () => drops.start(countDrops ? kernelPacketCount(config.interfaceName) : null),
    onClosing: () => {
      if (drops.known) drops.finish(source.stats().frames, kernelPacketCount(config.interfaceName));
    },
    onTick: () => {
      engine.foldDown(FOLD_KEEP, FOLD_SLICE);
      if (!drops.known) return;
      const now = monotonicClock();
      const due = now - sampledAt >= DROP_SAMPLE_MS;
      if (due) sampledAt = now;
      drops.settle(source.stats().frames, due ? kernelPacketCount(config.interfaceName) : null);
    },
  });
  const engine: Engine = new Engine({
    interfaceName: config.interfaceName,
    filter: config.filter,
    // local = every address of this network namespace (DESIGN §2), plus --net prefixes
    localLabel: config.nets.length > 0 ? `this host's addresses, ${config.nets.join(', ')}` : "this host's addresses",
    local,
    resolver,
    maxRows: config.maxRows,
    idleMs: config.idleMs,
    rowLimit: config.rowLimit,
    publishEverySec: config.publishEverySec,
    startMs: monotonicClock(),
    // snapshots built between drains: 100 000 rows in one piece stalled capture 20-40 ms
    inSteps: inSlices,
    dropped: () => {
      return drops.known ? drops.dropped : null;
    },
    onSnapshot: (snap) => {
      if (usage) {
        for (const p of snap.processes) {
          const u = p.pid !== null ? usageSamples.get(p.pid) : undefined;
          if (u) {
            p.cpu = u.cpu;
            p.memory = u.memory;
          }
        }
        const pids = [...new Set([...snap.processes.slice(0, USAGE_ROWS).flatMap((p) => (p.pid !== null ? [p.pid] : [])), ...watched])];
        void usage.sample(pids).then(
          (m) => (usageSamples = new Map([...m].map(([pid, s]) => [pid, { cpu: s.cpu, memory: s.memory }]))),
          () => undefined,
        );
      }
      liveness?.mark(snap.processes);
      publish(snap);
    },
  });
  const run = runEngine(source, engine, monotonicClock);
  void run.done.finally(() => resolver?.close()).catch(() => undefined);
  return { run, engine, watch: (pids) => (watched = pids.filter((p) => Number.isInteger(p) && p > 0).slice(0, 200)) };
}
