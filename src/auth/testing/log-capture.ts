import type { LoggerService } from '@nestjs/common';

export type LogLevel = 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';

export interface LogEntry {
  level: LogLevel;
  /** What was logged: a string, or the structured object (e.g. `{ msg, reason, iss, ... }`). */
  message: unknown;
  /** The logger's context (`new Logger('Auth')` gives `'Auth'`), when there is one. */
  context?: string;
}

/**
 * A Nest `LoggerService` that keeps every entry, so tests can assert what the app logs at the
 * LoggerService level (whatever logger the app uses in production).
 *
 * ```ts
 * const logs = new LogCapture();
 * const app = moduleRef.createNestApplication({ logger: logs });
 * logs.warnings('Auth'); // the structured rejections
 * ```
 */
export class LogCapture implements LoggerService {
  readonly entries: LogEntry[] = [];

  log(message: unknown, ...params: unknown[]) {
    this.add('log', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.add('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.add('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.add('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.add('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]) {
    this.add('fatal', message, params);
  }

  /** The messages logged at warn level, optionally from one context only. */
  warnings(context?: string): unknown[] {
    return this.entries
      .filter((e) => e.level === 'warn' && (context === undefined || e.context === context))
      .map((e) => e.message);
  }

  clear(): void {
    this.entries.length = 0;
  }

  /** Everything logged, as one string: for "never appears in the logs" assertions. */
  toString(): string {
    return JSON.stringify(this.entries);
  }

  private add(level: LogLevel, message: unknown, params: unknown[]): void {
    const last = params[params.length - 1];
    this.entries.push({ level, message, context: typeof last === 'string' ? last : undefined });
  }
}
