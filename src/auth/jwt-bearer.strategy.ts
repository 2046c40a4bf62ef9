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
  verify: (token: string) => Promise<Principal>;
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

  /** Passport's entry point: a principal is a success, a `BearerError` a failure. */
  override authenticate(_req: unknown, options: BearerAuthenticateOptions): void {
    void this.run(options);
  }

  private async run({ token, verify }: BearerAuthenticateOptions): Promise<void> {
    let principal: Principal;
    try {
      principal = await verify(token);
    } catch (refusal) {
      if (refusal instanceof BearerError) return this.fail(refusal, refusal.status);
      return this.error(refusal as Error);
    }
    this.success(this.validate(principal));
  }

  /** Passport's user is the principal, as verified. */
  validate(principal: Principal): Principal {
    return principal;
  }
}
