import { defineConfig } from 'vitest/config';

/**
 * The one vitest configuration every workspace extends. Test layers show in file names:
 * `*.unit.test.ts` (pure), `*.int.test.ts` (real PostgreSQL, Redis, Kafka wire protocol),
 * `*.e2e.test.ts` (several processes). Each run writes a JSON report that scripts/test.mjs
 * adds up into one closing line.
 */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
  },
});
