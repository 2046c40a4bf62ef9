import { describe, expect, it } from '@jest/globals';
import { AuthorizationService } from './authorization.service.js';
import { policy, type PolicyDefinition } from './core/authorization-policy.js';
import { ForbiddenError } from './core/bearer-errors.js';
import { toPrincipal } from './core/principal.js';

interface Doc {
  owner: string;
}

const owner = policy<Doc>().requireAssertion(
  ({ principal, resource }) => resource?.owner === principal.sub,
  'the owner',
);
const calls: string[][] = [];
const service = new AuthorizationService(
  { policies: new Map<string, PolicyDefinition<never>>([['docs.edit', owner]]) },
  { authorized: (result, requirement) => calls.push([result, requirement]) },
);
const alice = toPrincipal({ sub: 'alice', iss: 'https://idp', exp: 1, roles: ['editor'] });

describe('AuthorizationService', () => {
  it('decides a registered policy on a resource, and reports it', async () => {
    calls.length = 0;
    expect(await service.authorize(alice, { owner: 'alice' }, 'docs.edit')).toEqual({
      allowed: true,
      requirement: 'policy',
    });
    expect(await service.authorize(alice, { owner: 'bob' }, 'docs.edit')).toMatchObject({
      allowed: false,
      reason: 'policy_failed',
      message: 'The policy docs.edit is not met: it requires the owner',
    });
    expect(calls).toEqual([
      ['allowed', 'policy'],
      ['forbidden', 'policy'],
    ]);
  });

  it('decides a policy built on the spot', async () => {
    const editors = policy<Doc>().requireRoles('editor');
    expect((await service.authorize(alice, { owner: 'bob' }, editors)).allowed).toBe(true);
  });

  it('throws the plain 403 from ensure', async () => {
    await expect(service.ensure(alice, { owner: 'alice' }, 'docs.edit')).resolves.toBeUndefined();
    await expect(service.ensure(alice, { owner: 'bob' }, 'docs.edit')).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('never allows on a mistake: an unknown name or a policy that requires nothing', async () => {
    await expect(service.authorize(alice, {}, 'docs.edt')).rejects.toThrow(
      'No policy is registered as docs.edt',
    );
    await expect(service.ensure(alice, {}, policy())).rejects.toThrow(TypeError);
  });
});
