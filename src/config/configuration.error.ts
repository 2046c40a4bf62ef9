/**
 * A setting of the app that cannot be right (`PORT`, `CORS_ORIGINS`, `LOG_LEVEL`...), named as the
 * operator sets it. `AuthConfigurationError` is the auth module's own, naming its options; the app
 * turns it into this one (`configurationErrorOf`), so every message names a variable.
 */
export class ConfigurationError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}
