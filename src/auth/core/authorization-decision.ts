import { AuthMessages } from './auth-messages.js';
import {
  firstUnmet,
  type AuthorizationContext,
  type PolicyDefinition,
  type PolicyRequirement,
} from './authorization-policy.js';
import { ForbiddenError, type ForbiddenReason } from './bearer-errors.js';
import { checkNames, type NameRequirement } from './name-requirement.js';
import type { Principal } from './principal.js';

/*
 * Decisions on roles and policies, after the token was accepted. A decision says which kind of
 * requirement decided (`scope`, `role`, `policy`: a fixed set, for counting) and, when it denies,
 * the reason code and the sentence the 403 answers with.
 */

/** The kind of requirement a decision was about. */
export type AuthorizationRequirement = 'scope' | 'role' | 'policy';

export type AuthorizationDecision =
  | { readonly allowed: true; readonly requirement: AuthorizationRequirement }
  | {
      readonly allowed: false;
      readonly requirement: AuthorizationRequirement;
      /** The log's reason code. */
      readonly reason: ForbiddenReason;
      /** What was missing, named: the role, or the policy and what it requires. */
      readonly message: string;
    };

const allowed = (requirement: AuthorizationRequirement): AuthorizationDecision =>
  Object.freeze({ allowed: true, requirement });
const ALLOWED_ROLE = allowed('role');
const ALLOWED_POLICY = allowed('policy');

/** `@Roles` / `@AnyRole` of a route (class and handler added up) against the caller's roles. */
export function decideRoles(
  principal: Principal,
  required: NameRequirement,
): AuthorizationDecision {
  const verdict = checkNames(new Set(principal.roles), required);
  if (verdict.ok) return ALLOWED_ROLE;
  const message =
    verdict.missing.length > 0
      ? AuthMessages.missingRole(verdict.missing)
      : AuthMessages.missingAnyRole(verdict.unmetAnyOf ?? []);
  return { allowed: false, requirement: 'role', reason: 'missing_role', message };
}

/**
 * A policy against a context; `name` is how the 403 message names it (a registered name, or
 * undefined for a policy built on the spot). A promise only when one of its checks returns one.
 */
export function decidePolicy<R>(
  name: string | undefined,
  policy: PolicyDefinition<R>,
  context: AuthorizationContext<R>,
): AuthorizationDecision | Promise<AuthorizationDecision> {
  const unmet = firstUnmet(policy, context);
  if (unmet instanceof Promise) return unmet.then((u) => policyDecision(name, u));
  return policyDecision(name, unmet);
}

function policyDecision<R>(
  name: string | undefined,
  unmet: PolicyRequirement<R> | undefined,
): AuthorizationDecision {
  if (unmet === undefined) return ALLOWED_POLICY;
  const message = AuthMessages.policyNotMet(name, unmet.requires);
  return { allowed: false, requirement: 'policy', reason: 'policy_failed', message };
}

/** The 403 a denial answers with, carrying the caller's identity for the log line. */
export function forbiddenError(
  decision: Extract<AuthorizationDecision, { allowed: false }>,
  principal: Principal | undefined,
): ForbiddenError {
  return new ForbiddenError(decision.reason, decision.message).withSummary({
    iss: principal?.issuer,
    sub: principal?.sub,
    clientId: principal?.clientId,
  });
}
