import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { closeServer, listenOnLoopback } from '../testing/index.js';
import { AuthorityFetchError, fetchJsonObject, type FetchLimits } from './fetch-json.js';

const MAX_BYTES = 512 * 1024;
/** What the endpoint would send if it were read to the end. */
const ENDLESS_BYTES = 64 * 1024 * 1024;

/**
 * An endpoint that answers a chunked body (no Content-Length) of `ENDLESS_BYTES`, written as fast
 * as the client reads it, and counts the bytes it managed to hand to the socket.
 */
function chunkedServer(): { server: Server; sent: () => number } {
  let sent = 0;
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"keys":[');
    const pump = () => {
      while (sent < ENDLESS_BYTES && !res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end(']}');
    };
    res.on('close', () => res.destroy());
    pump();
  });
  return { server, sent: () => sent };
}

describe('fetchJsonObject: the size cap', () => {
  const endpoint = chunkedServer();
  let url: string;

  beforeAll(async () => {
    url = `${await listenOnLoopback(endpoint.server)}/keys`;
  });
  afterAll(() => closeServer(endpoint.server));

  it('stops reading a chunked answer as soon as it passes the cap, not after buffering it', async () => {
    const error = await fetchJsonObject('keys', url, {
      timeoutMs: 30_000,
      maxBytes: MAX_BYTES,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthorityFetchError);
    expect((error as Error).message).toBe(
      `keys from ${url}: response larger than ${MAX_BYTES} bytes`,
    );
    // What the socket buffers held when reading stopped, far below the whole answer.
    expect(endpoint.sent()).toBeLessThan(16 * 1024 * 1024);
  });
});

/** What the last request to the routed endpoint was. */
interface Seen {
  method?: string;
  accept?: string;
  contentType?: string;
  custom?: string;
  body?: string;
}

/** One loopback endpoint per behaviour an authority can show, by path. */
function routedServer(seen: Seen): Server {
  const json = (body: string, extra: Record<string, string | number> = {}) => ({
    status: 200,
    headers: { 'content-type': 'application/json', ...extra },
    body,
  });
  const routes: Record<
    string,
    { status: number; headers: Record<string, string | number>; body: string }
  > = {
    '/object': json('{"issuer":"x","n":1}'),
    '/ten-bytes': json('{"a":"12"}', { 'content-length': 10 }),
    '/eleven-declared': json('{"a":"123"}', { 'content-length': 11 }),
    '/not-json': json('<html>'),
    '/array': json('[1]'),
    '/null': json('null'),
    '/string': json('"s"'),
    '/error': { status: 500, headers: {}, body: 'oops' },
    '/forbidden': { status: 403, headers: {}, body: '' },
    '/redirect': { status: 302, headers: { location: '/object' }, body: '' },
  };
  return createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      Object.assign(seen, {
        method: req.method,
        accept: req.headers.accept,
        contentType: req.headers['content-type'],
        custom: req.headers['x-custom'],
        body,
      });
      if (req.url === '/echo') return void res.end('{"echoed":true}');
      if (req.url === '/hang-up') return void req.socket.destroy();
      if (req.url === '/silent') return; // never answers
      if (req.url === '/declares-a-megabyte') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1_000_000 });
        return void res.flushHeaders(); // and sends none of it
      }
      if (req.url?.startsWith('/chunked/')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(decodeURIComponent(req.url.slice('/chunked/'.length)));
        return void res.end();
      }
      if (req.url === '/stalled-body') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.write('{"keys":'); // and never ends it
      }
      const route = routes[req.url ?? ''];
      res.writeHead(route.status, route.headers);
      res.end(route.body);
    });
  });
}

