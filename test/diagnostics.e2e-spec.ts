import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import request from 'supertest';
import { AuthMessages } from '../src/auth/core/auth-messages.js';
import { TestAuthority, parseChallenge, type TestApp } from '../src/auth/testing/index.js';
import { CaptureLogger } from './support/capture-logger.js';
import { startApi } from './support/test-api.js';

/*
 * The 401 names its cause. The API trusts a custom authorization server at `/oauth2/default`;
 * the same host also runs an Org server at its root, with its own keys, as Okta does.
 */

const now = () => Math.floor(Date.now() / 1000);

let org: TestAuthority;
let custom: TestAuthority;
let app: INestApplication;
let server: Server;
const logs = new CaptureLogger();

const call = (token: string) =>
  request(server).get('/api/me').set('Authorization', `Bearer ${token}`);

/** What was logged at warn level, e.g. the filter's structured rejections. */
const warnings = (capture: CaptureLogger) =>
  capture.entries.filter((e) => e.level === 'warn').map((e) => e.message);

/** The structured rejections logged since the last `logs.clear()`. */
const rejections = () =>
  warnings(logs).filter((m) => (m as { msg?: string }).msg === 'token rejected');

beforeAll(async () => {
  org = await TestAuthority.start();
  custom = org.sibling('/oauth2/default', { audience: 'api://default' });
  ({ app, server } = await startApi({ authority: custom, logger: logs }));
  expect((await call(custom.mint())).status).toBe(200); // keys cached, as in a running API
});

afterAll(async () => {
  await app?.close();
  await org?.close();
});

beforeEach(() => {
  org.resetFetches();
  custom.resetFetches();
  logs.clear();
});

describe('the 401 names the failed check', () => {
  it('a token from another host: names its issuer and the expected one', async () => {
    const res = await call(custom.bad.foreignIssuer('https://login.example.org'));
    expect(res).toBeUnauthorized(
      'invalid_token',
      AuthMessages.wrongIssuer('https://login.example.org', custom.issuer),
    );
  });

  it('a token from the Org server on the same host: says it is another authorization server there', async () => {
    const res = await call(org.mint({ aud: 'api://default' }));
    expect(res).toBeUnauthorized(
      'invalid_token',
      AuthMessages.wrongIssuer(org.issuer, custom.issuer),
    );
    expect(res).toBeUnauthorized('invalid_token', /another authorization server on the same host/);
  });

  it('checking the issuer costs no JWKS fetch, not even for a kid nobody published', async () => {
    await call(org.mint());
    await call(custom.bad.foreignIssuer());
    await call(org.mint({}, { header: { kid: 'kid-nobody-published' } }));
    expect(custom.fetches).toEqual({ jwks: 0, discovery: 0 });
    expect(org.fetches).toEqual({ jwks: 0, discovery: 0 });
  });

  it('an unknown kid: names the kid and the issuer searched, after exactly one refresh', async () => {
    const res = await call(custom.bad.unknownKid());
    expect(res).toBeUnauthorized(
      'invalid_token',
      AuthMessages.unknownKid('kid-nobody-published', custom.issuer),
    );
    expect(custom.fetches.jwks).toBe(1);
  });

  it('an expired token: says when it expired', async () => {
    const exp = now() - 3600;
    const res = await call(custom.mint({ iat: exp - 300, exp }));
    expect(res).toBeUnauthorized('invalid_token', AuthMessages.expired(exp));
  });

  it('a token not valid yet: says from when', async () => {
    const nbf = now() + 3600;
    const res = await call(custom.mint({ nbf, exp: nbf + 300 }));
    expect(res).toBeUnauthorized('invalid_token', AuthMessages.notYetValid(nbf));
  });

  it('a wrong audience: names the token audience and the accepted ones', async () => {
    const res = await call(custom.bad.wrongAudience('api://billing'));
    expect(res).toBeUnauthorized(
      'invalid_token',
      AuthMessages.wrongAudience('api://billing', ['api://default']),
    );
  });

  it('an ID token: is called an ID token, with the hint to send the access token', async () => {
    const res = await call(custom.bad.idToken());
    expect(res).toBeUnauthorized('invalid_token', AuthMessages.idToken('it carries nonce'));
  });

  it('an opaque token (Auth0 without an audience): says it is not a JWT', async () => {
    const res = await call('8vqGZ3kS1aX0wJm7Qe2LtYc9Hn4Ud6Rf');
    expect(res).toBeUnauthorized(
      'invalid_token',
      AuthMessages.malformedToken('it is opaque, not a JWT'),
    );
  });
});

describe('each rejection is logged once, at warn, with a reason code and no token', () => {
  it.each([
    ['wrong_issuer', () => org.mint({ aud: 'api://default' })],
    ['unknown_kid', () => custom.bad.unknownKid()],
    ['expired', () => custom.bad.expired()],
    ['not_yet_valid', () => custom.bad.notYetValid()],
    ['wrong_audience', () => custom.bad.wrongAudience()],
    ['id_token', () => custom.bad.idToken()],
  ])('%s', async (reason, make) => {
    const token = make();
    const res = await call(token);
    expect(res.status).toBe(401);
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>);

    expect(rejections()).toEqual([
      {
        msg: 'token rejected',
        reason,
        status: 401,
        description: parseChallenge(res.headers['www-authenticate'])?.params.error_description,
        iss: payload.iss,
        kid: header.kid,
        aud: payload.aud,
        sub: payload.sub,
        clientId: payload.client_id ?? payload.azp,
      },
    ]);
    const everything = logs.text();
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(token.split('.')[2]);
  });
});

describe('AUTH_INCLUDE_ERROR_DETAILS=false', () => {
  let quiet: TestApp;
  const quietLogs = new CaptureLogger();

  beforeAll(async () => {
    quiet = await startApi({
      authority: custom,
      auth: { includeErrorDetails: false },
      logger: quietLogs,
    });
  });
  afterAll(() => quiet?.close());

  it('keeps the details out of the answer and in the log', async () => {
    const exp = now() - 3600;
    const res = await request(quiet.server)
      .get('/api/me')
      .set('Authorization', `Bearer ${custom.mint({ iat: exp - 300, exp })}`);

    expect(res).toBeUnauthorized('invalid_token');
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Unauthorized' });
    expect(JSON.stringify(res.body)).not.toContain('expired');

    expect(warnings(quietLogs)).toContainEqual(
      expect.objectContaining({
        reason: 'expired',
        description: AuthMessages.expired(exp),
        iss: custom.issuer,
        sub: 'test-user',
        clientId: 'test-client',
      }),
    );
  });
});
