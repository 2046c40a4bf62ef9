/** The process-level settings (`AppSettings`), read from the environment by `AppModule.forRoot`. */
export const APP_SETTINGS = Symbol('app:settings');
