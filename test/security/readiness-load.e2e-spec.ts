import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { TestAuthority, type TestApp } from '../../src/auth/testing/index.js';
import { startApi } from '../support/test-api.js';

/**
 * Anonymous readiness probes can't turn into fetches from the authority: a key set whose keys are
 * all unusable (here: none has a kid) is a failure, and failures back off (1 s) like an outage.
 */
describe('GET /health/ready against a key set with no usable key', () => {
  let authority: TestAuthority;
  let api: TestApp;

  beforeAll(async () => {
    authority = await TestAuthority.start();
    const withoutKid: Record<string, unknown> = { ...authority.signingKey.jwk };
    delete withoutKid.kid;
    authority.extraJwks = [withoutKid];
    authority.keys = [];
    api = await startApi({ authority });
  });
  afterAll(async () => {
    await api?.close();
    await authority?.close();
  });

  it('is 503 naming the keys, and 20 probes cost a fetch per backoff period at most', async () => {
    authority.resetFetches();
    const began = Date.now();
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await request(api.server).get('/health/ready'));
    const periods = Math.ceil((Date.now() - began) / 1000);

    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 503));
    expect(
      (answers[19].body as { error: { jwks: { message: string } } }).error.jwks.message,
    ).toMatch(/no usable signing key/);
    expect(authority.fetches.jwks).toBeLessThanOrEqual(1 + periods);
    expect(authority.fetches.jwks).toBeLessThan(20);
  });
});
