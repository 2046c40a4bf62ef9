import { expect } from '@jest/globals';
import { bearerMatchers } from './bearer-matchers.js';

expect.extend(bearerMatchers);
