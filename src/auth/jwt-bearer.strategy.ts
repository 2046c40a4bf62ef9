import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import { BearerError } from './core/bearer-errors.js';
import type { Principal } from './core/principal.js';

/** What `JwtAuthGuard` hands Passport for one request, and Passport hands `authenticate`. */
export interface BearerAuthenticateOptions {
  session: false;
  /** The bearer token, extracted by RFC 6750's rules. */
  token: string;
  /** The guard's own path from token to principal: its module's cache, policy and keys. */
  verify: (token: string) => Principal | Promise<Principal>;
}

/**
 * The `jwt` Passport strategy: passport-jwt's, with its `authenticate` taking the token and the
 * verifier from the options of each call instead of from its constructor.
 *
 * - Passport keeps strategies in one process-wide registry: with two apps in one process this
 *   instance may be the other app's, so nothing app-specific is kept here.
 * - passport-jwt's own flow (`jwtFromRequest`, `secretOrKeyProvider`, jsonwebtoken, `validate`)
 *   would decode the token a second time; it is not used. Its settings below refuse everything.
 */
@Injectable()
export class JwtBearerStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor() {
    super({
      jwtFromRequest: () => null,
      secretOrKeyProvider: (_req: unknown, _token: string, done: (error: Error) => void) =>
        done(new Error('JwtBearerStrategy verifies through its authenticate options')),
    });
  }

  /**
   * Passport's entry point: a principal is a success, a `BearerError` a failure, anything else
   * an error. A held key answers in this very call; a fetched one when it arrives.
   */
  override authenticate(_req: unknown, { token, verify }: BearerAuthenticateOptions): void {
    let verified: Principal | Promise<Principal>;
    try {
      verified = verify(token);
    } catch (refusal) {
      return this.refuse(refusal);
    }
    if (verified instanceof Promise) {
      verified.then(
        (principal) => this.success(this.validate(principal)),
        (refusal: unknown) => this.refuse(refusal),
      );
    } else {
      this.success(this.validate(verified));
    }
  }

  private refuse(refusal: unknown): void {
    if (refusal instanceof BearerError) return this.fail(refusal, refusal.status);
    this.error(refusal as Error);
  }

  /** Passport's user is the principal, as verified. */
  validate(principal: Principal): Principal {
    return principal;
  }
}
