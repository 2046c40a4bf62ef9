import { constants, verify, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto';
import { AuthMessages } from './auth-messages.js';
import { InvalidTokenError } from './bearer-errors.js';
import type { DecodedToken } from './decoded-token.js';
import type { VerificationKey } from './token-policy.js';

/*
 * The signature, checked with node:crypto directly on the segments `decodeToken` already cut: no
 * second decode. `checkKeyFits` has bound the algorithm to the key before this runs.
 */

const DIGESTS: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

function keyInput(alg: string, key: KeyObject): KeyObject | VerifyKeyObjectInput {
  switch (alg.slice(0, 2)) {
    case 'PS':
      return {
        key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
      };
    case 'ES':
      return { key, dsaEncoding: 'ieee-p1363' };
    default:
      return key;
  }
}

/** True when `signature` is `signingInput` signed by `vk` with `alg` (RS*, PS*, ES*). */
export function signatureVerifies(
  alg: string,
  signingInput: string,
  signature: string,
  vk: VerificationKey,
): boolean {
  try {
    return verify(
      DIGESTS[alg.slice(2)],
      Buffer.from(signingInput, 'latin1'),
      keyInput(alg, vk.key),
      Buffer.from(signature, 'base64url'),
    );
  } catch {
    // node:crypto throws for a key it can't verify with (a secret key, say): that is a no as well.
    return false;
  }
}

/** Refuses a token whose signature does not verify with its key. */
export function checkSignature(
  { header, signingInput, signature }: DecodedToken,
  vk: VerificationKey,
): void {
  if (!signatureVerifies(header.alg, signingInput, signature, vk)) {
    throw new InvalidTokenError('bad_signature', AuthMessages.badSignature(vk.kid));
  }
}
