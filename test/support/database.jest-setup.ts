import { afterAll } from '@jest/globals';
import { closeFileDatabase } from './file-database.js';

// Each test file's shared PGlite (if it started one) is closed when the file is done.
afterAll(closeFileDatabase);
