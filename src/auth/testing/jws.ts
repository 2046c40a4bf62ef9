import { createHmac, createPublicKey, sign, type KeyObject } from 'node:crypto';

/** A token's payload: claims, or any string (even one that is not JSON). */
export type JwsPayload = Record<string, unknown> | string;

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** A signature-shaped placeholder for algorithms node:crypto can't produce (forgeries only). */
const PLACEHOLDER = 'c2lnbmF0dXJl';
const SUPPORTED = /^(HS|RS|PS|ES)(256|384|512)$/;

function signature(
  alg: unknown,
  input: string,
  key: KeyObject | Buffer | string | undefined,
): string {
  if (typeof alg === 'string' && alg.toLowerCase() === 'none') return '';
  if (typeof alg !== 'string' || !SUPPORTED.test(alg)) return PLACEHOLDER;
  if (key === undefined) throw new Error(`signing with ${alg} needs a key`);
  const digest = `sha${alg.slice(2)}`;
  const data = Buffer.from(input);
  switch (alg.slice(0, 2)) {
    case 'HS': {
      // An asymmetric key becomes its public PEM: the classic "HS256 with the public key" forgery.
      const secret =
        typeof key === 'object' && 'asymmetricKeyType' in key && key.asymmetricKeyType
          ? (key.type === 'public' ? key : createPublicKey(key)).export({
              format: 'pem',
              type: 'spki',
            })
          : key;
      return createHmac(digest, secret).update(input).digest('base64url');
    }
    case 'RS':
      return sign(digest, data, key).toString('base64url');
    case 'PS':
      return sign(digest, data, {
        key: key as KeyObject,
        padding: 6, // RSA_PKCS1_PSS_PADDING
        saltLength: Number(alg.slice(2)) / 8,
      }).toString('base64url');
    default:
      return sign(digest, data, { key: key as KeyObject, dsaEncoding: 'ieee-p1363' }).toString(
        'base64url',
      );
  }
}

/**
 * Signs a JWS compact token with node:crypto and nothing else, so tests can forge exactly what an
 * attacker would: any header, any payload, `none`, HS256 with a public key as the secret.
 */
export function signJws(
  header: Record<string, unknown> & { alg: unknown },
  payload: JwsPayload,
  key?: KeyObject | Buffer | string,
): string {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const input = `${b64url(JSON.stringify(header))}.${b64url(body)}`;
  return `${input}.${signature(header.alg, input, key)}`;
}
