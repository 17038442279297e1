import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ipv4, tcpFrame, udpFrame, TCP_ACK } from '../../src/capture/demo/frame-builder.js';
import type { Snapshot } from '../../src/core/snapshot.js';
import { LinkType } from '../../src/decode/packet-info.js';
import type { Lookup, SocketResolver } from '../../src/procs/owner.js';
import { L, testEngine } from '../engine/fixtures.js';

/** Every local port belongs to its own short-lived process: owner rows churn too. */
class ChurningResolver implements SocketResolver {
  generation = 0;
  lookup(proto: number, _local: Uint32Array, localPort: number): Lookup {
    if (localPort === 443) return { kind: 'process', proc: { pid: 1342, name: 'nginx', cmdline: 'nginx', user: 'www-data', netns: null, startTime: 1 } };
    if (proto === 17 && localPort >= 20_000) return { kind: 'process', proc: { pid: localPort, name: `job${localPort}`, cmdline: '', user: 'root', netns: null, startTime: localPort } };
    return { kind: 'miss', generation: this.generation };
  }
  requestRescan(): void {
    this.generation++;
  }
  close(): void {}
}

/** A real collection before each heap reading (vitest workers do not get --expose-gc). */
function exposeGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return (globalThis as { gc?: () => void }).gc;
  }
}

const MAX_ROWS = 2_000;
const IDLE_MS = 60_000;
const ROW_LIMIT = 200;
const MINUTES = 30;

/**
 * 30 simulated minutes through the Engine with a fake clock (packet
 * timestamps and a 1 s tick): steady web clients, churning one-shot peers
 * (a scan or many short clients), short-lived jobs with their own process
 * rows, and a 5-minute burst of far more distinct peers than --max-rows.
 * Tables must stay within --max-rows, idle rows must go, and memory must
 * not grow with run time.
 */
