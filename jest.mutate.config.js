import base from './jest.config.js';

/**
 * The specs `npm run mutate` (StrykerJS, stryker.config.json) runs against each mutant of
 * src/auth/core, src/auth/keys and the guards: the unit specs of src/auth and the doctor. No e2e
 * spec: Jest loads every related spec file for every mutant, and an e2e file (a Nest app) costs
 * seconds each time, which made a run take hours here. See docs/mutation-testing.md.
 * @type {import('jest').Config}
 */
export default {
  ...base,
  testRegex: ['/src/auth/.*\\.spec\\.ts$', '/src/doctor/.*\\.spec\\.ts$'],
};
