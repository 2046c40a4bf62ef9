import { afterAll, expect } from '@jest/globals';
import { bearerMatchers } from './bearer-matchers.js';
import { closeUnclosedTestApps } from './test-app.js';

expect.extend(bearerMatchers);

// An app whose start outlived its `beforeAll` (a loaded machine) is closed when its file ends,
// so its server and timers don't keep Jest from exiting.
afterAll(() => closeUnclosedTestApps().then(() => undefined), 60_000);
