import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import passport from 'passport';
import { Strategy } from 'passport-jwt';
import { BearerError } from './core/bearer-errors.js';
import type { Principal } from './core/principal.js';

/** The name the strategy is registered under in Passport. */
const STRATEGY = 'jwt';

/**
 * What `JwtAuthGuard` hands Passport for one request, and Passport hands `authenticate`.
 *
 * A class, not an object literal, for the garbage collector. V8 may decide that the objects of a
 * literal tend to survive and allocate them straight in the old generation ("pretenuring"), for
 * good. An options literal so placed, garbage a moment later, kept `verify`'s closure and what it
 * reached alive through every young-generation collection until the next full one: 12–14 µs more
 * GC per miss on a running server (docs/performance.md). An object made by `new` has no
 * allocation site, so V8 has nothing to pretenure it by.
 */
export class BearerAuthenticateOptions {
  readonly session = false;

  constructor(
    /** The bearer token, extracted by RFC 6750's rules. */
    readonly token: string,
    /** The guard's own path from token to principal: its module's cache, policy and keys. */
    readonly verify: (token: string) => Principal | Promise<Principal>,
  ) {}
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
export class JwtBearerStrategy extends PassportStrategy(Strategy, STRATEGY) {
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

/** The strategy's answer: a principal, or its refusal (a `BearerError`) or error. */
type Outcome = { principal: Principal } | { refusal: Error };
type PassportMiddleware = (req: object, res: unknown, next: () => void) => void;

const settled = (outcome: Outcome): Principal => {
  if ('principal' in outcome) return outcome.principal;
  throw outcome.refusal;
};

/**
 * Passport authenticates one request with the `jwt` strategy, in its custom-callback form (no
 * session, no `req.logIn`): the principal, or the refusal (a `BearerError`) thrown. When the
 * strategy answers within the call, as it does whenever the key is held, so does this: no
 * promise. Otherwise the promise settles when it answers.
 *
 * Passport writes seven helpers (`logIn`, `isAuthenticated`, ...) onto the request it is given;
 * on Express's request, which already carries dozens of fields, that cost about 100 µs per miss.
 * The strategy reads nothing of the request, so Passport gets an empty one of its own.
 */
export function authenticateBearer(
  options: BearerAuthenticateOptions,
  response: unknown,
): Principal | Promise<Principal> {
  let outcome: Outcome | undefined;
  let later: ((outcome: Outcome) => void) | undefined;
  const done = (error: unknown, user?: Principal | false, refusal?: unknown): void => {
    const answer: Outcome = user ? { principal: user } : { refusal: (error ?? refusal) as Error };
    if (later) later(answer);
    else outcome = answer;
  };
  const passed = () =>
    done(new Error(`Passport's ${STRATEGY} strategy neither allowed nor refused`));
  const middleware = passport.authenticate(STRATEGY, options, done) as PassportMiddleware;
  middleware({}, response, passed);

  if (outcome !== undefined) return settled(outcome);
  return new Promise((resolve, reject) => {
    later = (answer) =>
      'principal' in answer ? resolve(answer.principal) : reject(answer.refusal);
  });
}
