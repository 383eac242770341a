import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    // The deliberately failing property of properties/replay.test.ts runs only in its subprocess.
    exclude: [
      'node_modules/**',
      'dist/**',
      'examples/**',
      ...(process.env.RMQSIM_REPLAY_FIXTURE === '1' ? [] : ['properties/replay/**']),
    ],
    setupFiles: ['properties/fc-setup.ts'],
    globalSetup: ['vitest.build.ts'],
    testTimeout: 60_000,
    pool: 'threads',
    // Test files share their workers' module graph: nothing in core/, sim/ or scenarios/ keeps
    // module-level state across worlds (per-process tables are keyed by Env), and importing the
    // simulator once per worker instead of once per file makes `npm test` about three times faster.
    isolate: false,
  },
});
