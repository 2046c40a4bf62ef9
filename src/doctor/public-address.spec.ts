import { describe, expect, it } from '@jest/globals';
import { addressVerdict, isLoopbackName } from './public-address.js';

describe('addressVerdict: where a lookup of a token-named issuer may connect', () => {
  it.each(['93.184.215.14', '8.8.8.8', '2606:4700::6810:84e5', '::ffff:8.8.8.8'])(
    'a public address, %s',
    (address) => {
      expect(addressVerdict(address, false)).toEqual({ allowed: true });
    },
  );

  it.each([
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '192.0.2.2',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    'fd00::2',
    'fe80::1',
    'ff02::1',
    '64:ff9b::a00:1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
  ])('never %s, loopback authority or not', (address) => {
    expect(addressVerdict(address, true).allowed).toBe(false);
    expect(addressVerdict(address, false).allowed).toBe(false);
  });

  it.each(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])(
    '%s only when the configured authority is on loopback',
    (address) => {
      expect(addressVerdict(address, true)).toEqual({ allowed: true });
      expect(addressVerdict(address, false)).toEqual({
        allowed: false,
        why: `${address} is this machine (loopback), and the configured authority is not`,
      });
    },
  );
});

describe('isLoopbackName', () => {
  it.each([
    ['127.0.0.1', true],
    ['[::1]', true],
    ['localhost', true],
    ['LOCALHOST', true],
    ['api.localhost', true],
    ['idp.example.com', false],
    ['10.0.0.1', false],
    ['localhost.example.com', false],
  ])('%s → %s', (host, loopback) => {
    expect(isLoopbackName(host)).toBe(loopback);
  });
});
