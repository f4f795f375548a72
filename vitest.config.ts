import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CLI tests spawn the built CLI and engine tests run real models: give them room on a 2-core box.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    // Plans must not depend on a price cache that 'capacity-plan prices' left on this machine.
    // Node's compile cache (22.1+) goes to a folder of the tests' own, not the user's cache folder.
    env: {
      CAPACITY_PLAN_PRICE_CACHE: join(tmpdir(), 'capacity-plan-tests-no-price-cache', 'prices.json'),
      NODE_COMPILE_CACHE: join(tmpdir(), 'capacity-plan-tests-compile-cache'),
    },
  },
});
