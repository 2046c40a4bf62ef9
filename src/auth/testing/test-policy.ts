import { AuthMessages } from '../core/auth-messages.js';
import { InvalidTokenError } from '../core/bearer-errors.js';
import type { KeyResolver, TokenPolicy } from '../core/token-policy.js';
import type { TestKey } from './test-keys.js';

/** The issuer `testPolicy` expects unless told otherwise. */
export const TEST_ISSUER = 'https://idp.example.com/oauth2/default';

/**
 * A `TokenPolicy` for unit specs of the core: one issuer, `TEST_ISSUER`; audience `api://default`;
 * RS256 only, 60 s of clock skew, any access token type. Override what a spec is about.
 *
 * @example testPolicy({ algorithms: ['RS256', 'ES256'], requireAtJwt: true })
 */
export function testPolicy(overrides: Partial<TokenPolicy> = {}): TokenPolicy {
  return {
    issuers: [TEST_ISSUER],
    audiences: ['api://default'],
    algorithms: ['RS256'],
    clockSkewSeconds: 60,
    requireAtJwt: false,
    ...overrides,
  };
}

/**
 * A `KeyResolver` that publishes exactly these keys (with the JWK's `alg`, when it has one), as
 * the API's `AuthorityClient` would; any other kid is refused as `unknown_kid` of `issuer`.
 */
export function keyResolverFor(
  keys: TestKey | readonly TestKey[],
  issuer = TEST_ISSUER,
): KeyResolver {
  const published: readonly TestKey[] = 'kid' in keys ? [keys] : keys;
  return (kid) => {
    const key = published.find((k) => k.kid === kid);
    if (!key) {
      return Promise.reject(
        new InvalidTokenError('unknown_kid', AuthMessages.unknownKid(kid, issuer)),
      );
    }
    const alg = typeof key.jwk.alg === 'string' ? key.jwk.alg : undefined;
    return Promise.resolve({ kid, key: key.publicKey, alg });
  };
}
