import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import request from 'supertest';
import { AnyScope, Policy, Public, Scopes, policy } from '../src/auth/index.js';
import { TestAuthority, startTestApp, type TestApp } from '../src/auth/testing/index.js';
import type { HttpAdapterName } from '../src/config/http.settings.js';
import { rawRequest } from './support/raw-request.js';
import { startApi } from './support/test-api.js';

/*
 * RFC 9728 (CONTRACT.md, `AUTH_RESOURCE`): the metadata document, at the path RFC 9728 §3.1
 * derives from the resource, public, from the configuration alone; and every challenge pointing
 * at it, whatever the request's Host header says.
 */

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

describe.each<[HttpAdapterName]>([['express'], ['fastify']])('RFC 9728 on %s', (adapter) => {
  let first: TestAuthority;
  let second: TestAuthority;
  const apis: Record<string, TestApp> = {};

  beforeAll(async () => {
    first = await TestAuthority.start();
    second = first.sibling('/second');
    const start = (resource?: string) =>
      startApi({
        authority: first,
        adapter,
        auth: { authority: [first.issuer, second.issuer], resource },
        listen: true,
      });
    apis.root = await start('https://api.example.com');
    apis.path = await start('https://api.example.com/mcp');
    apis.off = await start();
  });
  afterAll(async () => {
    for (const api of Object.values(apis)) await api.close();
    await first?.close();
  });

  it('serves the document at the root form, publicly, from the configuration', async () => {
    const res = await request(apis.root.server).get(WELL_KNOWN);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      resource: 'https://api.example.com',
      authorization_servers: [first.issuer, second.issuer],
      scopes_supported: ['messages:read', 'messages:write', 'metrics:read'],
      bearer_methods_supported: ['header'],
      resource_documentation: 'https://api.example.com/docs',
    });
  });

  it('serves it at the path-inserted location when the resource has a path (RFC 9728 §3.1)', async () => {
    const res = await request(apis.path.server).get(`${WELL_KNOWN}/mcp`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      resource: 'https://api.example.com/mcp',
      resource_documentation: 'https://api.example.com/docs',
    });
    expect((await request(apis.path.server).get(WELL_KNOWN)).status).toBe(404);
    expect((await request(apis.root.server).get(`${WELL_KNOWN}/mcp`)).status).toBe(404);
  });

  it('is not served, and no challenge points at it, without AUTH_RESOURCE', async () => {
    expect((await request(apis.off.server).get(WELL_KNOWN)).status).toBe(404);
    const res = await apis.off.anonymous().get('/api/messages');
    expect(res).toBeUnauthorized();
    expect(res).not.toPointToResourceMetadata();
  });

  it.each([
    ['root', 'https://api.example.com/.well-known/oauth-protected-resource'],
    ['path', 'https://api.example.com/.well-known/oauth-protected-resource/mcp'],
  ])('points every challenge at the document (%s form)', async (form, url) => {
    const api = apis[form];
    const bare = await api.anonymous().get('/api/messages');
    expect(bare).toBeUnauthorized();
    expect(bare).toPointToResourceMetadata(url);
    expect(bare.headers['www-authenticate']).toBe(`Bearer resource_metadata="${url}"`);

    for (const token of [first.bad.expired(), first.bad.foreignIssuer(), 'not-a-jwt']) {
      const refused = await api.withToken(token).get('/api/messages');
      expect(refused).toBeUnauthorized('invalid_token');
      expect(refused).toPointToResourceMetadata(url);
    }
    const scopeless = await api.as('other:scope').get('/api/messages');
    expect(scopeless).toBeForbiddenForScopes('messages:read');
    expect(scopeless).toPointToResourceMetadata(url);
    expect((await api.as('messages:read').get('/api/me')).status).toBe(200);
  });

  it('takes nothing from the Host header: the document and the challenges stay put', async () => {
    const { url } = apis.path;
    for (const headers of [
      ['Host', 'evil.example.com'],
      ['Host', 'evil.example.com', 'X-Forwarded-Host', 'evil.example.com'],
      ['X-Forwarded-Proto', 'http', 'X-Forwarded-Host', 'evil.example.com:8443'],
    ]) {
      const doc = await rawRequest(`${url}${WELL_KNOWN}/mcp`, { headers });
      expect(doc.status).toBe(200);
      expect(doc.body).toMatchObject({
        resource: 'https://api.example.com/mcp',
        resource_documentation: 'https://api.example.com/docs',
      });
      expect(doc.text).not.toContain('evil');
      const refused = await rawRequest(`${url}/api/messages`, { headers });
      expect(refused).toPointToResourceMetadata(
        'https://api.example.com/.well-known/oauth-protected-resource/mcp',
      );
      expect(String(refused.headers['www-authenticate'])).not.toContain('evil');
    }
  });
});

@Scopes('reports:read')
@Controller('reports')
class ReportsController {
  @Get() list() {
    return [];
  }

  @AnyScope('reports:export', 'reports:admin')
  @Get('export')
  export() {
    return [];
  }

  @Policy('reports.audit')
  @Get('audit')
  audit() {
    return [];
  }
}

@Public()
@Controller('about')
class AboutController {
  @Get() about() {
    return {};
  }
}

describe('the module serves RFC 9728 by itself (startTestApp, no app around it)', () => {
  let api: TestApp;
  beforeAll(async () => {
    api = await startTestApp({
      controllers: [ReportsController, AboutController],
      auth: {
        resource: 'https://reports.example.com/api',
        policies: {
          'reports.audit': policy().requireAnyOf(
            policy().requireScopes('reports:audit'),
            policy().requireRoles('auditor'),
          ),
        },
      },
    });
  });
  afterAll(() => api?.close());

  it('lists every scope a route requires, all-of, any-of and through a policy, and no documentation', async () => {
    const res = await request(api.server).get(`${WELL_KNOWN}/api`);
    expect(res.body).toEqual({
      resource: 'https://reports.example.com/api',
      authorization_servers: [api.authority.issuer],
      scopes_supported: ['reports:admin', 'reports:audit', 'reports:export', 'reports:read'],
      bearer_methods_supported: ['header'],
    });
  });
});
