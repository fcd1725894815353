import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts'],
    environment: 'node',
    env: { GRAFT_LOG_LEVEL: process.env.GRAFT_LOG_LEVEL ?? 'warn' },
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
