import { describe, expect, it } from '@jest/globals';
import { AuthMessages } from './auth-messages.js';
import {
  firstUnmet,
  isPolicyWithRequirements,
  policy,
  policyScopes,
  type AuthorizationContext,
  type AuthorizationPolicy,
} from './authorization-policy.js';
import { toPrincipal } from './principal.js';

const caller = (claims: Record<string, unknown> = {}) =>
  toPrincipal({ sub: 'alice', iss: 'https://idp', exp: 1, ...claims });

/** Whether `p` passes for a caller with these claims (resource and request optional). */
async function passes<R>(
  p: AuthorizationPolicy<R>,
  claims: Record<string, unknown> = {},
  extra: Omit<AuthorizationContext<R>, 'principal'> = {},
): Promise<boolean> {
  return (await firstUnmet(p, { principal: caller(claims), ...extra })) === undefined;
}

describe('the policy builder', () => {
  it.each([
    ['requireScopes: all of them', policy().requireScopes('a', 'b'), { scope: 'a b c' }, true],
    ['requireScopes: one missing', policy().requireScopes('a', 'b'), { scope: 'a' }, false],
    ['requireScopes reads scp too', policy().requireScopes('a'), { scp: ['a'] }, true],
    ['requireAnyScope: one of them', policy().requireAnyScope('a', 'b'), { scope: 'b' }, true],
    ['requireAnyScope: none', policy().requireAnyScope('a', 'b'), { scope: 'c' }, false],
    ['requireRoles: all of them', policy().requireRoles('x', 'y'), { roles: ['y', 'x'] }, true],
    ['requireRoles: one missing', policy().requireRoles('x', 'y'), { roles: ['x'] }, false],
    ['requireAnyRole: one of them', policy().requireAnyRole('x', 'y'), { roles: 'y' }, true],
    ['requireAnyRole: none', policy().requireAnyRole('x', 'y'), { roles: ['z'] }, false],
    ['roles match exactly', policy().requireRoles('Admin'), { roles: ['admin'] }, false],
    ['roles are no scopes', policy().requireRoles('a'), { scope: 'a' }, false],
    ['scopes are no roles', policy().requireScopes('a'), { roles: ['a'] }, false],
    [
      'every requirement must be met',
      policy().requireScopes('a').requireRoles('x'),
      { scope: 'a' },
      false,
    ],
    [
      'every requirement met',
      policy().requireScopes('a').requireRoles('x'),
      { scope: 'a', roles: ['x'] },
      true,
    ],
  ])('%s', async (_name, p, claims, expected) => {
    expect(await passes(p, claims)).toBe(expected);
  });

  it('never changes a policy: each require… returns a new one', async () => {
    const base = policy().requireScopes('a');
    const stricter = base.requireRoles('x');
    expect(base.requirements).toHaveLength(1);
    expect(stricter.requirements).toHaveLength(2);
    expect(Object.isFrozen(base)).toBe(true);
    expect(Object.isFrozen(base.requirements)).toBe(true);
    expect(await passes(base, { scope: 'a' })).toBe(true);
    expect(await passes(stricter, { scope: 'a' })).toBe(false);
  });

  const needsNames = (method: string) => `${method} needs one or more non-empty names`;
  const needsPolicies = 'requireAnyOf needs one or more policies, each requiring something';
  it.each([
    ['requireScopes with no scope', () => policy().requireScopes(), needsNames('requireScopes')],
    [
      'requireAnyScope with no scope',
      () => policy().requireAnyScope(),
      needsNames('requireAnyScope'),
    ],
    [
      'requireRoles with a non-string',
      () => policy().requireRoles(7 as never),
      needsNames('requireRoles'),
    ],
    [
      'requireAnyRole with an empty name',
      () => policy().requireAnyRole('admin', ''),
      needsNames('requireAnyRole'),
    ],
    ['requireClaim with no name', () => policy().requireClaim(''), needsNames('requireClaim')],
    ['requireAnyOf with no policy', () => policy().requireAnyOf(), needsPolicies],
    ['requireAnyOf with an empty policy', () => policy().requireAnyOf(policy()), needsPolicies],
    [
      'requireAnyOf with an empty policy after a good one',
      () => policy().requireAnyOf(policy().requireScopes('a'), policy()),
      needsPolicies,
    ],
    [
      'requireAssertion with no function',
      () => policy().requireAssertion(undefined as never),
      'requireAssertion needs a function',
    ],
  ])('refuses %s while it is built, naming the method', (_name, build, message) => {
    expect(build).toThrow(new TypeError(message));
  });

  it('says what it requires, in the words of the 403 message', () => {
    const p = policy()
      .requireScopes('a')
      .requireAnyRole('x', 'y')
      .requireClaim('tid', 't1', 't2')
      .requireAssertion(() => true, "the message's author");
    expect(p.requires).toBe(
      AuthMessages.requires.both([
        AuthMessages.requires.all('scope', ['a']),
        AuthMessages.requires.any('role', ['x', 'y']),
        AuthMessages.requires.claim('tid', ['t1', 't2']),
        "the message's author",
      ]),
    );
    expect(p.requires).toBe(
      'the scope a and one of the roles x y and the claim tid with the value t1 or t2 and ' +
        "the message's author",
    );
  });

  it('tells a built policy that requires something from anything else', () => {
    expect(isPolicyWithRequirements(policy().requireRoles('x'))).toBe(true);
    expect(isPolicyWithRequirements(policy())).toBe(false);
    expect(isPolicyWithRequirements({ requirements: [{ requires: 'x', check: () => true }] })).toBe(
      false,
    );
    expect(isPolicyWithRequirements('admin')).toBe(false);
  });
});

