import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    env: { GRAFT_LOG_LEVEL: process.env.GRAFT_LOG_LEVEL ?? 'warn' },
    testTimeout: 900_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
