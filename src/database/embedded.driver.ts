import { PGlite } from '@electric-sql/pglite';
import { drizzle, type PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { resolve } from 'node:path';
import { lockDataDir } from './data-dir.lock.js';
import type { Db, DatabaseDriver, Session } from './database-driver.js';

interface Opened {
  client: PGlite;
  db: PgliteDatabase;
  /** Releases the data directory's lock (see `lockDataDir`). */
  release?: () => Promise<void>;
}

/**
 * The embedded PostgreSQL (PGlite, PostgreSQL compiled to WebAssembly) in this process: nothing
 * to install, files in `DATA_DIR`. It has one session, so every query goes through it in turn.
 */
export class EmbeddedDriver implements DatabaseDriver {
  private opened?: Promise<Opened>;
  private closing?: Promise<void>;
  /** The end of the last session handed out: sessions take turns (see `withSession`). */
  private lastSession: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly description: string,
    private readonly open: () => Promise<Omit<Opened, 'db'>>,
    private readonly ownsClient: boolean,
  ) {}

  /**
   * The database kept in `dataDir` (created and locked on first use, see `lockDataDir`), or in
   * memory for `memory://`.
   */
  static inDirectory(dataDir: string, onLockLost: (error: Error) => void): EmbeddedDriver {
    if (dataDir === 'memory://') {
      return new EmbeddedDriver(
        'embedded PostgreSQL (PGlite) in memory',
        async () => ({ client: await PGlite.create() }),
        true,
      );
    }
    const dir = resolve(dataDir);
    return new EmbeddedDriver(
      `embedded PostgreSQL (PGlite) in ${dir}`,
      async () => {
        const release = await lockDataDir(dir, onLockLost);
        try {
          return { client: await PGlite.create({ dataDir: dir }), release };
        } catch (error) {
          await release();
          throw error;
        }
      },
      true,
    );
  }

  /**
   * An instance someone else opens and closes (the tests share one per file, and one driver for
   * all the apps a file starts): `open` is called on first use; `close()` does nothing.
   */
  static sharing(open: () => Promise<PGlite>): EmbeddedDriver {
    return new EmbeddedDriver(
      'embedded PostgreSQL (PGlite), shared',
      async () => ({ client: await open() }),
      false,
    );
  }

  async db(): Promise<Db> {
    return (await this.connection()).db;
  }

  /**
   * PGlite's one session is every caller's, so an advisory lock excludes no one here: sessions
   * held through this driver take turns instead (two migrators in one process run one by one).
   */
  withSession<T>(work: (session: Session) => Promise<T>): Promise<T> {
    const turn = this.lastSession.then(async () => {
      const { db } = await this.connection();
      return work({ db, applyMigrations: (config) => migrate(db, config) });
    });
    this.lastSession = turn.catch(() => undefined);
    return turn;
  }

  /** Closes the instance (if this driver opened it) and releases `DATA_DIR`, once. */
  close(): Promise<void> {
    if (!this.ownsClient) return Promise.resolve();
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    const opened = await this.opened?.catch(() => undefined);
    await opened?.client.close();
    await opened?.release?.();
  }

  private connection(): Promise<Opened> {
    if (this.closing) return Promise.reject(new Error(`${this.description} is closed`));
    if (!this.opened) {
      const opening = this.open().then((opened) => ({ ...opened, db: drizzle(opened.client) }));
      this.opened = opening;
      // A failed open (files locked or unreadable) is tried again on the next call.
      opening.catch(() => {
        if (this.opened === opening) this.opened = undefined;
      });
    }
    return this.opened;
  }
}