describe('requireClaim', () => {
  it.each([
    [
      'present, any value',
      policy().requireClaim('email_verified'),
      { email_verified: false },
      true,
    ],
    ['absent', policy().requireClaim('email_verified'), {}, false],
    ['null counts as absent', policy().requireClaim('tid'), { tid: null }, false],
    ['one of the values', policy().requireClaim('tid', 't1', 't2'), { tid: 't2' }, true],
    ['another value', policy().requireClaim('tid', 't1'), { tid: 't3' }, false],
    [
      'an array holding a value',
      policy().requireClaim('amr', 'mfa'),
      { amr: ['pwd', 'mfa'] },
      true,
    ],
    ['an array holding none', policy().requireClaim('amr', 'mfa'), { amr: ['pwd'] }, false],
    [
      'a boolean value',
      policy().requireClaim('email_verified', true),
      { email_verified: true },
      true,
    ],
    [
      'a value of another type is another value',
      policy().requireClaim('email_verified', true),
      { email_verified: 'true' },
      false,
    ],
    ['a number', policy().requireClaim('tier', 2), { tier: 2 }, true],
    ['a nested path', policy().requireClaim('org.id', 'o1'), { org: { id: 'o1' } }, true],
    ['an inherited name', policy().requireClaim('constructor'), {}, false],
    [
      'an object compared to a value',
      policy().requireClaim('org', 'o1'),
      { org: { id: 'o1' } },
      false,
    ],
  ])('%s', async (_name, p, claims, expected) => {
    expect(await passes(p, claims)).toBe(expected);
  });
});

describe('requireAssertion', () => {
  interface Doc {
    owner: string;
  }
  const owner = policy<Doc>().requireAssertion(
    ({ principal, resource }) => resource?.owner === principal.sub,
    'the owner',
  );

  it('decides on the principal and the resource', async () => {
    expect(await passes(owner, {}, { resource: { owner: 'alice' } })).toBe(true);
    expect(await passes(owner, {}, { resource: { owner: 'bob' } })).toBe(false);
    expect(await passes(owner, {}, {})).toBe(false);
  });

  it('sees the request', async () => {
    const header = policy().requireAssertion(
      ({ request }) =>
        (request as { headers: Record<string, string> }).headers['x-tenant'] === 't1',
    );
    expect(await passes(header, {}, { request: { headers: { 'x-tenant': 't1' } } })).toBe(true);
    expect(await passes(header, {}, { request: { headers: {} } })).toBe(false);
  });

  it.each([undefined, 1, 'yes', {}, null])(
    'passes only on true: %p denies (a forgotten return fails closed)',
    async (value) => {
      expect(await passes(policy().requireAssertion(() => value as boolean))).toBe(false);
    },
  );

  it('may be asynchronous', async () => {
    const later = (ok: boolean) => policy().requireAssertion(() => Promise.resolve(ok));
    expect(await passes(later(true))).toBe(true);
    expect(await passes(later(false))).toBe(false);
  });

  it("lets the app's own error through: a bug is not a denial", async () => {
    const broken = policy().requireAssertion(() => {
      throw new Error('database down');
    });
    await expect(passes(broken)).rejects.toThrow('database down');
  });
});

