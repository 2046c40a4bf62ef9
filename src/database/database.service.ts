import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { DATABASE_DRIVER } from './database.constants.js';
import type { Db, DatabaseDriver } from './database-driver.js';
import {
  DatabaseUnavailableError,
  databaseFailureReason,
  isDatabaseUnavailable,
  toRequestError,
} from './database-errors.js';
import { migrate } from './migrations.js';

/** Waits between attempts to reach and migrate a database that was down: doubling, capped. */
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 5000;
/** A readiness probe answers within this, whatever the database does. */
const PROBE_TIMEOUT_MS = 2000;
/** The start, or a request, waits this long for a migration in progress, then goes on (a 503). */
const MIGRATION_WAIT_MS = 10_000;

/** What readiness reports: up, or down with a reason fit for a public answer (no host, no SQL). */
export type DatabaseStatus = { up: true } | { up: false; reason: string };

/** Why the database is not serving: `reason` goes to the logs, `summary` to readiness. */
interface Failure {
  summary: 'unreachable' | 'migrations failed' | 'not migrated yet';
  reason: string;
}

/**
 * The app's one door to PostgreSQL. At start it applies pending migrations; while the database
 * can't be reached it keeps trying in the background (the API runs meanwhile, answering 503 on
 * data routes), and serves as soon as the database answers. Repositories query through `run`.
 */
@Injectable()
export class Database implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private migrated = false;
  private attempt?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  private retryMs = FIRST_RETRY_MS;
  /** Why the last attempt or query failed; undefined while all is well. */
  private failure?: Failure;
  private stopped = false;

  constructor(@Inject(DATABASE_DRIVER) private readonly driver: DatabaseDriver) {}

  /**
   * Applies pending migrations before the app starts listening. A database that doesn't answer
   * (or a migration still running) after 10 s doesn't hold the start: trying goes on behind it.
   */
  async onApplicationBootstrap(): Promise<void> {
    await settled(this.prepare(), MIGRATION_WAIT_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.attempt;
    await this.driver.close();
  }

  /**
   * Runs `work` with the query builder. While the database can't be reached (or isn't migrated
   * yet) it throws `DatabaseUnavailableError` (a 503); other database errors become a
   * `DatabaseQueryError` (a 500). Neither carries SQL or a connection string.
   */
  async run<T>(work: (db: Db) => Promise<T>): Promise<T> {
    if (!this.migrated) await settled(this.attempt, MIGRATION_WAIT_MS);
    if (!this.migrated) {
      throw new DatabaseUnavailableError(this.failure?.summary ?? 'not migrated yet');
    }
    try {
      const result = await work(await this.driver.db());
      this.recovered();
      return result;
    } catch (error) {
      if (isDatabaseUnavailable(error)) this.failed(databaseFailureReason(error));
      throw toRequestError(error);
    }
  }

  /** Readiness: migrated, and answering `select 1` now. */
  async status(): Promise<DatabaseStatus> {
    if (!this.migrated) await settled(this.attempt, PROBE_TIMEOUT_MS);
    if (!this.migrated) return { up: false, reason: this.failure?.summary ?? 'not migrated yet' };
    try {
      await this.run((db) => withTimeout(db.execute(sql`select 1`), PROBE_TIMEOUT_MS));
      return { up: true };
    } catch {
      return { up: false, reason: this.failure?.summary ?? 'unreachable' };
    }
  }

  /** One attempt at a time to reach the database and apply pending migrations. */
  private prepare(): Promise<void> {
    this.attempt ??= this.migrateOnce().finally(() => (this.attempt = undefined));
    return this.attempt;
  }

  private async migrateOnce(): Promise<void> {
    try {
      const applied = await migrate(this.driver);
      this.migrated = true;
      this.failure = undefined;
      this.retryMs = FIRST_RETRY_MS;
      this.logger.log(
        `${this.driver.description}: ready` +
          (applied ? `, ${applied} migration(s) applied` : ', migrations up to date'),
      );
    } catch (error) {
      const reason = databaseFailureReason(error);
      const summary = isDatabaseUnavailable(error) ? 'unreachable' : 'migrations failed';
      // The first failure, and each new reason, at warn; the same again only at debug.
      const level = this.failure?.reason === reason ? 'debug' : 'warn';
      this.logger[level](
        `${this.driver.description}: not ready (${reason}); trying again in ${this.retryMs} ms`,
      );
      this.failure = { summary, reason };
      this.scheduleRetry();
    }
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => void this.prepare(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  /** Logs the start of an outage once, not once per request. */
  private failed(reason: string): void {
    if (this.failure === undefined) {
      this.logger.warn(`${this.driver.description}: unreachable (${reason})`);
    }
    this.failure = { summary: 'unreachable', reason };
  }

  private recovered(): void {
    if (this.failure === undefined) return;
    this.failure = undefined;
    this.logger.log(`${this.driver.description}: answering again`);
  }
}

/** Waits for `promise` to settle, or for `ms`, whichever comes first; never throws. */
async function settled(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (!promise) return;
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([promise.catch(() => undefined), elapsed]).finally(() => clearTimeout(timer));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
