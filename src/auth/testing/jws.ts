import { createHmac, sign, type KeyObject } from 'node:crypto';

/**
 * Signs a JWS compact token with node:crypto and nothing else, so tests can forge exactly what an
 * attacker would: any header, any payload (even one that is not JSON), `none`, HS256 with a
 * public key as the secret.
 */
export type JwsPayload = Record<string, unknown> | string;

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

function signature(
  alg: string,
  input: string,
  key: KeyObject | Buffer | string | undefined,
): string {
  if (alg.toLowerCase() === 'none') return '';
  if (key === undefined) throw new Error(`signing with ${alg} needs a key`);
  const bits = alg.slice(2);
  if (alg.startsWith('HS')) return createHmac(`sha${bits}`, key).update(input).digest('base64url');
  const digest = `sha${bits}`;
  if (alg.startsWith('RS')) return sign(digest, Buffer.from(input), key).toString('base64url');
  if (alg.startsWith('PS')) {
    return sign(digest, Buffer.from(input), {
      key: key as KeyObject,
      padding: 6, // RSA_PKCS1_PSS_PADDING
      saltLength: Number(bits) / 8,
    }).toString('base64url');
  }
  if (alg.startsWith('ES')) {
    return sign(digest, Buffer.from(input), {
      key: key as KeyObject,
      dsaEncoding: 'ieee-p1363',
    }).toString('base64url');
  }
  throw new Error(`unsupported alg ${alg}`);
}

export function signJws(
  header: Record<string, unknown> & { alg: string },
  payload: JwsPayload,
  key?: KeyObject | Buffer | string,
): string {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const input = `${b64url(JSON.stringify(header))}.${b64url(body)}`;
  return `${input}.${signature(header.alg, input, key)}`;
}
