import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError } from './data-dir.lock.js';
import { Database } from './database.service.js';
import { EmbeddedDriver } from './embedded.driver.js';

// Each test creates an embedded database on disk from scratch (initdb), seconds on a busy machine.
jest.setTimeout(90_000);

/** Polls until `probe` is true; fails after about 30 s. */
async function until(probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await probe()); i++) {
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  expect(await probe()).toBe(true);
}

describe('the embedded database in DATA_DIR', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('keeps its data, serves one process at a time, and the next takes over once free', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'data-dir-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const first = EmbeddedDriver.inDirectory(dir, () => undefined);
    cleanup.push(() => first.close());
    await (await first.db()).execute(sql`create table kept as select 42 as answer`);

    const second = EmbeddedDriver.inDirectory(dir, () => undefined);
    await expect(second.db()).rejects.toBeInstanceOf(DataDirInUseError);
    const database = new Database(second);
    cleanup.push(() => database.onApplicationShutdown());
    await database.onApplicationBootstrap();
    expect(await database.status()).toEqual({ up: false, reason: 'unreachable' });

    await first.close();
    await until(async () => (await database.status()).up);
    const kept = await database.run((db) => db.execute(sql`select answer from kept`));
    expect(kept).toMatchObject({ rows: [{ answer: 42 }] });
  });
});
