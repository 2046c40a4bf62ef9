import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import { Scopes } from '../src/auth/index.js';
import { startTestApp, type TestApp } from '../src/auth/testing/index.js';

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
