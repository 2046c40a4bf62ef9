import base from './jest.config.js';

/**
 * The specs `npm run mutate` (StrykerJS, stryker.config.json) runs against each mutant of
 * src/auth/core, src/auth/keys and the guards: the unit specs of src/auth and the doctor. No e2e
 * spec: Jest loads every related spec file for every mutant, and an e2e file (a Nest app) costs
 * seconds each time, which made a run take hours here. See docs/mutation-testing.md.
 *
 * - `testSequencer` lets a mutant load only the spec files that hold a test covering it.
 * - `testTimeout` is 5 s, not 20: the slowest of these tests takes under 1 s, and a mutant that
 *   leaves a promise unsettled then fails its test in 5 s, where it would otherwise hang until
 *   Stryker's own time limit and cost a restart of the worker.
 * @type {import('jest').Config}
 */
export default {
  ...base,
  testRegex: ['/src/auth/.*\\.spec\\.ts$', '/src/doctor/.*\\.spec\\.ts$'],
  testSequencer: '<rootDir>/test/support/mutation-test-sequencer.mjs',
  testTimeout: 5000,
};
