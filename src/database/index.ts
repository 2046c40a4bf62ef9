export type { Db, DatabaseDriver, Session } from './database-driver.js';
export { DATABASE_DRIVER } from './database.constants.js';
export { Database, type DatabaseStatus } from './database.service.js';
export { DatabaseModule } from './database.module.js';
export { DatabaseUnavailableError, DatabaseQueryError } from './database-errors.js';
export { EmbeddedDriver } from './embedded.driver.js';
export { ServerDriver } from './server.driver.js';
export { migrate, MIGRATIONS_FOLDER } from './migrations.js';
