import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { claimsWithRoles, type TestApp } from '../src/auth/testing/index.js';
import type { HttpAdapterName } from '../src/config/http.settings.js';
import { startApi } from './support/test-api.js';

/*
 * The messages rule (shared/CONTRACT.md, DELETE /api/messages/:id) as the `messages.delete` policy:
 * the author, or a caller with the role messages.moderator, may delete; anyone else gets a plain
 * 403. The role is read where AUTH_ROLES_CLAIM says, as Entra, Okta and Keycloak send it.
 */

const MODERATOR = 'messages.moderator';

describe.each<[HttpAdapterName]>([['express'], ['fastify']])('on %s', (adapter) => {
  describe.each([
    ['Entra (the default roles claim)', undefined, { roles: [MODERATOR] }],
    ['Okta (groups)', 'groups', { groups: [MODERATOR] }],
    [
      'Auth0 (a namespaced claim, read whole)',
      'https://example.com/roles',
      { 'https://example.com/roles': [MODERATOR] },
    ],
    [
      'Keycloak (realm_access.roles)',
      'realm_access.roles',
      { realm_access: { roles: [MODERATOR] } },
    ],
  ])('roles from %s', (_provider, rolesClaim, moderatorClaims) => {
    let api: TestApp;
    beforeAll(async () => (api = await startApi({ adapter, auth: { rolesClaim } })));
    afterAll(() => api?.close());

    const post = async (author: string) => {
      const res = await api.withClaims({ sub: author }).post('/api/messages').send({ text: 'hi' });
      expect(res.status).toBe(201);
      return `/api/messages/${(res.body as { id: string }).id}`;
    };
    const moderator = () => api.withClaims({ sub: 'mod', ...moderatorClaims });

    it('lets the author delete their own message', async () => {
      const path = await post('alice');
      expect((await api.withClaims({ sub: 'alice' }).delete(path)).status).toBe(204);
      expect((await api.withClaims({ sub: 'alice' }).get(path)).status).toBe(404);
    });

    it('answers anyone else with a plain 403 naming the policy, and keeps the message', async () => {
      const path = await post('alice');
      const res = await api.withClaims({ sub: 'bob' }).delete(path);
      expect(res).toBeForbidden('messages.delete');
      expect((res.body as { message: string }).message).toBe(
        "The policy messages.delete is not met: it requires the message's author, or the role " +
          'messages.moderator',
      );
      expect((await api.withClaims({ sub: 'bob' }).get(path)).status).toBe(200);
    });

    it('lets a moderator delete anyone’s message', async () => {
      const path = await post('alice');
      expect((await moderator().delete(path)).status).toBe(204);
      expect((await moderator().get(path)).status).toBe(404);
    });

    it('answers 404 for a message that does not exist, moderator or not', async () => {
      expect((await moderator().delete('/api/messages/no-such-id')).status).toBe(404);
      expect((await api.withClaims({ sub: 'bob' }).delete('/api/messages/x')).status).toBe(404);
    });

    it('keeps the scope first: without messages:write, 403 insufficient_scope', async () => {
      const path = await post('alice');
      const res = await api
        .withClaims({ sub: 'mod', scope: 'messages:read', ...moderatorClaims })
        .delete(path);
      expect(res).toBeForbiddenForScopes('messages:write');
    });

    it('shows the roles on /api/me', async () => {
      const me = await moderator().get('/api/me');
      expect(me.status).toBe(200);
      expect((me.body as { roles: string[] }).roles).toContain(MODERATOR);
      const plain = await api.withClaims({ sub: 'bob' }).get('/api/me');
      expect((plain.body as { roles: string[] }).roles).toEqual([]);
    });

    it('builds tokens the way the configured claim reads them (api.withRoles)', async () => {
      expect(claimsWithRoles([MODERATOR], rolesClaim)).toEqual(moderatorClaims);
      const path = await post('alice');
      expect((await api.withRoles(MODERATOR).delete(path)).status).toBe(204);
    });
  });

  describe('a role in another claim than the configured one', () => {
    let api: TestApp;
    beforeAll(async () => (api = await startApi({ adapter, auth: { rolesClaim: 'groups' } })));
    afterAll(() => api?.close());

    it('does not count: Okta is configured, the role comes in roles', async () => {
      const created = await api
        .withClaims({ sub: 'alice' })
        .post('/api/messages')
        .send({ text: 'x' });
      const path = `/api/messages/${(created.body as { id: string }).id}`;
      const res = await api.withClaims({ sub: 'mod', roles: [MODERATOR] }).delete(path);
      expect(res).toBeForbidden('messages.delete');
      const me = await api.withClaims({ sub: 'mod', roles: [MODERATOR] }).get('/api/me');
      expect((me.body as { roles: string[] }).roles).toEqual([]);
    });
  });
});
