import { describe, expect, it } from '@jest/globals';
import { AuthConfigurationError, resolveAuthOptions, toTokenPolicy } from './auth-options.js';
import type { AuthModuleOptions } from './auth-options.interface.js';
import { policy } from './core/authorization-policy.js';

const base: AuthModuleOptions = { authority: 'https://idp.example.com', audience: 'api://x' };

function refusal(options: Partial<AuthModuleOptions>): AuthConfigurationError {
  try {
    resolveAuthOptions({ ...base, ...options });
  } catch (error) {
    if (error instanceof AuthConfigurationError) return error;
    throw error;
  }
  throw new Error('expected the options to be refused');
}

describe('rolesClaim', () => {
  it('defaults to roles, and reaches the token policy parsed once', () => {
    expect(resolveAuthOptions(base).rolesClaim).toBe('roles');
    const resolved = resolveAuthOptions({ ...base, rolesClaim: ' realm_access.roles ' });
    expect(resolved.rolesClaim).toBe('realm_access.roles');
    expect(toTokenPolicy(resolved).rolesClaim).toEqual({
      name: 'realm_access.roles',
      segments: ['realm_access', 'roles'],
    });
  });

  it.each([
    ['a list', 'roles,groups'],
    ['two names', 'roles groups'],
    ['an empty segment', 'realm_access..roles'],
    ['a leading dot', '.roles'],
  ])('refuses %s, naming the option', (_name, rolesClaim) => {
    const error = refusal({ rolesClaim });
    expect(error.option).toBe('rolesClaim');
    expect(error.message).toBe(
      `rolesClaim: ${rolesClaim} is not one claim: give a name (groups) or a dotted path (realm_access.roles)`,
    );
  });
});

describe('policies', () => {
  it('are kept by name, none by default', () => {
    const mfa = policy().requireClaim('amr', 'mfa');
    expect(resolveAuthOptions(base).policies.size).toBe(0);
    expect([...resolveAuthOptions({ ...base, policies: { mfa } }).policies]).toEqual([
      ['mfa', mfa],
    ]);
  });

  it('keep a policy named like an Object.prototype member as just a name', () => {
    const p = policy().requireRoles('x');
    const policies = resolveAuthOptions({ ...base, policies: { constructor: p } }).policies;
    expect(policies.get('constructor')).toBe(p);
    expect(policies.get('toString')).toBeUndefined();
  });

  it.each([
    ['one that requires nothing', { open: policy() }, 'open is not a policy built with policy()'],
    [
      'one not built with policy()',
      { fake: { requirements: [{ requires: 'x', check: () => true }], requires: 'x' } },
      'fake is not a policy built with policy()',
    ],
    ['one without a name', { ' ': policy().requireRoles('x') }, 'a policy has no name'],
  ])('refuses %s', (_name, policies, message) => {
    const error = refusal({ policies });
    expect(error.option).toBe('policies');
    expect(error.message).toContain(message);
  });
});
