import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Namespace/tmux end-to-end tests share the machine's network stack; run files one at a time there.
    fileParallelism: true,
  },
});
