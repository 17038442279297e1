import { pbkdf2, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { offThreadCpuMs } from '../../src/procs/thread-cpu.js';

const work = (iterations: number) => new Promise((resolve, reject) => pbkdf2('pw', 'salt', iterations, 32, 'sha256', (e, k) => (e ? reject(e) : resolve(k))));

describe('offThreadCpuMs: the CPU of the pool threads (rescans read /proc there), not the calling thread', () => {
  it('counts work done in the libuv pool and leaves out work done on the calling thread', async () => {
    const iterations = 200_000;
    const a = offThreadCpuMs();
    const t0 = performance.now();
    pbkdf2Sync('pw', 'salt', iterations, 32, 'sha256');
    const onThread = performance.now() - t0;
    const b = offThreadCpuMs();
    await Promise.all([work(iterations), work(iterations)]);
    const c = offThreadCpuMs();
    expect(onThread).toBeGreaterThan(5);
    expect(b - a).toBeLessThan(onThread * 0.3);
    expect(c - b).toBeGreaterThan(onThread * 1.2); // two runs of the same work, on pool threads
  });
});
