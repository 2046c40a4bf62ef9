import { describe, expect, it } from '@jest/globals';
import {
  AuthorityUnavailableError,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  MissingCredentialsError,
  toChallengeText,
} from './bearer-errors.js';

describe('RFC 6750 errors', () => {
  // Each error is made inside its test, so per-test coverage (npm run mutate) sees it made there.
  it.each([
    ['MissingCredentialsError', () => new MissingCredentialsError('x'), 401, 'Bearer'],
    [
      'InvalidRequestError',
      () => new InvalidRequestError('Bad header'),
      400,
      'Bearer error="invalid_request", error_description="Bad header"',
    ],
    [
      'InvalidTokenError',
      () => new InvalidTokenError('expired', 'Old'),
      401,
      'Bearer error="invalid_token", error_description="Old"',
    ],
    [
      'InsufficientScopeError',
      () => new InsufficientScopeError(['a:read', 'b'], 'Needs a:read'),
      403,
      'Bearer error="insufficient_scope", error_description="Needs a:read", scope="a:read b"',
    ],
  ])('%s answers %i with its challenge', (_name, make, status, challenge) => {
    const error = make();
    expect(error.status).toBe(status);
    expect(error.challenge()).toBe(challenge);
  });

  it('adds resource_metadata (RFC 9728 §5.1), after the other parameters or alone', () => {
    const metadata = 'https://api.example.com/.well-known/oauth-protected-resource';
    expect(new MissingCredentialsError('x').challenge(true, metadata)).toBe(
      `Bearer resource_metadata="${metadata}"`,
    );
    expect(new InvalidTokenError('expired', 'Old').challenge(false, metadata)).toBe(
      `Bearer error="invalid_token", resource_metadata="${metadata}"`,
    );
  });

  it('drops the description when details are off, keeping code and scope', () => {
    expect(new InvalidTokenError('expired', 'Old').challenge(false)).toBe(
      'Bearer error="invalid_token"',
    );
    expect(new InsufficientScopeError(['a'], 'x').challenge(false)).toBe(
      'Bearer error="insufficient_scope", scope="a"',
    );
  });

  it('sends no challenge and a Retry-After for an unavailable authority', () => {
    const error = new AuthorityUnavailableError('down', 3);
    expect(error.status).toBe(503);
    expect(error.challenge()).toBeUndefined();
    expect(error.retryAfterSeconds).toBe(3);
  });
});

describe('toChallengeText', () => {
  it.each([
    ['quotes', 'a"b', 'a?b'],
    ['backslashes', 'a\\b', 'a?b'],
    ['CR and LF', 'a\r\nSet-Cookie: x=1', 'a??Set-Cookie: x=1'],
    ['non-ASCII', 'é🙂', '???'],
    ['control characters', 'a\u0000\u007f', 'a??'],
  ])('replaces %s', (_name, input, output) => {
    expect(toChallengeText(input)).toBe(output);
  });

  it('keeps printable ASCII as it is', () => {
    const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i))
      .filter((c) => c !== '"' && c !== '\\')
      .join('');
    expect(toChallengeText(printable)).toBe(printable);
  });

  it('clips long text, and keeps text of exactly the limit whole', () => {
    expect(toChallengeText('x'.repeat(1000), 50)).toBe(`${'x'.repeat(47)}...`);
    expect(toChallengeText('x'.repeat(50), 50)).toBe('x'.repeat(50));
  });
});
