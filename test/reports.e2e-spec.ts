import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import { Scopes } from '../src/auth/index.js';
import { closeUnclosedTestApps, startTestApp, type TestApp } from '../src/auth/testing/index.js';

@Scopes('reports:read')
@Controller('reports')
class ReportsController {
  @Get() list() {
    return [{ id: 'r1', title: 'Q3' }];
  }
}

let api: TestApp;
beforeAll(async () => (api = await startTestApp({ controllers: [ReportsController] })));
afterAll(() => api.close());

it('GET /reports needs a token with reports:read', async () => {
  const res = await api.as('reports:read').get('/reports');
  expect([res.status, res.body]).toEqual([200, [{ id: 'r1', title: 'Q3' }]]);
  expect(await api.anonymous().get('/reports')).toBeUnauthorized();
  expect(await api.as('reports:write').get('/reports')).toBeForbiddenForScopes('reports:read');
});

it('closes the apps a test file left open, even one still starting, once each', async () => {
  const kept = startTestApp({ controllers: [ReportsController], listen: true });
  const closedByTest = await startTestApp({ controllers: [ReportsController] });
  await closedByTest.close();

  // `kept` is still starting: the closer waits for it, then closes it, and the file's own `api`.
  expect(await closeUnclosedTestApps()).toBe(2);
  const { url } = await kept;
  await expect(fetch(`${url}/reports`)).rejects.toThrow();
  expect(await closeUnclosedTestApps()).toBe(0);
  // afterAll closes `api` again: a no-op.
  await expect(api.close()).resolves.toBeUndefined();
});
