import { generateKeyPairSync, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';

/** A signing key pair with its public JWK, as an authority would publish it. */
export interface TestKey {
  kid: string;
  alg: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** What the JWKS publishes for this key. Edit it to publish odd keys. */
  jwk: JsonWebKey & { kid: string };
}

const CURVES: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

/** Generates a key for `alg` (RS*, PS* or ES*). The JWK names its `alg` unless `publishAlg` is false. */
export function generateTestKey(
  alg = 'RS256',
  options: { kid?: string; publishAlg?: boolean } = {},
): TestKey {
  const pair = alg.startsWith('ES')
    ? generateKeyPairSync('ec', { namedCurve: CURVES[alg] })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = options.kid ?? randomUUID();
  const jwk = {
    ...pair.publicKey.export({ format: 'jwk' }),
    kid,
    use: 'sig',
    ...(options.publishAlg === false ? {} : { alg }),
  };
  return { kid, alg, privateKey: pair.privateKey, publicKey: pair.publicKey, jwk };
}
