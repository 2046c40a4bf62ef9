import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { KeyObject } from 'node:crypto';
import type { Algorithm } from 'jsonwebtoken';
import { Strategy } from 'passport-jwt';
import { BEARER_TOKEN, DECODED_TOKEN, TOKEN_POLICY } from './auth.constants.js';
import type { AuthRequest } from './auth-request.js';
import {
  checkBeforeKey,
  checkClaims,
  checkKeyFits,
  decodeUntrusted,
  type TokenPolicy,
} from './core/access-token.js';
import type { Principal } from './core/principal.js';
import { toPrincipal } from './core/principal.js';
import { AuthorityClient } from './keys/authority-client.js';

/** passport-jwt's typings say string | Buffer; jsonwebtoken 9 takes a `KeyObject`, which we hand it. */
type KeyDone = (error: unknown, key?: string | Buffer) => void;
const asSecret = (key: KeyObject) => key as unknown as Buffer;

/**
 * passport-jwt, wired so every check of `core/access-token.ts` runs in its order:
 * the key provider decodes, checks header and issuer, then finds the key and checks that it fits
 * the algorithm (steps 1–3); passport-jwt verifies the signature with that `KeyObject` and the
 * algorithm allowlist (step 4); `validate` checks the claims and builds the principal (step 5).
 * The token itself comes from the guard, which extracted it by RFC 6750's rules.
 */
@Injectable()
export class JwtBearerStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(TOKEN_POLICY) private readonly policy: TokenPolicy,
    authority: AuthorityClient,
  ) {
    super({
      jwtFromRequest: (req: AuthRequest) => req[BEARER_TOKEN] ?? null,
      secretOrKeyProvider: (req: AuthRequest, token: string, done: KeyDone) => {
        let decoded;
        try {
          decoded = decodeUntrusted(token);
          req[DECODED_TOKEN] = decoded;
          checkBeforeKey(decoded, policy);
        } catch (error) {
          return done(error);
        }
        const { header, summary } = decoded;
        authority
          .resolveKey(header.kid as string)
          .then((vk) => {
            checkKeyFits(header.alg, vk, summary);
            done(null, asSecret(vk.key));
          })
          .catch((error: unknown) => done(error));
      },
      algorithms: [...policy.algorithms] as Algorithm[],
      ignoreExpiration: true,
      jsonWebTokenOptions: { ignoreNotBefore: true },
      passReqToCallback: true,
    });
  }

  validate(req: AuthRequest, claims: Record<string, unknown>): Principal {
    checkClaims(claims, this.policy, Date.now() / 1000, req[DECODED_TOKEN]?.summary);
    return toPrincipal(claims);
  }
}
