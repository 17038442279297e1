import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ProcessUsage, pidusageSampler, type UsageSample } from '../../src/procs/process-usage.js';

describe('ProcessUsage', () => {
  it('samples at most once per interval, only the pids asked for', async () => {
    let t = 0;
    const calls: number[][] = [];
    const u = new ProcessUsage({
      now: () => t,
      minIntervalMs: 2000,
      sampler: async (pids) => {
        calls.push(pids);
        return new Map(pids.map((p): [number, UsageSample] => [p, { cpu: p / 10, memory: p * 1024 }]));
      },
    });
    expect([...(await u.sample([10, 20, 10])).keys()]).toEqual([10, 20]);
    t = 1000;
    await u.sample([10]);
    expect(calls).toEqual([[10, 20]]);
    await u.sample([10, 30]); // a pid not covered: sample now
    expect(calls).toEqual([[10, 20], [10, 30]]);
    t = 3500;
    expect((await u.sample([30])).get(30)).toEqual({ cpu: 3, memory: 30 * 1024 });
    expect(calls).toHaveLength(3);
    expect(u.get(10)).toBeNull(); // not asked for last time
  });

  it('never throws when the sampler fails', async () => {
    const u = new ProcessUsage({ sampler: () => Promise.reject(new Error('boom')) });
    await expect(u.sample([1])).resolves.toEqual(new Map());
  });

  it('real pidusage: a live pid has numbers, a gone pid is simply absent', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(()=>{}, 10000)']);
    const gone = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => gone.once('exit', r));
    try {
      const one = await pidusageSampler([gone.pid!]);
      expect(one.size).toBe(0);
      const both = await pidusageSampler([child.pid!, gone.pid!]);
      expect(both.get(child.pid!)?.memory).toBeGreaterThan(0);
      expect(both.has(gone.pid!)).toBe(false);
      expect(await pidusageSampler([])).toEqual(new Map());
    } finally {
      child.kill();
      new ProcessUsage().close();
    }
  });
});
