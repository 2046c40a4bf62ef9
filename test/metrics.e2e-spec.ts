import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { TestAuthority, type TestApp } from '../src/auth/testing/index.js';
import type { HttpAdapterName } from '../src/config/http.settings.js';
import { scraper, type Meters } from './support/meters.js';
import { startApi } from './support/test-api.js';

interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      { security?: unknown; responses: Record<string, { content?: Record<string, unknown> }> }
    >
  >;
}

const AUTHN = 'auth_authentications_total';
const AUTHZ = 'auth_authorizations_total';
const DURATION = 'auth_authentication_duration_seconds';
const LOOKUPS = 'auth_token_cache_lookups_total';
const FETCHES = 'auth_key_set_fetches_total';
const HTTP = 'http_request_duration_seconds';

/**
 * `GET /metrics` and the meters of CONTRACT.md, on both platforms: each meter moves when its event
 * happens, with the contract's names, labels and label values, and no label grows with traffic.
 */
describe.each<[HttpAdapterName]>([['express'], ['fastify']])('metrics on %s', (adapter) => {
  let first: TestAuthority;
  let second: TestAuthority;
  let api: TestApp;
  let scrape: () => Promise<Meters>;

  beforeAll(async () => {
    first = await TestAuthority.start();
    second = await TestAuthority.start({ path: '/second' });
    api = await startApi({
      authority: first,
      adapter,
      auth: { authority: [first.issuer, second.issuer] },
    });
    scrape = scraper(api);
    await scrape(); // the scraper's token is cached from now on
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await first?.close();
    await second?.close();
  });
  afterEach(() => {
    second.jwks = 'ok';
    second.discovery = 'ok';
  });

  /** What `act` moved, the scrape's own request (a cache hit, a success, a scope) included. */
  async function delta(act: () => Promise<unknown>) {
    const before = await scrape();
    await act();
    const after = await scrape();
    return (name: string, labels: Record<string, string> = {}) =>
      after.value(name, labels) - before.value(name, labels);
  }

  it('answers 401 without a token, 403 without metrics:read, and Prometheus text with it', async () => {
    expect(await api.anonymous().get('/metrics')).toBeUnauthorized();
    expect(await api.as('messages:read').get('/metrics')).toBeForbiddenForScopes('metrics:read');
    const res = await api.as('metrics:read').get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(res.text).toContain('# TYPE nodejs_heap_size_used_bytes gauge');
    for (const [name, type] of [
      [AUTHN, 'counter'],
      [AUTHZ, 'counter'],
      [DURATION, 'histogram'],
      [LOOKUPS, 'counter'],
      [FETCHES, 'counter'],
      ['auth_introspections_total', 'counter'],
      [HTTP, 'histogram'],
    ]) {
      expect(res.text).toContain(`# TYPE ${name} ${type}`);
    }
  });

  it('is documented in OpenAPI with its scope and its text format', async () => {
    const res = await request(api.server).get('/docs-json');
    const operation = (res.body as OpenApiDocument).paths['/metrics'].get;
    expect(operation.security).toEqual([{ oidc: ['metrics:read'] }]);
    expect(Object.keys(operation.responses['200'].content ?? {})).toEqual([
      'text/plain; version=0.0.4; charset=utf-8',
    ]);
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403']));
  });

  it('has every meter the dashboard and the alert rules of the docs use', async () => {
    const docs = ['docs/grafana-dashboard.json', 'docs/operations.md']
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const used = new Set(
      [...docs.matchAll(/\b(?:auth|http)_[a-z_]+(?:_total|_seconds)/g)].map(([name]) => name),
    );
    expect(used.size).toBeGreaterThanOrEqual(7);
    const { text } = await scrape();
    for (const name of used) expect(text).toContain(`# TYPE ${name} `);
  });

  it('holds every series of the contract from the start, at zero or more', async () => {
    const meters = await scrape();
    const labelSets = (name: string) =>
      meters
        .matching(name)
        .map((s) => JSON.stringify(s.labels))
        .sort();
    expect(labelSets(AUTHZ)).toHaveLength(6);
    for (const result of ['allowed', 'forbidden']) {
      for (const requirement of ['scope', 'role', 'policy']) {
        expect(meters.matching(AUTHZ, { result, requirement })).toHaveLength(1);
      }
    }
    for (const reason of ['expired', 'wrong_issuer', 'unknown_kid', 'bad_signature', 'id_token']) {
      expect(meters.matching(AUTHN, { result: 'failure', reason })).toHaveLength(1);
    }
    expect(
      meters.matching(AUTHN, { result: 'failure', reason: 'missing_credentials' }),
    ).toHaveLength(1);
    expect(meters.matching(AUTHN, { result: 'failure', reason: 'insufficient_scope' })).toEqual([]);
    expect(
      meters
        .matching(LOOKUPS)
        .map((s) => s.labels.result)
        .sort(),
    ).toEqual(['hit', 'miss']);
    for (const authority of [first.issuer, second.issuer]) {
      for (const outcome of ['success', 'failure']) {
        expect(meters.matching(FETCHES, { authority, outcome })).toHaveLength(1);
      }
    }
    expect(
      meters
        .matching('auth_introspections_total')
        .map((s) => s.labels.outcome)
        .sort(),
    ).toEqual(['active', 'failure', 'inactive']);
  });

  it('counts a success, and a cache miss then a hit, with their durations', async () => {
    const token = first.mint({ scope: 'messages:read' });
    const moved = await delta(async () => {
      expect((await api.withToken(token).get('/api/messages')).status).toBe(200);
      expect((await api.withToken(token).get('/api/messages')).status).toBe(200);
    });
    expect(moved(AUTHN, { result: 'success' })).toBe(2 + 1);
    expect(moved(LOOKUPS, { result: 'miss' })).toBe(1);
    expect(moved(LOOKUPS, { result: 'hit' })).toBe(1 + 1);
    expect(moved(`${DURATION}_count`, { result: 'success' })).toBe(2 + 1);
    expect(moved(`${DURATION}_sum`, { result: 'success' })).toBeGreaterThan(0);
    expect(moved(AUTHZ, { result: 'allowed', requirement: 'scope' })).toBe(2 + 1);
  });

  it.each<[string, () => string | undefined]>([
    ['expired', () => first.bad.expired()],
    ['wrong_issuer', () => first.bad.foreignIssuer()],
    ['unknown_kid', () => first.bad.unknownKid()],
    ['id_token', () => first.bad.idToken()],
    ['wrong_audience', () => first.bad.wrongAudience()],
    ['bad_signature', () => `${first.mint().slice(0, -8)}AAAAAAAA`],
    ['missing_credentials', () => undefined],
  ])('counts a %s failure by its reason, with its duration', async (reason, token) => {
    const moved = await delta(async () => {
      const bearer = token();
      const client = bearer === undefined ? api.anonymous() : api.withToken(bearer);
      expect((await client.get('/api/messages')).status).toBe(401);
    });
    expect(moved(AUTHN, { result: 'failure', reason })).toBe(1);
    expect(moved(AUTHN, { result: 'failure' })).toBe(1);
    expect(moved(`${DURATION}_count`, { result: 'failure' })).toBe(1);
  });

  it('counts malformed credentials (400) as an authentication failure', async () => {
    const moved = await delta(async () => {
      const res = await request(api.server).get('/api/messages').set('Authorization', 'Bearer');
      expect(res.status).toBe(400);
    });
    expect(moved(AUTHN, { result: 'failure', reason: 'malformed_credentials' })).toBe(1);
  });

  it('counts a missing scope and a failed policy as authorizations, not authentication failures', async () => {
    const created = await api.as('messages:write').post('/api/messages').send({ text: 'mine' });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    const moved = await delta(async () => {
      expect((await api.as('messages:read').post('/api/messages').send({ text: 'x' })).status).toBe(
        403,
      );
      const other = api.withClaims({ sub: 'someone-else', scope: 'messages:write' });
      expect((await other.delete(`/api/messages/${id}`)).status).toBe(403);
    });
    expect(moved(AUTHZ, { result: 'forbidden', requirement: 'scope' })).toBe(1);
    expect(moved(AUTHZ, { result: 'forbidden', requirement: 'policy' })).toBe(1);
    expect(moved(AUTHN, { result: 'failure' })).toBe(0);
    expect(moved(AUTHN, { result: 'success' })).toBe(2 + 1);
  });

  it('counts key set fetches by listed authority and outcome', async () => {
    const moved = await delta(async () => {
      first.rotate(); // a new key: its kid is unknown, so the key set is fetched again
      expect((await api.as('messages:read').get('/api/messages')).status).toBe(200);
      second.rotate();
      second.jwks = 'down';
      expect(await api.withToken(second.mint()).get('/api/me')).toBeAuthorityUnavailable();
    });
    expect(moved(FETCHES, { authority: first.issuer, outcome: 'success' })).toBe(1);
    expect(moved(FETCHES, { authority: second.issuer, outcome: 'failure' })).toBeGreaterThan(0);
    expect(moved(AUTHN, { result: 'failure', reason: 'authority_unavailable' })).toBe(1);
  });

  it('times requests by route template, never by the path asked for', async () => {
    const id = randomUUID();
    const moved = await delta(async () => {
      expect((await api.as('messages:read').get(`/api/messages/${id}`)).status).toBe(404);
      expect((await api.anonymous().get(`/api/messages/${id}`)).status).toBe(401);
      expect((await request(api.server).get(`/no/such/${id}`)).status).toBe(404);
      expect((await request(api.server).get('/health')).status).toBe(200);
    });
    const route = '/api/messages/:id';
    expect(moved(`${HTTP}_count`, { method: 'GET', route, status_code: '404' })).toBe(1);
    expect(moved(`${HTTP}_count`, { method: 'GET', route, status_code: '401' })).toBe(1);
    expect(moved(`${HTTP}_count`, { route: 'unmatched', status_code: '404' })).toBe(1);
    expect(moved(`${HTTP}_count`, { method: 'GET', route: '/health', status_code: '200' })).toBe(1);
    expect((await scrape()).text).not.toContain(id);
  });

  it('keeps the number of series under a flood of tokens with random iss and kid', async () => {
    const flood = (n: number) =>
      Promise.all(
        Array.from({ length: n }, (_, i) => {
          const iss = i % 2 === 0 ? `https://${randomUUID()}.example.com` : first.issuer;
          const header = { kid: `kid-${randomUUID()}` };
          return api.withToken(first.mint({ iss }, { header })).get('/api/messages');
        }),
      );
    await flood(2); // each kind of answer once, so its HTTP series exists
    const series = (meters: Meters) => meters.seriesCount('auth_') + meters.seriesCount('http_');
    const before = await scrape();
    const answers = await flood(40);
    const after = await scrape();
    expect(new Set(answers.map((res) => res.status))).toEqual(new Set([401]));
    expect(series(after)).toBe(series(before));
    expect(
      after.value(AUTHN, { result: 'failure', reason: 'wrong_issuer' }),
    ).toBeGreaterThanOrEqual(
      before.value(AUTHN, { result: 'failure', reason: 'wrong_issuer' }) + 20,
    );
    expect(after.text).not.toMatch(/example\.com|kid-/);
  });
});