describe('fetchJsonObject', () => {
  const seen: Seen = {};
  const server = routedServer(seen);
  let origin: string;
  const limits: FetchLimits = { timeoutMs: 2000, maxBytes: 10 };
  const failure = (path: string, custom: FetchLimits = limits) =>
    fetchJsonObject('keys', `${origin}${path}`, custom).then(
      () => {
        throw new Error('expected a failure');
      },
      (error: unknown) => {
        expect(error).toBeInstanceOf(AuthorityFetchError);
        return error as AuthorityFetchError;
      },
    );

  beforeAll(async () => {
    origin = await listenOnLoopback(server);
  });
  afterAll(() => closeServer(server));

  it('GETs a JSON object, asking for JSON', async () => {
    const doc = await fetchJsonObject('metadata', `${origin}/object`);
    expect(doc).toEqual({ issuer: 'x', n: 1 });
    expect(seen).toMatchObject({ method: 'GET', accept: 'application/json', body: '' });
  });

  it('POSTs a form with its headers when given one', async () => {
    const form = new URLSearchParams({ token: 'abc', token_type_hint: 'access_token' });
    const doc = await fetchJsonObject('introspection', `${origin}/echo`, undefined, {
      form,
      headers: { 'x-custom': 'yes' },
    });
    expect(doc).toEqual({ echoed: true });
    expect(seen).toEqual({
      method: 'POST',
      accept: 'application/json',
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
      custom: 'yes',
      body: 'token=abc&token_type_hint=access_token',
    });
  });

  it.each(['/ten-bytes', `/chunked/${encodeURIComponent('{"a":"12"}')}`])(
    'reads an answer of exactly the cap (%s)',
    async (path) => {
      await expect(fetchJsonObject('keys', `${origin}${path}`, limits)).resolves.toEqual({
        a: '12',
      });
    },
  );

  it('stops at a chunked answer one byte over the cap', async () => {
    const path = `/chunked/${encodeURIComponent('{"a":"123"}')}`;
    expect((await failure(path)).message).toBe(
      `keys from ${origin}${path}: response larger than 10 bytes`,
    );
  });

  it('refuses a declared length over the cap before reading the body', async () => {
    const error = await failure('/eleven-declared');
    expect(error.message).toBe(
      `keys from ${origin}/eleven-declared: response larger than 10 bytes`,
    );
    expect(error.status).toBeUndefined();
  });

  it('refuses at the headers a declared length over the cap, without waiting for the body', async () => {
    const error = await failure('/declares-a-megabyte', { timeoutMs: 2000, maxBytes: 10 });
    expect(error.message).toBe(
      `keys from ${origin}/declares-a-megabyte: response larger than 10 bytes`,
    );
  });

  it.each([
    ['/error', 500],
    ['/forbidden', 403],
  ])('names the HTTP status of %s, and keeps it', async (path, status) => {
    const error = await failure(path);
    expect(error.message).toBe(`keys from ${origin}${path}: HTTP ${status}`);
    expect(error.status).toBe(status);
    expect(error.part).toBe('keys');
    expect(error.url).toBe(`${origin}${path}`);
  });

  it.each([
    ['/not-json', 'response is not JSON'],
    ['/array', 'response is not a JSON object'],
    ['/null', 'response is not a JSON object'],
    ['/string', 'response is not a JSON object'],
  ])('refuses %s: %s', async (path, detail) => {
    expect((await failure(path, { ...limits, maxBytes: 1024 })).message).toBe(
      `keys from ${origin}${path}: ${detail}`,
    );
  });

  it('follows no redirect', async () => {
    const error = await failure('/redirect');
    expect(error.message).toMatch(/redirect/);
    expect(error.status).toBeUndefined();
  });

  it('says so when the connection closes without an answer', async () => {
    expect((await failure('/hang-up')).message).toBe(
      `keys from ${origin}/hang-up: the connection closed without an answer`,
    );
  });

  it('names the error code when nothing listens', async () => {
    const closed = createServer();
    const gone = await listenOnLoopback(closed);
    await closeServer(closed);
    const error = await fetchJsonObject('keys', `${gone}/`).catch((e: Error) => e);
    expect((error as Error).message).toBe(`keys from ${gone}/: ECONNREFUSED`);
  });

  it.each(['/silent', '/stalled-body'])(
    'gives up on %s at the time limit, the body included',
    async (path) => {
      const error = await failure(path, { timeoutMs: 150, maxBytes: 1024 });
      expect(error.message).toBe(`keys from ${origin}${path}: no answer within 150 ms`);
    },
  );
});
