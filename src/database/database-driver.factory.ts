import { Logger } from '@nestjs/common';
import type { DatabaseSettings } from '../config/database.settings.js';
import type { DatabaseDriver } from './database-driver.js';
import { databaseFailureReason } from './database-errors.js';
import { EmbeddedDriver } from './embedded.driver.js';
import { ServerDriver } from './server.driver.js';

/** The driver the settings ask for: PGlite in `DATA_DIR`, or a pool on `DATABASE_URL`. */
export function createDatabaseDriver(settings: DatabaseSettings): DatabaseDriver {
  const logger = new Logger('Database');
  if (settings.kind === 'embedded') {
    return EmbeddedDriver.inDirectory(settings.dataDir, (error) =>
      logger.error(`the lock on DATA_DIR was lost (${error.message}): stop the other process`),
    );
  }
  return new ServerDriver(settings.url, settings.poolSize, (error) =>
    logger.warn(`an idle connection failed (${databaseFailureReason(error)})`),
  );
}
