import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { closeServer, generateTestKey, listenOnLoopback } from '../testing/index.js';
import { AuthorityFetchError } from './fetch-json.js';
import { DEFAULT_KEY_STORE_OPTIONS, JwksKeyStore, type KeyStoreOptions } from './jwks-key-store.js';

/** What the loopback JWKS endpoint answers: a document, or an HTTP status. */
let answer: unknown = {};
let fetches = 0;
const server = createServer((_req, res) => {
  fetches++;
  if (typeof answer === 'number') return void res.writeHead(answer).end();
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
});
let jwksUri: string;

beforeAll(async () => {
  jwksUri = `${await listenOnLoopback(server)}/keys`;
});
afterAll(() => closeServer(server));

const one = generateTestKey('RS256', { kid: 'one' });
const two = generateTestKey('RS256', { kid: 'two' });
const ec = generateTestKey('ES256', { kid: 'ec' });
let clock = 0;
let events: string[] = [];

beforeEach(() => {
  answer = { keys: [one.jwk] };
  fetches = 0;
  clock = 1_000_000;
  events = [];
});

function store(options: Partial<KeyStoreOptions> = {}) {
  return new JwksKeyStore(jwksUri, {
    ...DEFAULT_KEY_STORE_OPTIONS,
    now: () => clock,
    onKeySetFetched: (outcome) => events.push(outcome),
    onRefreshError: (error) => events.push(`error: ${error.message}`),
    onKeysRemoved: (kids) => events.push(`removed: ${kids.join(',')}`),
    ...options,
  });
}

describe('JwksKeyStore: which keys it keeps', () => {
  it('keeps each usable key once, by kid, in JWKS order, with its alg', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    answer = {
      keys: [
        one.jwk,
        { ...two.jwk, kid: undefined }, // no kid
        { ...two.jwk, kid: 'one' }, // a second key under a kid already taken
        { ...two.jwk, alg: '' },
        ec.jwk,
        { ...weak.export({ format: 'jwk' }), kid: 'weak', alg: 'RS256' },
        null,
        'a string',
        42,
      ],
    };
    const keys = store();
    expect(await keys.refresh()).toBeUndefined();
    expect(keys.kids).toEqual(['one', 'two', 'ec']);
    expect(keys.size).toBe(3);
    expect(keys.held('one')?.key.equals(one.publicKey)).toBe(true);
    expect(keys.held('one')?.alg).toBe('RS256');
    expect(keys.held('two')?.alg).toBeUndefined();
    expect(keys.held('ec')?.key.asymmetricKeyType).toBe('ec');
    expect(events).toEqual(['success']);
  });

  it.each([
    ['no keys array', { keys: 'none' }, 'the document has no keys array'],
    [
      'no usable key',
      { keys: [{ ...one.jwk, kid: undefined }] },
      'the key set holds no usable signing key (each needs a kid, RSA keys at least 2048 bits)',
    ],
  ])(
    'treats a key set with %s as a failure, keeping the keys it holds',
    async (_n, doc, detail) => {
      const keys = store();
      await keys.refresh();
      answer = doc;
      const error = await keys.refresh();
      expect(error).toBeInstanceOf(AuthorityFetchError);
      expect(error?.message).toBe(`keys from ${jwksUri}: ${detail}`);
      expect(keys.lastFetchError).toBe(error);
      expect(keys.kids).toEqual(['one']);
      expect(events).toEqual(['success', 'failure', `error: ${error?.message}`]);
    },
  );

  it('reports the kids that left, once, and none when nothing left', async () => {
    const keys = store();
    answer = { keys: [one.jwk, two.jwk] };
    await keys.refresh();
    clock += 2000; // past the backoff, which doesn't apply after a success anyway
    answer = { keys: [two.jwk] };
    await keys.refresh();
    await keys.refresh();
    expect(events).toEqual(['success', 'success', 'removed: one', 'success']);
  });
});

