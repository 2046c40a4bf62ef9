import fs from 'node:fs';
import path from 'node:path';
import TestSequencer from '@jest/test-sequencer';

/**
 * Jest's test sequencer for `npm run mutate` (jest.mutate.config.js), so a mutant loads only the
 * spec files that hold a test covering it.
 *
 * StrykerJS runs each mutant as `--findRelatedTests <mutated file> -t <the covering tests>`. Jest
 * then loads every related spec file, though in most of them `-t` skips every test: a mutant of
 * src/auth/core/scopes.ts loaded 25 files to run tests from one or two, about 14 s of imports
 * per mutant here. This sequencer drops the files whose tests `-t` would all skip, and changes
 * nothing else: the tests that run, their order within a file, and the verdict are Jest's.
 *
 * It learns which tests each file holds from Stryker's dry run (the one run without `-t`, which
 * runs every related test) and writes that list into the sandbox; the mutant runs, in every worker,
 * read it. A file it has no list for is kept, and so is every file when none would be left. Outside
 * StrykerJS (no STRYKER_MUTATOR_WORKER in the environment) it is Jest's own sequencer.
 */
const underStryker = process.env.STRYKER_MUTATOR_WORKER !== undefined;
const TESTS_BY_FILE = '.stryker-tmp-tests-by-file.json';

export default class MutationTestSequencer extends TestSequencer {
  #testNamePattern;
  #listFile;

  constructor(options) {
    super(options);
    this.#testNamePattern = options.globalConfig.testNamePattern;
    this.#listFile = path.join(options.globalConfig.rootDir, TESTS_BY_FILE);
  }

  sort(tests) {
    if (!underStryker || !this.#testNamePattern) {
      return super.sort(tests);
    }
    const testsByFile = this.#readList();
    // The pattern as jest-circus applies it to each test's full name.
    const pattern = new RegExp(this.#testNamePattern, 'i');
    const needed = tests.filter((test) => {
      const names = testsByFile[test.path];
      return names === undefined || names.some((name) => pattern.test(name));
    });
    return super.sort(needed.length > 0 ? needed : tests);
  }

  cacheResults(tests, results) {
    super.cacheResults(tests, results);
    if (underStryker && !this.#testNamePattern) {
      const testsByFile = Object.fromEntries(
        results.testResults.map((file) => [
          file.testFilePath,
          file.testResults.map((test) => test.fullName),
        ]),
      );
      fs.writeFileSync(this.#listFile, JSON.stringify(testsByFile));
    }
  }

  #readList() {
    try {
      return JSON.parse(fs.readFileSync(this.#listFile, 'utf8'));
    } catch {
      return {};
    }
  }
}
