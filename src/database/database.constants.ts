/** The `DatabaseDriver` the app uses, made from `DatabaseSettings` (tests may override it). */
export const DATABASE_DRIVER = Symbol('database:driver');
