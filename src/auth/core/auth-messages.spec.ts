import { describe, expect, it } from '@jest/globals';
import { AuthMessages, shown } from './auth-messages.js';

describe('shown (a token-derived value in a description)', () => {
  it.each([
    ['a string as it is', 'abc', 'abc'],
    ['an array as a list, non-strings as JSON', ['a', 1, { b: 2 }], 'a, 1, {"b":2}'],
    ['an empty array as JSON', [], '[]'],
    ['an object as JSON', { a: 1 }, '{"a":1}'],
    ['undefined, which has no JSON', undefined, 'undefined'],
  ])('shows %s', (_name, value, text) => {
    expect(shown(value)).toBe(text);
  });

  it('clips past the maximum only, marking the cut', () => {
    expect(shown('x'.repeat(80))).toBe('x'.repeat(80));
    expect(shown('x'.repeat(81))).toBe(`${'x'.repeat(80)}...`);
    expect(shown('abcdef', 3)).toBe('abc...');
  });
});

describe('the issuer hint for an issuer on the same host', () => {
  it.each([
    ['https://idp.example.com/a/', 'https://idp.example.com/a'],
    ['https://idp.example.com/a', 'https://idp.example.com/a/'],
  ])('says when %s and %s differ only by a trailing slash', (iss, expected) => {
    expect(AuthMessages.wrongIssuer(iss, expected)).toBe(
      `The token issuer ${iss} is not the expected issuer ${expected}; the two differ only by a trailing slash`,
    );
  });

  it.each(['https://other.example.com/a', 'not a url'])('adds nothing for %s', (iss) => {
    expect(AuthMessages.wrongIssuer(iss, 'https://idp.example.com/a')).toBe(
      `The token issuer ${iss} is not the expected issuer https://idp.example.com/a`,
    );
  });
});
