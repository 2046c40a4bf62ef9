import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import request from 'supertest';
import { TestAuthority } from '../src/auth/testing/index.js';
import type { HttpAdapterName } from '../src/config/http.settings.js';
import { Database } from '../src/database/index.js';
import type { Message } from '../src/messages/message.entity.js';
import { encodeCursor } from '../src/messages/message-page.js';
import { messages } from '../src/messages/messages.table.js';
import { startApi } from './support/test-api.js';
import { testDatabases, type OwnDatabase } from './support/test-database.js';

const cases = testDatabases().flatMap(([database, create]) =>
  (['express', 'fastify'] as HttpAdapterName[]).map(
    (adapter) => [adapter, database, create] as const,
  ),
);

/**
 * The messages routes over HTTP, on both platforms and on every test database: the answers are
 * the same everywhere, down to the bodies.
 */
describe.each(cases)('messages on %s with %s', (adapter, _database, create) => {
  let authority: TestAuthority;
  let own: OwnDatabase;
  let app: INestApplication;
  let server: Server;

  beforeAll(async () => {
    authority = await TestAuthority.start();
    own = await create();
    ({ app, server } = await startApi({ authority, adapter, database: own.driver }));
    // The app migrates in the background at start; the tests write to the table directly.
    expect(await app.get(Database).status()).toEqual({ up: true });
  });
  afterAll(async () => {
    await app?.close();
    await own?.dispose();
    await authority?.close();
  });
  beforeEach(async () => {
    await (await own.driver.db()).delete(messages);
  });

  const as = (sub: string) =>
    `Bearer ${authority.mint({ sub, scope: 'messages:read messages:write' })}`;
  const get = (path: string, sub = 'alice') =>
    request(server).get(path).set('Authorization', as(sub));
  const post = (text: unknown, sub = 'alice') =>
    request(server).post('/api/messages').set('Authorization', as(sub)).send({ text });
  const del = (path: string, sub = 'alice') =>
    request(server).delete(path).set('Authorization', as(sub));

  /** `count` messages written through the database, a millisecond apart, newest first. */
  async function seed(count: number): Promise<Message[]> {
    const start = Date.parse('2026-01-01T00:00:00.000Z');
    const rows = Array.from({ length: count }, (_, i) => ({
      id: randomUUID(),
      text: `message ${i}`,
      author: 'bob',
      createdAt: new Date(start + i),
    }));
    await (await own.driver.db()).insert(messages).values(rows);
    return rows.reverse().map((row) => ({ ...row, createdAt: row.createdAt.toISOString() }));
  }

  /** The `next` link of an answer, resolved against the request, or undefined. */
  function nextLink(res: request.Response): string | undefined {
    const link = res.headers.link as string | undefined;
    if (link === undefined) return undefined;
    const match = /^<([^>]+)>; rel="next"$/.exec(link);
    expect(match).not.toBeNull();
    return match![1];
  }

  it('stores a message and reads it back, by id and first in the list', async () => {
    const created = await post('hello, world');
    expect(created.status).toBe(201);
    const message = created.body as Message;
    expect(message).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      text: 'hello, world',
      author: 'alice',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect((await get(`/api/messages/${message.id}`, 'bob')).body).toEqual(message);
    const list = await get('/api/messages');
    expect(list.status).toBe(200);
    expect(list.body).toEqual([message]);
    expect(list.headers.link).toBeUndefined();
  });

  it.each([
    ['a word', 'nope'],
    ['a NUL character', '%00'],
    ['SQL', "x'%20or%20'1'='1"],
    ['2000 characters', 'x'.repeat(2000)],
    ['an emoji', '%F0%9F%92%A5'],
    ['a UUID nobody used', randomUUID()],
  ])('answers 404 JSON for an id that is %s, on GET and DELETE', async (_name, id) => {
    await seed(1);
    for (const res of [await get(`/api/messages/${id}`), await del(`/api/messages/${id}`)]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: 'No message with this id',
      });
    }
  });

  it.each([
    ['a NUL character', 'a\u0000b', /NUL/],
    ['an unpaired surrogate', 'a\uD800b', /surrogate/],
    ['1001 characters', 'x'.repeat(1001), /text must be shorter than or equal to 1000/],
    ['no characters', '', /text must be longer than or equal to 1/],
  ])('refuses a text with %s: 400 naming the problem', async (_name, text, problem) => {
    const res = await post(text);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: [expect.stringMatching(problem)],
    });
  });

  it('accepts any other text of 1000 characters, emoji included, exactly as sent', async () => {
    const text = `${'é'.repeat(996)}💥💥`;
    const res = await post(text);
    expect(res.status).toBe(201);
    expect((await get(`/api/messages/${(res.body as Message).id}`)).body).toMatchObject({ text });
  });

  it('lets only the author delete a message (or a moderator: moderation.e2e-spec.ts)', async () => {
    const { id } = (await post('mine')).body as Message;
    const byBob = await del(`/api/messages/${id}`, 'bob');
    expect(byBob).toBeForbidden('messages.delete');
    expect(byBob.body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message:
        "The policy messages.delete is not met: it requires the message's author, or the role " +
        'messages.moderator',
    });
    expect((await del(`/api/messages/${id}`)).status).toBe(204);
    expect((await get(`/api/messages/${id}`)).status).toBe(404);
    expect((await del(`/api/messages/${id}`)).status).toBe(404);
  });

  it('pages newest first with Link rel="next", keeping limit, none on the last page', async () => {
    const expected = await seed(5);
    const pages: Message[][] = [];
    let path: string | undefined = '/api/messages?limit=2';
    while (path && pages.length < 10) {
      const res = await get(path);
      expect(res.status).toBe(200);
      pages.push(res.body as Message[]);
      path = nextLink(res);
      if (path) expect(path).toMatch(/^\/api\/messages\?limit=2&cursor=[A-Za-z0-9_-]+$/);
    }
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(expected);
  });

  it('gives 50 by default and at most 100', async () => {
    const expected = await seed(120);
    const first = await get('/api/messages');
    expect(first.body).toEqual(expected.slice(0, 50));
    expect(nextLink(first)).toMatch(/^\/api\/messages\?limit=50&cursor=/);
    const most = await get('/api/messages?limit=100');
    expect(most.body).toEqual(expected.slice(0, 100));
    const rest = await get(nextLink(most)!);
    expect(rest.body).toEqual(expected.slice(100));
    expect(rest.headers.link).toBeUndefined();
  });

  it.each([
    ['0', 'limit=0'],
    ['101', 'limit=101'],
    ['a word', 'limit=ten'],
    ['a fraction', 'limit=1.5'],
    ['negative', 'limit=-1'],
    ['empty', 'limit='],
    ['given twice', 'limit=1&limit=2'],
  ])('answers 400 JSON for a limit that is %s', async (_name, query) => {
    const res = await get(`/api/messages?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'limit must be an integer from 1 to 100',
    });
  });

  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  it.each([
    ['not base64url', 'not a cursor!'],
    ['not JSON', Buffer.from('{oops').toString('base64url')],
    ['the wrong shape', b64({ id: 'x' })],
    ['a bad time', b64(['yesterday', randomUUID()])],
    ['an empty id', b64(['2026-01-01T00:00:00.000Z', ''])],
    ['a NUL in its id', b64(['2026-01-01T00:00:00.000Z', 'a\u0000'])],
    ['empty', ''],
  ])('answers 400 JSON for a cursor that is %s', async (_name, cursor) => {
    const res = await get(`/api/messages?cursor=${encodeURIComponent(cursor)}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'cursor is not one this API gave out; start again without it',
    });
  });

  it('accepts a well-formed cursor that names no message: the page after its place', async () => {
    const expected = await seed(3);
    // Just before every id at that time ('0' sorts before any UUID that starts with '0').
    const cursor = encodeCursor({ createdAt: new Date(expected[1].createdAt), id: '0' });
    const res = await get(`/api/messages?cursor=${cursor}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expected.slice(2));
  });
});
