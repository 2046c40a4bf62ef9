import { describe, expect, it } from '@jest/globals';
import { redactQuery, redactUrl } from './logging.options.js';

describe('redactUrl: no access_token value in a logged URL, however its name is spelled', () => {
  it.each([
    ['/api/me?access_token=SECRET', '/api/me?access_token=[Redacted]'],
    ['/api/me?x=1&access_token=SECRET&y=2', '/api/me?x=1&access_token=[Redacted]&y=2'],
    ['/api/me?access%5Ftoken=SECRET', '/api/me?access%5Ftoken=[Redacted]'],
    ['/api/me?access%5ftoken=SECRET', '/api/me?access%5ftoken=[Redacted]'],
    ['/api/me?%61ccess_token=SECRET', '/api/me?%61ccess_token=[Redacted]'],
    [
      '/api/me?%61%63%63%65%73%73%5F%74%6F%6B%65%6E=SECRET',
      '/api/me?%61%63%63%65%73%73%5F%74%6F%6B%65%6E=[Redacted]',
    ],
    ['/api/me?access_token[]=SECRET', '/api/me?access_token[]=[Redacted]'],
    ['/api/me?access_token%5B%5D=SECRET', '/api/me?access_token%5B%5D=[Redacted]'],
    [
      '/api/me?access_token[0]=A&access_token[1]=B',
      '/api/me?access_token[0]=[Redacted]&access_token[1]=[Redacted]',
    ],
    [
      '/api/me?access_token=A&access_token=B',
      '/api/me?access_token=[Redacted]&access_token=[Redacted]',
    ],
  ])('%s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });

  it.each([
    '/api/me',
    '/api/me?',
    '/api/me?access_tokens=kept&my_access_token=kept&token=kept',
    '/api/me?access_token',
    '/api/me?access%ZZtoken=kept',
    '/api/me?access%255Ftoken=kept',
  ])('leaves %s as it is', (url) => {
    expect(redactUrl(url)).toBe(url);
  });
});

describe('redactQuery', () => {
  it('replaces the value of every access_token parameter of a parsed query, array forms too', () => {
    expect(
      redactQuery({ access_token: 'A', 'access_token[]': ['B'], access_tokens: 'kept', x: '1' }),
    ).toEqual({
      access_token: '[Redacted]',
      'access_token[]': '[Redacted]',
      access_tokens: 'kept',
      x: '1',
    });
    expect(redactQuery(undefined)).toBeUndefined();
  });
});
