/**
 * Jest runs in ESM mode because every @nestjs/* 12 package is ESM-only (see docs/development.md).
 * ts-jest only transpiles here; `npm run lint` type-checks with tsc.
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  globalSetup: '<rootDir>/test/support/prepared-data-dir.global-setup.mjs',
  setupFilesAfterEnv: [
    '<rootDir>/src/auth/testing/jest-setup.ts',
    '<rootDir>/test/support/database.jest-setup.ts',
  ],
  testTimeout: 20000,
};
