import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { KeyObject } from 'node:crypto';
import type { Algorithm } from 'jsonwebtoken';
import { Strategy } from 'passport-jwt';
import {
  ASYMMETRIC_ALGORITHMS,
  BEARER_TOKEN,
  DECODED_TOKEN,
  TOKEN_POLICY,
  TOKEN_VERIFIER,
} from './auth.constants.js';
import type { AuthRequest } from './auth-request.js';
import { checkClaims, inspectAccessToken, type TokenPolicy } from './core/access-token.js';
import type { Principal } from './core/principal.js';
import { toPrincipal } from './core/principal.js';
import { AuthorityClient } from './keys/authority-client.js';

/** passport-jwt's typings say string | Buffer; jsonwebtoken 9 takes a `KeyObject`, which we hand it. */
type KeyDone = (error: unknown, key?: string | Buffer) => void;
const asSecret = (key: KeyObject) => key as unknown as Buffer;

/**
 * passport-jwt, wired so every check of `core/access-token.ts` runs in its order:
 * the key provider runs the core's `inspectAccessToken` through `key_fits` (format, header and
 * issuer before any key lookup, then the key and its fit with the algorithm); passport-jwt
 * verifies the signature with that `KeyObject` and the algorithm allowlist; `validate` checks the
 * claims (`checkClaims`) and builds the principal.
 * The token itself comes from the guard, which extracted it by RFC 6750's rules, together with its
 * module's policy and key resolver (`TOKEN_VERIFIER`): Passport registers strategies process-wide,
 * so in a process with two apps this instance may be the other app's. passport-jwt is given every
 * asymmetric algorithm; the policy's own allowlist is enforced before any key is looked up, and
 * `key_fits` binds the algorithm to the key.
 */
@Injectable()
export class JwtBearerStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(TOKEN_POLICY) private readonly policy: TokenPolicy,
    authority: AuthorityClient,
  ) {
    const own = { policy, resolveKey: authority.resolveKey };
    super({
      jwtFromRequest: (req: AuthRequest) => req[BEARER_TOKEN] ?? null,
      secretOrKeyProvider: (req: AuthRequest, token: string, done: KeyDone) => {
        const verifier = req[TOKEN_VERIFIER] ?? own;
        inspectAccessToken(token, verifier.policy, verifier.resolveKey, undefined, {
          through: 'key_fits',
        }).then(
          ({ decoded, error, key }) => {
            req[DECODED_TOKEN] = decoded;
            if (error || !key) return done(error);
            done(null, asSecret(key.key));
          },
          (error: unknown) => done(error),
        );
      },
      algorithms: [...ASYMMETRIC_ALGORITHMS] as Algorithm[],
      ignoreExpiration: true,
      jsonWebTokenOptions: { ignoreNotBefore: true },
      passReqToCallback: true,
    });
  }

  validate(req: AuthRequest, claims: Record<string, unknown>): Principal {
    const policy = req[TOKEN_VERIFIER]?.policy ?? this.policy;
    checkClaims(claims, policy, Date.now() / 1000, req[DECODED_TOKEN]?.summary);
    return toPrincipal(claims);
  }
}
