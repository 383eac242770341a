import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**'],
    setupFiles: ['properties/fc-setup.ts'],
    testTimeout: 60_000,
    pool: 'threads',
  },
});
