import { defineConfig } from 'vitest/config';

/**
 * Two groups: pure and in-process tests run in parallel; then the end-to-end
 * tests (real namespaces, tmux, floods) and the timing-sensitive /proc tests
 * run one file at a time, so 2 cores' worth of parallel load cannot turn a
 * timing bound into a coin toss.
 */
const serial = ['test/e2e/**/*.test.ts', 'test/procs/live-netns.test.ts', 'test/procs/rescan-scale.test.ts'];

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: serial },
      },
      {
        extends: true,
        test: { name: 'e2e', include: serial, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
