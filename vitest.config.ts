import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // Tests that open ports or a browser take longer on a shared 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two test files at a time: Vitest's default on 2 cores is one (cores - 1), and most of the suite waits on
    // loopback servers, child processes and a browser rather than on the CPU. Serially the suite outgrew the
    // 10-minute CI budget (about 12 minutes); two at a time it takes under 7.
    maxWorkers: 2,
  },
});
