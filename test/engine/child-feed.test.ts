import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/core/snapshot.js';
import type { CaptureConfig } from '../../src/engine/capture-config.js';
import { childFeed } from '../../src/engine/child-feed.js';
import type { SnapshotFeed } from '../../src/engine/snapshot-feed.js';

const ENTRY = new URL('./fake-capture-child.mjs', import.meta.url).pathname;
const CONFIG: CaptureConfig = { interfaceName: 'fake0', filter: null, nets: [], maxRows: 1000, idleMs: 300_000, rowLimit: 100, attribution: false, coalesce: false, publishEverySec: 1 };
const dir = mkdtempSync(join(tmpdir(), 'wt-feed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const feeds: SnapshotFeed[] = [];
afterEach(async () => {
  for (const f of feeds.splice(0)) await f.stop();
  delete process.env.FAKE_CRASH;
  delete process.env.FAKE_CRASH_ONCE_FILE;
});

function start(crash: string, state: () => 'up' | 'down' | 'missing', onceFile?: string) {
  process.env.FAKE_CRASH = crash;
  if (onceFile) process.env.FAKE_CRASH_ONCE_FILE = onceFile;
  const feed = childFeed(CONFIG, { entry: ENTRY, interfaceState: state, retryMs: 50 });
  feeds.push(feed);
  const snaps: Snapshot[] = [];
  let ended: Error | null | undefined;
  feed.onSnapshot((s) => snaps.push(s));
  feed.onEnd((e) => (ended = e));
  const until = async (what: string, pred: () => boolean, ms = 5000) => {
    const t = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > t) throw new Error(`timed out waiting for ${what}; notices: ${JSON.stringify(snaps.map((s) => s.notices))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { feed, snaps, ended: () => ended, until };
}

const noticed = (snaps: Snapshot[], re: RegExp) => snaps.findIndex((s) => s.notices.some((n) => re.test(n)));

describe('childFeed: the capture process and its interface', () => {
  it('interface down: waits with zero-rate snapshots and a notice, resumes when up, counters carried over', async () => {
    let state: 'up' | 'down' | 'missing' = 'up';
    const r = start('poll', () => state, join(dir, 'once-a'));
    await r.until('two snapshots', () => r.snaps.length >= 2);
    state = 'down';
    await r.until('the down notice', () => noticed(r.snaps, /fake0 is down — waiting/) >= 0);
    const down = r.snaps[noticed(r.snaps, /is down/)]!;
    expect(down.totals.rx2 + down.hosts[0]!.rx2).toBe(0);
    expect(down.totals.rxBytes).toBe(300);
    state = 'missing';
    await r.until('the gone notice', () => noticed(r.snaps, /fake0 is gone/) >= 0, 3000);
    expect(r.ended()).toBeUndefined();
    state = 'up';
    await r.until('resumed', () => noticed(r.snaps, /capture resumed on fake0/) >= 0);
    await r.until('counting again', () => r.snaps.at(-1)!.totals.rxBytes >= 300 + 300);
    const last = r.snaps.at(-1)!;
    expect(last.hosts[0]!.rxBytes).toBe(last.totals.rxBytes); // the row carried too
    const seqs = r.snaps.map((s) => s.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b)); // renumbered: increasing across restarts
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('cap\'s poll-error abort with the interface up (a flap too quick to see) restarts without a limit', async () => {
    const r = start('poll', () => 'up');
    await r.until('four crashes survived (more than the restart limit)', () => r.snaps.filter((s) => s.notices.some((n) => /retrying|resumed/.test(n))).length >= 8, 10_000);
    expect(r.ended()).toBeUndefined();
  });

  it('any other crash: restarted three times, then the feed ends with the reason', async () => {
    const r = start('other', () => 'up');
    await r.until('the end', () => r.ended() !== undefined, 10_000);
    expect(r.ended()!.message).toMatch(/capture process exited with code 1: something else broke/);
    expect(noticed(r.snaps, /restarted \(3\/3\)/)).toBeGreaterThan(0);
  });

  it('stop while waiting: a final snapshot, then the end', async () => {
    let state: 'up' | 'down' | 'missing' = 'up';
    const r = start('poll', () => state, join(dir, 'once-b'));
    await r.until('two snapshots', () => r.snaps.length >= 2);
    state = 'down';
    await r.until('the down notice', () => noticed(r.snaps, /is down/) >= 0);
    const before = r.snaps.length;
    await r.feed.stop();
    expect(r.ended()).toBeNull();
    expect(r.snaps.length).toBe(before + 1);
    expect(r.snaps.at(-1)!.notices).toEqual(['fake0 is down — waiting']);
  });
});

describe('the capture process environment', () => {
  it('sizes the threadpool and keeps large allocations returnable, unless the user chose otherwise', async () => {
    const { captureEnv } = await import('../../src/engine/child-feed.js');
    expect(captureEnv({ PATH: '/bin' })).toEqual({ PATH: '/bin', UV_THREADPOOL_SIZE: '16', MALLOC_MMAP_THRESHOLD_: '131072', NODE_OPTIONS: '--max-semi-space-size=4' });
    expect(captureEnv({ UV_THREADPOOL_SIZE: '4', MALLOC_MMAP_THRESHOLD_: '0' })).toMatchObject({ UV_THREADPOOL_SIZE: '4', MALLOC_MMAP_THRESHOLD_: '0' });
  });

  it("caps the young generation at 4 MB semi-spaces, and the user's own NODE_OPTIONS win", async () => {
    const { captureEnv } = await import('../../src/engine/child-feed.js');
    // keep many objects alive while allocating: the young generation grows as far as it may
    const script = "let k=[];for(let i=0;i<4e6;i++){k.push({i});if(k.length>3e5)k=[]}console.log(require('v8').getHeapSpaceStatistics().find((s)=>s.space_name==='new_space').space_size/1048576)";
    const newSpaceMb = (env: NodeJS.ProcessEnv) => Number(execFileSync(process.execPath, ['-e', script], { env }).toString());
    const plain = { PATH: process.env.PATH };
    expect(newSpaceMb(plain)).toBeGreaterThan(8); // node's own default lets it grow further
    expect(newSpaceMb(captureEnv(plain))).toBeLessThanOrEqual(8);
    expect(newSpaceMb(captureEnv({ ...plain, NODE_OPTIONS: '--max-semi-space-size=1' }))).toBeLessThanOrEqual(2);
  }, 30_000);
});