describe('JwksKeyStore: when it fetches', () => {
  it('answers a cold lookup after one fetch, and a kid the fresh set lacks without a second', async () => {
    const keys = store();
    await expect(keys.lookup('one')).resolves.toMatchObject({ found: true, key: { kid: 'one' } });
    expect(fetches).toBe(1);
    const fresh = store();
    await expect(fresh.lookup('nobody')).resolves.toEqual({ found: false });
    expect(fetches).toBe(2);
  });

  it('says why a cold lookup found nothing when the first fetch failed', async () => {
    answer = 500;
    const result = await store().lookup('one');
    expect(result.found).toBe(false);
    expect(!result.found && result.fetchFailed?.message).toBe(`keys from ${jwksUri}: HTTP 500`);
  });

  it('keeps saying the first fetch failed while it waits out the backoff, spending no budget', async () => {
    answer = 500;
    const keys = store({ burst: 1, refillPerMinute: 0, failureBackoffMs: 1000 });
    for (let i = 0; i < 4; i++) {
      const result = await keys.lookup('one');
      expect(!result.found && result.fetchFailed?.status).toBe(500);
    }
    expect(fetches).toBe(1);
    answer = { keys: [one.jwk] };
    clock += 1001;
    await expect(keys.lookup('one')).resolves.toMatchObject({ found: true, key: { kid: 'one' } });
    expect(fetches).toBe(2);
  });

  it('fetches again for an unknown kid while the budget lasts, then refuses without fetching', async () => {
    const keys = store({ burst: 2, refillPerMinute: 0 });
    await keys.lookup('one');
    for (let i = 0; i < 5; i++) await keys.lookup(`unknown-${i}`);
    expect(fetches).toBe(1 + 2);
    answer = { keys: [one.jwk, two.jwk] };
    await expect(keys.lookup('two')).resolves.toEqual({ found: false });
    expect(fetches).toBe(3);
  });

  it('finds a key that appeared, in the fetch an unknown kid starts', async () => {
    const keys = store();
    await keys.lookup('one');
    answer = { keys: [one.jwk, two.jwk] };
    await expect(keys.lookup('two')).resolves.toMatchObject({ found: true, key: { kid: 'two' } });
    expect(fetches).toBe(2);
  });

  it('says the fetch failed when an unknown kid could not be looked for', async () => {
    const keys = store();
    await keys.lookup('one');
    answer = 503;
    const result = await keys.lookup('two');
    expect(!result.found && result.fetchFailed?.status).toBe(503);
    expect(keys.kids).toEqual(['one']);
  });

  // `fetchCount` counts a fetch as it starts, so what a call started shows right after the call.
  it('refreshes keys older than maxAgeMs in the background, on a lookup or a held key', async () => {
    const keys = store({ maxAgeMs: 1000 });
    await keys.lookup('one');
    clock += 1000; // exactly the age: not stale yet
    keys.held('one');
    void keys.lookup('one');
    expect(keys.fetchCount).toBe(1);
    clock += 1;
    expect(keys.held('nobody')).toBeUndefined(); // an unknown kid starts nothing
    expect(keys.fetchCount).toBe(1);
    expect(keys.held('one')?.kid).toBe('one'); // answered at once, refreshed behind
    expect(keys.fetchCount).toBe(2);
    await keys.refresh(); // joins it
    expect(fetches).toBe(2);
    clock += 1001;
    await keys.lookup('one');
    expect(keys.fetchCount).toBe(3);
    await keys.refresh(); // leaves no fetch in flight for the next test
  });

  it('waits out a failure before refreshing stale keys again', async () => {
    const keys = store({ maxAgeMs: 1000, failureBackoffMs: 5000 });
    await keys.lookup('one');
    answer = 500;
    clock += 1001;
    await keys.refresh();
    expect(fetches).toBe(2);
    clock += 4999;
    keys.refreshIfStale();
    keys.held('one');
    expect(keys.fetchCount).toBe(2);
    answer = { keys: [one.jwk] };
    clock += 1;
    keys.refreshIfStale();
    expect(keys.fetchCount).toBe(3);
    await keys.refresh();
    expect(fetches).toBe(3);
    expect(keys.lastFetchError).toBeUndefined();
  });
});
