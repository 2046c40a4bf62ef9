import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthorityFetchError, fetchJsonObject } from './fetch-json.js';

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
    await new Promise<void>((resolve) => endpoint.server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(endpoint.server.address() as AddressInfo).port}/keys`;
  });
  afterAll(async () => {
    endpoint.server.closeAllConnections();
    await new Promise((resolve) => endpoint.server.close(resolve));
  });

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
