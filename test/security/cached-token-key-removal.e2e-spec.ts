import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Server } from 'node:http';
import request from 'supertest';
import { AUTH_OPTIONS } from '../../src/auth/auth.constants.js';
import { AuthModule, createAuthorities } from '../../src/auth/auth.module.js';
import type { ResolvedAuthOptions } from '../../src/auth/auth-options.interface.js';
import { AuthMessages } from '../../src/auth/core/auth-messages.js';
import { VerifiedTokenCache } from '../../src/auth/core/verified-token-cache.js';
import { Authorities } from '../../src/auth/keys/authorities.js';
import { TestAuthority } from '../../src/auth/testing/index.js';

@Controller('things')
class ThingsController {
  @Get()
  list() {
    return ['a'];
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A token cached while its key was published must not outlive the key, even when the API sees
 * nothing but that token: a cache hit refreshes keys older than their maximum age (0 here, so
 * every hit does), and the entries of a key that left go with it.
 */
describe('a cached token whose key the authority removed', () => {
  let authority: TestAuthority;
  let app: INestApplication;
  let server: Server;

  beforeAll(async () => {
    authority = await TestAuthority.start();
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot(authority.moduleOptions)],
      controllers: [ThingsController],
    })
      .overrideProvider(Authorities)
      .useFactory({
        factory: (options: ResolvedAuthOptions, cache: VerifiedTokenCache) =>
          createAuthorities(options, cache, { maxAgeMs: 0 }),
        inject: [AUTH_OPTIONS, VerifiedTokenCache],
      })
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    server = app.getHttpServer() as Server;
  });
  afterAll(async () => {
    await app?.close();
    await authority?.close();
  });

  it('stops working once a cache hit has refreshed the keys', async () => {
    const token = authority.mint();
    const oldKid = authority.signingKey.kid;
    const call = () => request(server).get('/things').set('Authorization', `Bearer ${token}`);
    expect((await call()).status).toBe(200);
    expect(app.get(VerifiedTokenCache).size).toBe(1);

    authority.rotate({ keepOld: false });
    const fetched = authority.fetches.jwks;
    await call(); // a cache hit: it may still pass, and starts a refresh in the background
    const keys = app.get(Authorities).first.keyStore;
    for (let i = 0; i < 100 && keys?.kids.includes(oldKid); i++) await sleep(20);

    expect(authority.fetches.jwks).toBeGreaterThan(fetched);
    expect(keys?.kids).not.toContain(oldKid);
    expect(app.get(VerifiedTokenCache).size).toBe(0);
    const res = await call();
    expect(res).toBeUnauthorized(
      'invalid_token',
      AuthMessages.unknownKid(oldKid, authority.issuer),
    );
  });
});
