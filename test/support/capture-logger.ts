import type { LoggerService } from '@nestjs/common';
import { inspect } from 'node:util';

/** One call to the app's logger, as Nest made it. */
export interface LogEntry {
  level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  message: unknown;
  params: unknown[];
}

/**
 * A Nest `LoggerService` that keeps every line in memory, so a test can read what the app logged:
 * pass it as `createNestApplication({ logger })`. `text()` is everything logged, as one string, for
 * "this never appears in a log" assertions; `rejections()` lists the filter's reason codes.
 */
export class CaptureLogger implements LoggerService {
  readonly entries: LogEntry[] = [];

  log(message: unknown, ...params: unknown[]): void {
    this.entries.push({ level: 'log', message, params });
  }
  error(message: unknown, ...params: unknown[]): void {
    this.entries.push({ level: 'error', message, params });
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.entries.push({ level: 'warn', message, params });
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.entries.push({ level: 'debug', message, params });
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.entries.push({ level: 'verbose', message, params });
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.entries.push({ level: 'fatal', message, params });
  }

  /** Everything logged so far, messages and parameters, fully expanded. */
  text(): string {
    return this.entries
      .map((e) => inspect([e.message, ...e.params], { depth: null, breakLength: Infinity }))
      .join('\n');
  }

  /** The `reason` codes of the "token rejected" lines, in order. */
  rejections(): string[] {
    return this.entries.flatMap((e) => {
      const m = e.message as { msg?: unknown; reason?: unknown } | undefined;
      return m?.msg === 'token rejected' && typeof m.reason === 'string' ? [m.reason] : [];
    });
  }

  /** The reason code of the last rejection, or undefined. */
  lastRejection(): string | undefined {
    return this.rejections().at(-1);
  }

  clear(): void {
    this.entries.length = 0;
  }
}