describe('soak: 30 minutes of churning flows (fake clock)', () => {
  it('tables stay bounded, idle rows are evicted, memory is flat', () => {
    let floodSnap: Snapshot | null = null;
    let lastSnap: Snapshot | null = null;
    const start = 1_700_000_000_000;
    const { engine } = testEngine({ startMs: start, maxRows: MAX_ROWS, idleMs: IDLE_MS, rowLimit: ROW_LIMIT, resolver: new ChurningResolver(), onSnapshot: (s) => (lastSnap = s) });
    const buf = Buffer.alloc(2048);
    const gc = exposeGc();
    const heap = (): number => {
      gc?.();
      gc?.();
      return process.memoryUsage().heapUsed;
    };
    const sizes: { min: number; hosts: number; conns: number; owners: number; hostCap: number; connCap: number; heap: number }[] = [];
    const max = { tableRows: 0, hostRows: 0, processRows: 0, connRows: 0 };
    let oneShot = 0;
    let frames = 0;
    let bytes = 0;

    for (let sec = 0; sec < MINUTES * 60; sec++) {
      const t0 = start + sec * 1000;
      // 50 steady clients of the web server
      for (let c = 0; c < 50; c++) {
        const n = tcpFrame(buf, { src: ipv4(`198.18.1.${c + 1}`), dst: L, sport: 40_000 + c, dport: 443 }, TCP_ACK, 200, false);
        engine.frame(buf, 0, n, 0, t0 + c * 10, LinkType.ETHERNET);
        frames++;
        bytes += n;
      }
      // 30 new one-shot peers per second (never seen again)
      for (let k = 0; k < 30; k++, oneShot++) {
        const src = (ipv4('198.19.0.0') + (oneShot % 65_000)) >>> 0;
        const n = udpFrame(buf, { src, dst: L, sport: 1024 + (oneShot % 50_000), dport: 53 }, 40, false);
        engine.frame(buf, 0, n, 0, t0 + 500 + k, LinkType.ETHERNET);
        frames++;
        bytes += n;
      }
      // a job process appears every 2 s and talks for 10 s
      for (let j = Math.max(0, Math.floor(sec / 2) - 4); j <= Math.floor(sec / 2); j++) {
        const n = udpFrame(buf, { src: L, dst: ipv4('198.18.2.1'), sport: 20_000 + (j % 40_000), dport: 9000 }, 300, true);
        engine.frame(buf, 0, n, 0, t0 + 700, LinkType.ETHERNET);
        frames++;
        bytes += n;
      }
      // minutes 10–15: a flood of distinct peers, far beyond --max-rows
      if (sec >= 600 && sec < 900) {
        for (let k = 0; k < 200; k++) {
          const src = (ipv4('198.18.128.0') + ((sec - 600) * 200 + k)) >>> 0;
          const n = tcpFrame(buf, { src, dst: L, sport: 50_000, dport: 22 }, 2, 0, false);
          engine.frame(buf, 0, n, 0, t0 + 800 + k, LinkType.ETHERNET);
          frames++;
          bytes += n;
        }
      }
      engine.advanceTo(Math.floor((t0 + 1000) / 1000)); // the live tick
      engine.resolvePending(t0 + 1000);

      // (plain maxima here: thousands of expect() calls would themselves grow the heap)
      const s = lastSnap!;
      max.tableRows = Math.max(max.tableRows, engine.hosts.size, engine.conns.size);
      max.hostRows = Math.max(max.hostRows, s.hosts.length);
      max.processRows = Math.max(max.processRows, s.processes.length);
      max.connRows = Math.max(max.connRows, s.connections.length);
      if (sec % 60 === 59) {
        let owners = 0;
        for (let id = 0; id < engine.owners.idLimit; id++) if (engine.owners.isLive(id)) owners++;
        sizes.push({ min: (sec + 1) / 60, hosts: engine.hosts.size, conns: engine.conns.size, owners, hostCap: engine.hosts.rowCapacity, connCap: engine.conns.rowCapacity, heap: heap() });
        if (sec + 1 === 12 * 60) floodSnap = s; // keep only what is checked: snapshots are heap too
      }
    }

    expect(max.tableRows).toBeLessThanOrEqual(MAX_ROWS);
    expect(max.hostRows).toBeLessThanOrEqual(ROW_LIMIT + 1); // + (other)
    expect(max.processRows).toBeLessThanOrEqual(ROW_LIMIT);
    expect(max.connRows).toBeLessThanOrEqual(ROW_LIMIT * 2);
    const at = (min: number) => sizes.find((x) => x.min === min)!;
    // steady state without the flood: 50 clients + 30/s one-shots × 60 s idle + a few more
    for (const m of [5, 9, 20, 25, 30]) {
      expect(at(m).hosts).toBeGreaterThan(1_500);
      expect(at(m).hosts).toBeLessThan(MAX_ROWS);
      expect(at(m).owners).toBeLessThan(60); // ~30 jobs in the idle window + nginx + classes
    }
    // during the flood the tables sit at the cap and the excess folds into (other)
    expect(at(12).hosts).toBeGreaterThan(MAX_ROWS * 0.95);
    expect(floodSnap!.hosts.some((h) => h.key === '(other)')).toBe(true);
    // after the flood, idle eviction brings the tables back down
    expect(at(20).hosts).toBeLessThanOrEqual(at(9).hosts + 5);
    expect(at(30).conns).toBeLessThanOrEqual(at(9).conns + 5);
    // capacities (typed arrays) stop growing once the cap is reached
    expect(at(30).hostCap).toBe(at(15).hostCap);
    expect(at(30).connCap).toBe(at(15).connCap);
    // every frame and byte counted, nothing lost to eviction
    const last = lastSnap!;
    expect(last.totals.packets).toBe(frames);
    expect(last.totals.rxBytes + last.totals.txBytes + last.totals.transitBytes).toBe(bytes);
    // heap: flat between minute 20 and 30 (after the flood); with --expose-gc the figure is exact
    const growth = at(30).heap - at(20).heap;
    expect(growth).toBeLessThan(gc ? 2 * 1024 * 1024 : 16 * 1024 * 1024);
    console.log(
      `soak: ${frames} frames; hosts/conns/owners at 5, 12, 20, 30 min: ${[5, 12, 20, 30].map((m) => `${at(m).hosts}/${at(m).conns}/${at(m).owners}`).join(', ')}; heap (MiB) ${[5, 10, 20, 30].map((m) => (at(m).heap / 1048576).toFixed(1)).join(' → ')}${gc ? '' : ' (no gc exposed)'}`,
    );
  }, 120_000);
});
