import { createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { generateTestKey, signJws, type TestKey } from '../testing/index.js';
import { decodeToken } from './decoded-token.js';
import { signatureVerifies } from './signature.js';

// RSA keys are slow to make: one pair signs every RS* and PS* token, another is the wrong key.
const rsa = generateTestKey('RS256');
const otherRsa = generateTestKey('RS256');
const ec = (alg: string) => [generateTestKey(alg), generateTestKey(alg)];
const KEYS: Record<string, TestKey[]> = {
  RS: [rsa, otherRsa],
  PS: [rsa, otherRsa],
  ES256: ec('ES256'),
  ES384: ec('ES384'),
  ES512: ec('ES512'),
};

/** A token signed with `alg`, checked as `checkSignature` checks it, with the key given. */
function verifierOf(alg: string, signingKey: KeyObject) {
  const { header, signingInput, signature } = decodeToken(
    signJws({ alg, kid: 'k' }, { sub: 'u' }, signingKey),
  );
  return (key: KeyObject) =>
    signatureVerifies(header.alg, signingInput, signature, { kid: 'k', key });
}

describe('signatureVerifies', () => {
  it.each(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'])(
    'verifies %s with the digest its name says, and only with its own key',
    (alg) => {
      const [own, other] = KEYS[alg] ?? KEYS[alg.slice(0, 2)];
      const verifyWith = verifierOf(alg, own.privateKey);
      expect(verifyWith(own.publicKey)).toBe(true);
      expect(verifyWith(other.publicKey)).toBe(false);
    },
  );

  it('says no, without throwing, for a key node:crypto cannot verify with', () => {
    const verifyWith = verifierOf('RS256', rsa.privateKey);
    expect(verifyWith(createSecretKey(Buffer.alloc(32)))).toBe(false);
    expect(verifyWith(generateKeyPairSync('x25519').publicKey)).toBe(false);
  });
});
