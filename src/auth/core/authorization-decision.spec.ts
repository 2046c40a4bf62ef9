import { describe, expect, it } from '@jest/globals';
import { AuthMessages } from './auth-messages.js';
import { decidePolicy, decideRoles, forbiddenError } from './authorization-decision.js';
import { policy } from './authorization-policy.js';
import { ForbiddenError } from './bearer-errors.js';
import { toPrincipal } from './principal.js';

const caller = (roles: string[]) =>
  toPrincipal({ sub: 'alice', iss: 'https://idp', exp: 1, client_id: 'app', roles });

describe('decideRoles', () => {
  it('allows when every role and one of each group is held', () => {
    const decision = decideRoles(caller(['a', 'c']), { all: ['a'], anyOf: [['b', 'c']] });
    expect(decision).toEqual({ allowed: true, requirement: 'role' });
  });

  it('names the missing roles', () => {
    expect(decideRoles(caller(['a']), { all: ['a', 'b', 'c'], anyOf: [] })).toEqual({
      allowed: false,
      requirement: 'role',
      reason: 'missing_role',
      message: AuthMessages.missingRole(['b', 'c']),
    });
    expect(AuthMessages.missingRole(['b'])).toBe('The token lacks the required role b');
  });

  it('names the group of which none is held', () => {
    const decision = decideRoles(caller([]), { all: [], anyOf: [['x', 'y']] });
    expect(decision).toMatchObject({
      allowed: false,
      message: 'The token needs one of the roles x y',
    });
  });
});

describe('decidePolicy', () => {
  const moderation = policy().requireRoles('messages.moderator');

  it('allows, reporting the policy requirement', () => {
    expect(decidePolicy('p', moderation, { principal: caller(['messages.moderator']) })).toEqual({
      allowed: true,
      requirement: 'policy',
    });
  });

  it('names the policy and what it requires', () => {
    expect(decidePolicy('messages.delete', moderation, { principal: caller([]) })).toEqual({
      allowed: false,
      requirement: 'policy',
      reason: 'policy_failed',
      message: 'The policy messages.delete is not met: it requires the role messages.moderator',
    });
  });

  it('words a policy built on the spot without a name', () => {
    const decision = decidePolicy(undefined, moderation, { principal: caller([]) });
    expect(decision).toMatchObject({
      message: 'Access is denied: it requires the role messages.moderator',
    });
  });

  it('answers a promise only when a check returns one', async () => {
    const later = policy().requireAssertion(() => Promise.resolve(false), 'a later answer');
    const decision = decidePolicy('later', later, { principal: caller([]) });
    expect(decision).toBeInstanceOf(Promise);
    expect(await decision).toMatchObject({ allowed: false, reason: 'policy_failed' });
  });
});

describe('forbiddenError', () => {
  it('is a plain 403: no challenge, the reason code and message of the decision', () => {
    const decision = decideRoles(caller([]), { all: ['admin'], anyOf: [] });
    if (decision.allowed) throw new Error('expected a denial');
    const error = forbiddenError(decision, caller([]));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect([error.status, error.code, error.challenge(), error.reason]).toEqual([
      403,
      undefined,
      undefined,
      'missing_role',
    ]);
    expect(error.message).toBe('The token lacks the required role admin');
    expect(error.summary).toEqual({ iss: 'https://idp', sub: 'alice', clientId: 'app' });
  });
});
