import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import {
  TestAuthority,
  generateTestKey,
  signJws,
  type TestApp,
} from '../../src/auth/testing/index.js';
import { CaptureLogger } from '../support/capture-logger.js';
import { startApi } from '../support/test-api.js';
import { tamperSignature } from './security-helpers.js';

/*
 * A load of forged tokens over loopback: a few thousand requests of mixed kinds, 50 at a time.
 * The process must answer every one 401 `invalid_token` (never 5xx, never a hang), spend no more
 * JWKS fetches than the refresh budget allows, and serve genuine tokens afterwards.
 */

const REQUESTS = 2000;
const CONCURRENCY = 50;
const BURST = 10;
const REFILL_PER_MINUTE = 10;

let authority: TestAuthority;
const ec = generateTestKey('ES256');
let api: TestApp;
const logger = new CaptureLogger();
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

interface Answer {
  status: number;
  challenge?: string;
}

function get(path: string, token?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const req = httpRequest(`${api.url}${path}`, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          challenge: res.headers['www-authenticate'],
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** Forgeries of every class, each kind cheap enough to make thousands. */
function forgeries(): (() => string)[] {
  const key = authority.signingKey;
  const attacker = generateTestKey('RS256');
  const genuine = authority.mint();
  const signature = genuine.split('.')[2];
  const claims = () => ({ ...authority.claims(), jti: randomUUID() });
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  /** A JWS with any header and the genuine token's signature (valid for another input). */
  const resigned = (h: Record<string, unknown>) => `${b64(h)}.${b64(claims())}.${signature}`;
  const header = (extra: Record<string, unknown> = {}) => ({
    alg: 'RS256',
    typ: 'at+jwt',
    kid: key.kid,
    ...extra,
  });
  // Signed once with the real key: valid signatures over claims that must be refused.
  const signedOnce = [
    authority.bad.expired(),
    authority.bad.notYetValid(),
    authority.bad.wrongAudience(),
    authority.bad.foreignIssuer(),
    authority.bad.idToken(),
    authority.mint({ exp: undefined }),
    authority.mint({ exp: 1e300 }),
    authority.mint({}, { header: { typ: 'dpop+jwt' } }),
    authority.mint({}, { header: { crit: ['exp'] } }),
    authority.mint({}, { header: { b64: false } }),
    authority.mint({}, { rawPayload: '[1,2,3]' }),
    authority.mint({}, { header: { alg: 'PS256' } }),
  ];
  return [
    () => signJws({ ...header(), alg: 'none' }, claims()),
    () => signJws({ ...header(), alg: 'nOnE' }, claims()),
    () => signJws({ ...header(), alg: 'HS256' }, claims(), key.publicKey),
    () => resigned(header({ kid: randomUUID() })),
    () => resigned(header()),
    () => tamperSignature(genuine),
    () => resigned(header({ jwk: attacker.jwk, jku: 'http://127.0.0.1:9/jwks' })),
    () =>
      `${b64({ alg: 'ES256', kid: ec.kid })}.${b64(claims())}.${Buffer.alloc(64).toString('base64url')}`,
    () => `${randomUUID()}.${randomUUID()}.${randomUUID()}`,
    () => 'eyJhbGciOiJSUzI1NiJ9.eyJ9.c2ln',
    ...signedOnce.map((token) => () => token),
  ];
}

beforeAll(async () => {
  authority = await TestAuthority.start();
  authority.keys = [ec, ...authority.keys];
  api = await startApi({ authority, logger, listen: true });
  authority.resetFetches();
});
afterAll(async () => {
  agent.destroy();
  await api?.close();
  await authority?.close();
});

describe(`${REQUESTS} forged tokens, ${CONCURRENCY} at a time, over loopback`, () => {
  it('are all answered 401 invalid_token within the JWKS budget; the API stays healthy', async () => {
    const kinds = forgeries();
    const tokens = Array.from({ length: REQUESTS }, (_, i) => kinds[i % kinds.length]());
    const answers: Answer[] = [];
    let next = 0;
    const began = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < tokens.length) answers.push(await get('/api/messages', tokens[next++]));
      }),
    );
    const refilled = Math.ceil(((Date.now() - began) * REFILL_PER_MINUTE) / 60_000);

    expect(answers).toHaveLength(REQUESTS);
    const statuses = new Set(answers.map((a) => a.status));
    expect([...statuses]).toEqual([401]);
    expect(answers.every((a) => a.challenge?.startsWith('Bearer error="invalid_token"'))).toBe(
      true,
    );
    expect(logger.rejections()).toHaveLength(REQUESTS);
    expect(authority.fetches.jwks).toBeLessThanOrEqual(BURST + refilled);
    expect(authority.fetches.discovery).toBe(0);

    expect((await get('/health')).status).toBe(200);
    expect((await get('/api/messages', authority.mint())).status).toBe(200);
  });
});
