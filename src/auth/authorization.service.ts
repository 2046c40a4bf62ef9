import { Inject, Injectable, Optional } from '@nestjs/common';
import { AUTH_OPTIONS } from './auth.constants.js';
import { AUTH_OBSERVER, type AuthObserver } from './auth-observer.js';
import type { ResolvedAuthOptions } from './auth-options.interface.js';
import { AuthMessages } from './core/auth-messages.js';
import {
  decidePolicy,
  decideRoles,
  forbiddenError,
  type AuthorizationDecision,
} from './core/authorization-decision.js';
import { isPolicyWithRequirements, type PolicyDefinition } from './core/authorization-policy.js';
import { MissingCredentialsError } from './core/bearer-errors.js';
import type { Principal } from './core/principal.js';
import type { RouteAuth } from './route-auth-metadata.js';

/**
 * Decides what a verified caller may do, past scopes (`IAuthorizationService`): a route's
 * `@Roles` and `@Policy` (for `AuthorizationGuard`), and, for rules that need the loaded entity,
 * `authorize` / `ensure` in your own services. See docs/authorization.md.
 *
 * @example
 * ```ts
 * const message = await this.repository.findById(id);
 * await this.authorization.ensure(caller, message, 'messages.delete'); // 403 unless allowed
 * ```
 */
@Injectable()
export class AuthorizationService {
  private readonly policies: ReadonlyMap<string, PolicyDefinition<never>>;

  constructor(
    @Inject(AUTH_OPTIONS) options: Pick<ResolvedAuthOptions, 'policies'>,
    @Optional() @Inject(AUTH_OBSERVER) private readonly observer?: AuthObserver,
  ) {
    this.policies = options.policies;
  }

  /**
   * Whether `principal` may act on `resource` under a registered policy (by name) or a policy
   * built on the spot. A denial names the policy and what it requires.
   */
  async authorize<R>(
    principal: Principal,
    resource: R,
    policy: string | PolicyDefinition<R>,
  ): Promise<AuthorizationDecision> {
    const name = typeof policy === 'string' ? policy : undefined;
    // A registered policy says which resources it expects; the caller picked it by name.
    const found =
      typeof policy === 'string' ? (this.policy(policy) as PolicyDefinition<R>) : policy;
    // A policy that requires nothing would allow anyone: a mistake, never a decision.
    if (!isPolicyWithRequirements(found)) {
      throw new TypeError(
        'authorize needs a registered name or a policy() that requires something',
      );
    }
    return this.reported(await decidePolicy(name, found, { principal, resource }));
  }

  /** `authorize`, and a denial thrown as the 403 it answers with (`ForbiddenError`). */
  async ensure<R>(
    principal: Principal,
    resource: R,
    policy: string | PolicyDefinition<R>,
  ): Promise<void> {
    const decision = await this.authorize(principal, resource, policy);
    if (!decision.allowed) throw forbiddenError(decision, principal);
  }

  /**
   * A route's roles, then each of its policies in order; the first denial is thrown. Synchronous
   * unless a policy's check returns a promise.
   */
  enforceRoute(
    principal: Principal | undefined,
    route: RouteAuth,
    request: unknown,
  ): void | Promise<void> {
    // The authentication guard runs first: a protected route never gets here without a caller.
    if (!principal) throw new MissingCredentialsError(AuthMessages.missingCredentials());
    if (route.roles) this.enforce(principal, decideRoles(principal, route.roles));
    return this.enforcePolicies(principal, route.policies ?? [], request, 0);
  }

  private enforcePolicies(
    principal: Principal,
    names: readonly string[],
    request: unknown,
    from: number,
  ): void | Promise<void> {
    for (let i = from; i < names.length; i++) {
      const decision = decidePolicy(names[i], this.policy(names[i]), { principal, request });
      if (decision instanceof Promise) {
        return decision.then((d) => {
          this.enforce(principal, d);
          return this.enforcePolicies(principal, names, request, i + 1);
        });
      }
      this.enforce(principal, decision);
    }
  }

  private policy(name: string): PolicyDefinition<never> {
    const found = this.policies.get(name);
    if (!found) throw new Error(`No policy is registered as ${name} (AuthModule policies)`);
    return found;
  }

  private enforce(principal: Principal, decision: AuthorizationDecision): void {
    this.reported(decision);
    if (!decision.allowed) throw forbiddenError(decision, principal);
  }

  private reported(decision: AuthorizationDecision): AuthorizationDecision {
    this.observer?.authorized?.(decision.allowed ? 'allowed' : 'forbidden', decision.requirement);
    return decision;
  }
}
