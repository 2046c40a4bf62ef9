import { AuthMessages } from './auth-messages.js';
import { InvalidTokenError } from './bearer-errors.js';
import type { VerificationKey } from './token-policy.js';

const EC_CURVES: Record<string, string> = {
  ES256: 'prime256v1',
  ES384: 'secp384r1',
  ES512: 'secp521r1',
};

/**
 * One key, one algorithm (RFC 8725 §3.1): the key type, its curve and the JWK's own `alg` must fit
 * the token's `alg`, so an RSA key is never used for HS256 or an EC key of another curve.
 */
export function checkKeyFits(alg: string, vk: VerificationKey): void {
  const type = vk.key.asymmetricKeyType;
  const fits =
    (vk.alg === undefined || vk.alg === alg) &&
    (alg.startsWith('RS') || alg.startsWith('PS')
      ? type === 'rsa' || (type === 'rsa-pss' && alg.startsWith('PS'))
      : type === 'ec' && vk.key.asymmetricKeyDetails?.namedCurve === EC_CURVES[alg]);
  if (!fits) {
    const keyAlg = vk.alg ?? `${type ?? 'unknown'} keys`;
    throw new InvalidTokenError(
      'algorithm_key_mismatch',
      AuthMessages.algorithmKeyMismatch(alg, vk.kid, keyAlg),
    );
  }
}
