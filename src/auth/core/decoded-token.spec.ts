import { describe, expect, it } from '@jest/globals';
import { generateTestKey, signJws } from '../testing/index.js';
import { AuthMessages } from './auth-messages.js';
import { InvalidTokenError } from './bearer-errors.js';
import { decodeToken, summarize } from './decoded-token.js';

const rsa = generateTestKey('RS256', { kid: 'rsa-1' });

function refusalOf(token: string): [string, string] {
  try {
    decodeToken(token);
  } catch (error) {
    if (error instanceof InvalidTokenError) return [error.reason, error.message];
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('decodeToken', () => {
  it('cuts the token once: header, claims, signing input and signature', () => {
    const token = signJws({ alg: 'RS256', kid: 'rsa-1' }, { sub: 'u', n: 1 }, rsa.privateKey);
    const [h, p, s] = token.split('.');
    expect(decodeToken(token)).toEqual({
      header: { alg: 'RS256', kid: 'rsa-1' },
      claims: { sub: 'u', n: 1 },
      signingInput: `${h}.${p}`,
      signature: s,
    });
  });

  it.each([
    ['an opaque token', 'abcdef', 'it is opaque, not a JWT'],
    ['a JWE', 'a.b.c.d.e', 'it is encrypted (JWE), not signed'],
    ['two parts', 'a.b', 'it has 2 parts instead of 3'],
    ['four parts', 'a.b.c.d', 'it has 4 parts instead of 3'],
    ['a header that is not base64url', '!!!.e30.c2ln', 'its header is not base64url'],
    ['a header that is not JSON', 'bm90IGpzb24.e30.c2ln', 'its header is not JSON'],
    ['a one-character header', 'e.e30.c2ln', 'its header is not JSON'],
    [
      'a payload that is not base64url',
      'eyJhbGciOiJSUzI1NiJ9.e3!.c2ln',
      'its payload is not base64url',
    ],
    [
      'a payload that is not JSON',
      'eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln',
      'its payload is not JSON',
    ],
    [
      'a header that is an array',
      `${Buffer.from('[1]').toString('base64url')}.e30.c2ln`,
      'its header is not a JSON object',
    ],
    [
      'a signature that is not base64url',
      'eyJhbGciOiJSUzI1NiJ9.e30.c2/l+g',
      'its signature is not base64url',
    ],
  ])('refuses %s', (_name, t, why) => {
    expect(refusalOf(t)).toEqual(['malformed_token', AuthMessages.malformedToken(why)]);
  });

  it.each([['"a string"'], ['[1,2]'], ['null'], ['42']])('refuses the payload %s', (payload) => {
    const t = signJws({ alg: 'RS256', kid: 'rsa-1' }, payload, rsa.privateKey);
    expect(refusalOf(t)[0]).toBe('payload_not_object');
  });

  it('keeps a __proto__ member as an own property: it never becomes a prototype', () => {
    const t = signJws(
      { alg: 'RS256', kid: 'rsa-1' },
      '{"sub":"u","__proto__":{"roles":["admin"]}}',
      rsa.privateKey,
    );
    const { claims } = decodeToken(t);
    expect(Object.getPrototypeOf(claims)).toBe(Object.prototype);
    expect(claims.roles).toBeUndefined();
    expect(Object.keys(claims)).toEqual(['sub', '__proto__']);
  });
});

describe('summarize', () => {
  it('keeps what a log line may say, clipped, and nothing else', () => {
    const long = 'x'.repeat(500);
    expect(
      summarize(
        { alg: 'RS256', kid: 'k' },
        { iss: long, aud: ['a', 7, 'b'], sub: 's', azp: 'c', secret: 'no' },
      ),
    ).toEqual({ iss: 'x'.repeat(200), kid: 'k', aud: ['a', 'b'], sub: 's', clientId: 'c' });
  });

  it('names at most ten audiences', () => {
    const aud = Array.from({ length: 12 }, (_, i) => `api-${i}`);
    expect(summarize({ alg: 'RS256' }, { aud }).aud).toEqual(aud.slice(0, 10));
  });
});
