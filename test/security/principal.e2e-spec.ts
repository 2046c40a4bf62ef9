import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import { AuthMessages } from '../../src/auth/core/auth-messages.js';
import { CurrentPrincipal, type Principal } from '../../src/auth/index.js';
import { startTestApp, type TestApp } from '../../src/auth/testing/index.js';

@Controller('who')
class WhoController {
  @Get()
  who(@CurrentPrincipal() principal: Principal) {
    return {
      sub: principal.sub,
      roles: principal.claims.roles ?? null,
      claimsPrototypeIsObject: Object.getPrototypeOf(principal.claims) === Object.prototype,
      expiresAt: principal.expiresAt.toISOString(),
      scopes: principal.scopes,
      claimedSub: principal.claims.sub,
      realmRoles: (principal.claims.realm_access as { roles?: unknown } | undefined)?.roles ?? null,
    };
  }

  /** A careless handler that tries to change the principal it was given. */
  @Get('tamper')
  tamper(@CurrentPrincipal() principal: Principal) {
    principal.expiresAt.setTime(0);
    for (const change of [
      () => (principal.scopes as string[]).push('admin'),
      () => ((principal.claims as Record<string, unknown>).sub = 'someone-else'),
      () => (principal.claims.realm_access as { roles: string[] }).roles.push('admin'),
    ]) {
      try {
        change();
      } catch {
        // frozen: the change is refused
      }
    }
    return 'tried';
  }
}

let api: TestApp;
beforeAll(async () => {
  api = await startTestApp({ controllers: [WhoController] });
});
afterAll(async () => {
  await api?.close();
});

describe('sub is required (RFC 9068 §2.2): it is the caller’s identity', () => {
  it.each([
    ['missing', { sub: undefined }, AuthMessages.missingSub()],
    ['empty', { sub: '' }, AuthMessages.missingSub()],
    ['a number', { sub: 42 }, AuthMessages.subNotString(42)],
    ['an array', { sub: ['a'] }, AuthMessages.subNotString(['a'])],
  ])(
    'a token whose sub is %s is refused, 401 invalid_token',
    async (_name, claims, description) => {
      const res = await api.withClaims(claims).get('/who');
      expect(res).toBeUnauthorized('invalid_token', description);
    },
  );
});

describe('a claim named __proto__ changes nothing', () => {
  it('gives the claims no prototype and the caller no roles', async () => {
    const claims = JSON.stringify({ ...api.authority.claims(), sub: 'mallory' });
    const payload = claims.replace(/}$/, ',"__proto__":{"roles":["messages.moderator"]}}');
    const token = api.authority.mint({}, { rawPayload: payload });
    const res = await api.withToken(token).get('/who');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ sub: 'mallory', roles: null, claimsPrototypeIsObject: true });
  });
});

describe('the principal shared by every request with one token', () => {
  it('cannot be changed by one of them', async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const token = api.authority.mint({ exp, realm_access: { roles: ['reader'] } });
    expect((await api.withToken(token).get('/who/tamper')).status).toBe(200);
    const res = await api.withToken(token).get('/who'); // a cache hit: the same principal
    expect(res.body).toMatchObject({
      sub: 'test-user',
      expiresAt: new Date(exp * 1000).toISOString(),
      scopes: ['messages:read', 'messages:write'],
      claimedSub: 'test-user',
      realmRoles: ['reader'],
    });
    const again = await api.withToken(token).get('/who/tamper');
    expect(again.status).toBe(200);
  });
});
