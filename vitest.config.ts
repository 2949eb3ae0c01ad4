import { defineConfig } from 'vitest/config';

// Three tiers: domain rules (core), the API through inject on a fresh SQLite file, and
// end-to-end in Debian's Chromium against the built server.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'core', include: ['packages/*/test/**/*.test.ts'], pool: 'forks', testTimeout: 20_000 } },
      { test: { name: 'api', include: ['apps/api/test/**/*.test.ts'], pool: 'forks', testTimeout: 20_000 } },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
