import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { DatabaseSettings } from '../config/database.settings.js';
import { DATABASE_DRIVER } from './database.constants.js';
import { createDatabaseDriver } from './database-driver.factory.js';
import { DatabaseUnavailableFilter } from './database-unavailable.filter.js';
import { Database } from './database.service.js';

/**
 * PostgreSQL for the whole app: `Database` (queries, migrations at start, outage handling) and the
 * 503 answer when it can't be reached. Global, so resource modules just inject `Database`.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(settings: DatabaseSettings): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE_DRIVER, useFactory: () => createDatabaseDriver(settings) },
        Database,
        { provide: APP_FILTER, useClass: DatabaseUnavailableFilter },
      ],
      exports: [Database],
    };
  }
}
