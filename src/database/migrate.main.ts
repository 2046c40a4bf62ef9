import { Logger } from '@nestjs/common';
import { ConfigurationError } from '../config/configuration.error.js';
import { databaseSettingsFromEnv } from '../config/database.settings.js';
import { readEnvironment } from '../config/env.js';
import { createDatabaseDriver } from './database-driver.factory.js';
import { databaseFailureReason } from './database-errors.js';
import { migrate } from './migrations.js';

/*
 * `npm run db:migrate`: applies the pending migrations to the configured database and exits, as a
 * deploy step before the new version starts. The API does the same at start, under the same
 * lock, so running both is safe.
 */

const logger = new Logger('Migrate');

async function main(): Promise<void> {
  const settings = databaseSettingsFromEnv(readEnvironment());
  const driver = createDatabaseDriver(settings);
  try {
    const applied = await migrate(driver);
    logger.log(
      `${driver.description}: ${applied ? `${applied} migration(s) applied` : 'up to date'}`,
    );
  } finally {
    await driver.close();
  }
}

main().catch((error: unknown) => {
  logger.error(
    error instanceof ConfigurationError
      ? `Configuration error: ${error.message}`
      : `Migrations not applied: ${databaseFailureReason(error)}`,
  );
  process.exitCode = 1;
});
