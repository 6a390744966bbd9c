import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the `@ironlb/source` export
// condition, so tests never depend on a build.
const conditions = ['@ironlb/source', 'node', 'import', 'module', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@ironlb/source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          // Integration tests start routers, namespaces and servers: run the files one at a
          // time so that they do not compete for the two cores, and bound each test.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