describe('requireAnyOf: alternatives', () => {
  // Microsoft.Identity.Web's [RequiredScopeOrAppPermission]: a delegated scope or an app role.
  const scopeOrAppRole = policy().requireAnyOf(
    policy().requireAnyScope('Orders.Read'),
    policy().requireAnyRole('Orders.Read.All'),
  );

  it.each([
    ['a delegated token with the scope', { scp: 'Orders.Read User.Read' }, true],
    ['an app-only token with the app role', { roles: ['Orders.Read.All'] }, true],
    ['a token with neither', { scp: 'User.Read', roles: ['Orders.Write.All'] }, false],
    ['the scope name as a role does not count', { roles: ['Orders.Read'] }, false],
  ])('%s', async (_name, claims, expected) => {
    expect(await passes(scopeOrAppRole, claims)).toBe(expected);
  });

  it('refuses when an alternative that answers later is unmet, and so is the next', async () => {
    const later = policy().requireAssertion(() => Promise.resolve(false));
    const either = policy().requireAnyOf(later, policy().requireAnyScope('Orders.Read'));
    expect(await passes(either, { scp: 'User.Read' })).toBe(false);
    expect(await passes(either, { scp: 'Orders.Read' })).toBe(true);
  });

  it('names every alternative when none is met', () => {
    expect(scopeOrAppRole.requires).toBe('the scope Orders.Read, or the role Orders.Read.All');
  });

  it('tries the alternatives in order, and stops at the first that passes', async () => {
    const tried: string[] = [];
    const track = (name: string, ok: boolean) =>
      policy().requireAssertion(() => {
        tried.push(name);
        return ok;
      });
    const p = policy().requireAnyOf(track('a', false), track('b', true), track('c', true));
    expect(await passes(p)).toBe(true);
    expect(tried).toEqual(['a', 'b']);
  });

  it('waits for an asynchronous alternative', async () => {
    const p = policy().requireAnyOf(
      policy().requireAssertion(() => Promise.resolve(false)),
      policy().requireAssertion(() => Promise.resolve(true)),
    );
    expect(await passes(p)).toBe(true);
  });
});

describe('firstUnmet', () => {
  it('names the first requirement not met, in order', () => {
    const p = policy().requireScopes('a').requireRoles('x').requireRoles('y');
    const unmet = firstUnmet(p, { principal: caller({ scope: 'a' }) });
    expect(unmet).toBe(p.requirements[1]);
  });

  it('answers synchronously while every check is synchronous', () => {
    const p = policy().requireScopes('a');
    expect(firstUnmet(p, { principal: caller({ scope: 'a' }) })).toBeUndefined();
  });

  it('stops at the first unmet requirement: later checks do not run', async () => {
    let ran = false;
    const p = policy()
      .requireAssertion(() => Promise.resolve(false))
      .requireAssertion(() => (ran = true));
    await firstUnmet(p, { principal: caller() });
    expect(ran).toBe(false);
  });
});

describe('policyScopes: the scopes a policy names, for RFC 9728 scopes_supported', () => {
  it('lists all-of and any-of scopes and those of alternatives, once each', () => {
    const named = policy()
      .requireScopes('reports:read', 'reports:list')
      .requireRoles('auditor')
      .requireAnyOf(
        policy().requireAnyScope('reports:export', 'reports:read'),
        policy().requireClaim('tier', 'gold'),
      );
    expect(policyScopes(named)).toEqual(['reports:read', 'reports:list', 'reports:export']);
  });

  it('is empty for a policy of roles, claims and assertions only', () => {
    const named = policy()
      .requireRoles('auditor')
      .requireClaim('tier')
      .requireAssertion(() => true);
    expect(policyScopes(named)).toEqual([]);
  });
});
