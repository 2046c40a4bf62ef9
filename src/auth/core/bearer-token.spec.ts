import { describe, expect, it } from '@jest/globals';
import { AuthMessages } from './auth-messages.js';
import { InvalidRequestError, MissingCredentialsError } from './bearer-errors.js';
import { extractBearerToken, type BearerSource } from './bearer-token.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln';
const auth = (...values: string[]): BearerSource => ({
  rawHeaders: values.flatMap((v) => ['Authorization', v]),
});

function failure(source: BearerSource, max?: number): Error {
  try {
    extractBearerToken(source, max);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected extraction to fail');
}

describe('extractBearerToken (RFC 6750 §2.1)', () => {
  it.each([
    ['Bearer', `Bearer ${TOKEN}`],
    ['lower-case scheme', `bearer ${TOKEN}`],
    ['upper-case scheme', `BEARER ${TOKEN}`],
    ['several spaces', `Bearer    ${TOKEN}`],
    ['padding', 'Bearer abc.def.ghi=='],
    ['every b64token character', 'Bearer aZ09-._~+/='],
  ])('accepts %s', (_name, header) => {
    expect(extractBearerToken(auth(header))).toBe(header.replace(/^\S+ +/, ''));
  });

  it('finds the header whatever its name case', () => {
    expect(extractBearerToken({ rawHeaders: ['AUTHORIZATION', `Bearer ${TOKEN}`] })).toBe(TOKEN);
  });

  it('reads only Authorization, not another header of the same length', () => {
    const rawHeaders = [
      'Cache-Control',
      'no-cache',
      'Authorization',
      `Bearer ${TOKEN}`,
      'Accept',
      '*/*',
    ];
    expect(extractBearerToken({ rawHeaders })).toBe(TOKEN);
  });

  it('ignores white space around the header value (RFC 9110 §5.5)', () => {
    expect(extractBearerToken(auth(` Bearer ${TOKEN}\t`))).toBe(TOKEN);
  });

  it('ignores query and form parameters that are not access_token', () => {
    const source = { rawHeaders: ['Host', 'x'], query: { page: '2' }, body: { name: 'n' } };
    expect(failure(source)).toBeInstanceOf(MissingCredentialsError);
    expect(extractBearerToken({ ...source, ...auth(`Bearer ${TOKEN}`) })).toBe(TOKEN);
  });

  it.each([
    ['no Authorization header', { rawHeaders: ['Host', 'x'] }, AuthMessages.missingCredentials()],
    ['another scheme', auth('Basic dXNlcjpwYXNz'), AuthMessages.otherScheme('Basic')],
    [
      'a scheme that only starts with Bearer',
      auth(`Bearerx ${TOKEN}`),
      AuthMessages.otherScheme('Bearerx'),
    ],
    ['a token with no scheme (never echoed)', auth(TOKEN), AuthMessages.otherScheme('given')],
    [
      'a short credential with no scheme (never echoed)',
      auth('s3cret'),
      AuthMessages.otherScheme('given'),
    ],
    ['a token glued to Bearer', auth(`Bearer${TOKEN}`), AuthMessages.otherScheme('given')],
    ['a tab after Bearer', auth(`Bearer\t${TOKEN}`), AuthMessages.otherScheme('given')],
    ['a token, a space and more', auth(`${TOKEN} x`), AuthMessages.otherScheme('given')],
  ])('%s is missing credentials (401, no error code)', (_name, source, message) => {
    const error = failure(source);
    expect(error).toBeInstanceOf(MissingCredentialsError);
    expect(error.message).toBe(message);
  });

  it.each([
    ['Bearer with no token', auth('Bearer'), AuthMessages.emptyBearer()],
    ['Bearer and spaces only', auth('Bearer    '), AuthMessages.emptyBearer()],
    ['two tokens', auth(`Bearer ${TOKEN} ${TOKEN}`), AuthMessages.severalTokens()],
    ['a token and junk', auth(`Bearer ${TOKEN} junk`), AuthMessages.severalTokens()],
    ['a tab inside', auth(`Bearer ${TOKEN}\tjunk`), AuthMessages.severalTokens()],
    ['characters outside b64token', auth('Bearer abc"def'), AuthMessages.tokenCharacters()],
    ['a comma-joined pair', auth(`Bearer ${TOKEN}, Bearer ${TOKEN}`), AuthMessages.severalTokens()],
    [
      'two Authorization headers',
      auth(`Bearer ${TOKEN}`, `Bearer ${TOKEN}`),
      AuthMessages.severalAuthorizationHeaders(),
    ],
    [
      'a Bearer and a Basic header',
      auth('Basic dXNlcjpwYXNz', `Bearer ${TOKEN}`),
      AuthMessages.severalAuthorizationHeaders(),
    ],
    [
      'a header token and a query token',
      { ...auth(`Bearer ${TOKEN}`), query: { access_token: TOKEN } },
      AuthMessages.tokenInSeveralPlaces(),
    ],
    [
      'a header token and a form token',
      { ...auth(`Bearer ${TOKEN}`), body: { access_token: TOKEN } },
      AuthMessages.tokenInSeveralPlaces(),
    ],
    [
      'a query token alone',
      { rawHeaders: [], query: { access_token: TOKEN } },
      AuthMessages.tokenOutsideHeader(),
    ],
    [
      'a query token alone, in array form',
      { rawHeaders: [], query: { 'access_token[0]': TOKEN } },
      AuthMessages.tokenOutsideHeader(),
    ],
    [
      'a header token and a form token in array form',
      { ...auth(`Bearer ${TOKEN}`), body: { 'access_token[]': TOKEN } },
      AuthMessages.tokenInSeveralPlaces(),
    ],
  ])('%s is an invalid request (400)', (_name, source, message) => {
    const error = failure(source);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe(message);
  });

  it('refuses a token over the maximum length before looking at it', () => {
    const error = failure(auth(`Bearer ${'a'.repeat(101)}`), 100) as InvalidRequestError;
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.reason).toBe('token_too_long');
    expect(extractBearerToken(auth(`Bearer ${'a'.repeat(100)}`), 100)).toHaveLength(100);
  });

  it('bounds the spaces between the scheme and the token too', () => {
    const token = 'a'.repeat(100);
    expect(extractBearerToken(auth(`Bearer ${' '.repeat(16)}${token}`), 100)).toBe(token);
    const error = failure(auth(`Bearer ${' '.repeat(17)}${token}`), 100) as InvalidRequestError;
    expect(error.reason).toBe('token_too_long');
  });

  it('refuses a huge header without scanning it as a token', () => {
    const error = failure(auth(`Bearer ${'a'.repeat(1_000_000)} x`), 100) as InvalidRequestError;
    expect(error.reason).toBe('token_too_long');
  });
});
