import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs pure code with no processes; `integration` (which also holds the
// end-to-end suites) shares one real kube-apiserver + etcd and one AWS emulator per run, started
// by the global setup. CI machines have 2 cores, so integration files run with little parallelism.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // Unit tests run first and on their own: a failure there is found in seconds.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          maxWorkers: 2,
          fileParallelism: true,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
