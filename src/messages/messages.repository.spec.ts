import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { openDatabase, testDatabases, type OwnDatabase } from '../../test/support/test-database.js';
import type { Database } from '../database/index.js';
import type { Message } from './message.entity.js';
import type { MessageCursor } from './message-page.js';
import { MessagesRepository } from './messages.repository.js';
import { messages } from './messages.table.js';

describe.each(testDatabases())('MessagesRepository on %s', (_name, create) => {
  let own: OwnDatabase;
  let database: Database;
  let repository: MessagesRepository;

  beforeAll(async () => {
    own = await create();
    database = await openDatabase(own.driver);
    repository = new MessagesRepository(database);
  });
  afterAll(async () => {
    await database?.onApplicationShutdown();
    await own?.dispose();
  });
  beforeEach(() => database.run((db) => db.delete(messages)));

  /** Rows with chosen times (ties included), as if written over a few milliseconds. */
  async function seed(times: string[]): Promise<Message[]> {
    const rows = times.map((time, i) => ({
      id: randomUUID(),
      text: `message ${i}`,
      author: i % 2 ? 'alice' : 'bob',
      createdAt: new Date(time),
    }));
    await database.run((db) => db.insert(messages).values(rows));
    return rows
      .map((row) => ({ ...row, createdAt: row.createdAt.toISOString() }))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  }

  async function allPages(limit: number): Promise<Message[][]> {
    const pages: Message[][] = [];
    let after: MessageCursor | undefined;
    do {
      const page = await repository.list({ limit, after });
      pages.push(page.messages);
      after = page.next;
    } while (after && pages.length < 20);
    return pages;
  }

  it('stores a message; the database sets createdAt, to the millisecond', async () => {
    const id = randomUUID();
    const stored = await repository.insert({ id, text: 'hello', author: 'alice' });
    expect(stored).toEqual({
      id,
      text: 'hello',
      author: 'alice',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(await repository.findById(id)).toEqual(stored);
  });

  it.each([
    ['a word', 'nope'],
    ['an empty string', ''],
    ['SQL', "x' or '1'='1"],
    ['a NUL character', 'a\0b'],
    ['5000 characters', 'x'.repeat(5000)],
    ['an emoji', '💥'],
    ['a UUID nobody used', randomUUID()],
  ])('finds nothing, without an error, for an id that is %s', async (_name, id) => {
    await seed(['2026-01-01T00:00:00.000Z']);
    expect(await repository.findById(id)).toBeUndefined();
  });

  it('lists newest first, ties broken by id, in pages that add up to the whole list', async () => {
    const expected = await seed([
      '2026-01-01T00:00:00.001Z',
      '2026-01-01T00:00:00.003Z',
      '2026-01-01T00:00:00.003Z',
      '2026-01-01T00:00:00.003Z',
      '2026-01-01T00:00:00.002Z',
      '2026-01-01T00:00:00.005Z',
      '2026-01-01T00:00:00.004Z',
    ]);
    const pages = await allPages(3);
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(expected);
  });

  it('has no next page when the last page is exactly full', async () => {
    await seed(['2026-01-01T00:00:00.001Z', '2026-01-01T00:00:00.002Z']);
    expect((await repository.list({ limit: 2 })).next).toBeUndefined();
    expect((await repository.list({ limit: 1 })).next).toBeDefined();
  });

  it('keeps its place when newer messages arrive between pages (keyset, not offset)', async () => {
    const expected = await seed([
      '2026-01-01T00:00:00.001Z',
      '2026-01-01T00:00:00.002Z',
      '2026-01-01T00:00:00.003Z',
    ]);
    const first = await repository.list({ limit: 2 });
    await repository.insert({ id: randomUUID(), text: 'newer', author: 'carol' });
    const second = await repository.list({ limit: 2, after: first.next });
    expect([...first.messages, ...second.messages]).toEqual(expected);
  });

  it('deletes once: true, then false', async () => {
    const [message] = await seed(['2026-01-01T00:00:00.000Z']);
    expect(await repository.delete(message.id)).toBe(true);
    expect(await repository.delete(message.id)).toBe(false);
    expect(await repository.findById(message.id)).toBeUndefined();
  });
});
