import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import { Scopes } from '../src/auth/index.js';
import { generateTestKey, startTestApp, type TestApp } from '../src/auth/testing/index.js';

@Controller('things')
class ThingsController {
  @Scopes('things:read')
  @Get()
  list() {
    return ['a'];
  }
}

/**
 * Passport keeps strategies in one process-wide registry, so the `jwt` strategy built by the app
 * started last is the one Passport calls for both. Each app must still apply its own authority,
 * audience and allowlist.
 */
describe('two apps in one process, each with its own authority and rules', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    first = await startTestApp({ controllers: [ThingsController] });
    second = await startTestApp({
      controllers: [ThingsController],
      auth: { audience: 'api://second', algorithms: ['RS256', 'ES256'] },
    });
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it('each accepts the tokens of its own authority', async () => {
    expect((await first.as('things:read').get('/things')).status).toBe(200);
    const forSecond = second.authority.mint({ aud: 'api://second', scope: 'things:read' });
    expect((await second.withToken(forSecond).get('/things')).status).toBe(200);
  });

  it("the first refuses the second authority's token by its issuer", async () => {
    const forSecond = second.authority.mint({ aud: 'api://second', scope: 'things:read' });
    const res = await first.withToken(forSecond).get('/things');
    expect(res).toBeUnauthorized('invalid_token');
    expect(res.body).toMatchObject({ message: expect.stringContaining(first.authority.issuer) });
  });

  it("the first applies its own audience, not the second's", async () => {
    const res = await first
      .withClaims({ aud: 'api://second', scope: 'things:read' })
      .get('/things');
    expect(res).toBeUnauthorized('invalid_token');
    expect(res.body).toMatchObject({ message: expect.stringContaining('api://second') });
  });

  it('the second applies its own allowlist: RS384 is refused there, accepted by the first', async () => {
    const key384 = generateTestKey('RS384');
    first.authority.keys.push(key384);
    second.authority.keys.push(key384);
    const mine = first.authority.mint({ scope: 'things:read' }, { key: key384 });
    expect((await first.withToken(mine).get('/things')).status).toBe(200);
    const theirs = second.authority.mint(
      { aud: 'api://second', scope: 'things:read' },
      { key: key384 },
    );
    const res = await second.withToken(theirs).get('/things');
    expect(res).toBeUnauthorized('invalid_token');
    expect(res.body).toMatchObject({ message: expect.stringContaining('RS384') });
  });
});
