import { defineConfig } from 'vitest/config';

// The SDK's notice about Node 22 is not news to anyone running these tests.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

/**
 * One project per layer, so each starts only what it needs: `npm test` runs
 * them all, `npm run test:unit` (and `test:infra`, `test:integration`) one.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // Child processes that run TypeScript through tsx would leave its cache in the temp dir.
      TSX_DISABLE_CACHE: '1',
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // No Java, no emulators, no network, no child process.
          setupFiles: ['test/support/unit-isolation.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // DynamoDB Local and the SES emulator, once for the whole project.
          globalSetup: ['test/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'bench',
          include: ['test/bench/**/*.test.ts'],
        },
      },
    ],
  },
});
