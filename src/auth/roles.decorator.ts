import { ROLES_KEY } from './auth.constants.js';
import type { NameRequirement } from './core/name-requirement.js';
import { addRequirement } from './requirement.decorator.js';

const requireRoles = (requirement: NameRequirement) => addRequirement(ROLES_KEY, requirement);

/**
 * Requires **all** of these roles (read from `rolesClaim`, matched exactly). Like `@Scopes`, class
 * and handler requirements **add up**, and with `@Public()` the app refuses to start. A shortfall
 * is a plain 403 naming the role. See docs/authorization.md.
 *
 * @example
 * ```ts
 * @Roles('reports.admin')
 * @Delete(':id') remove() {}
 * ```
 */
export const Roles = (...roles: string[]) => requireRoles({ all: roles, anyOf: [] });

/**
 * Requires **at least one** of these roles. Combines with `@Roles` and other `@AnyRole`s (each
 * `@AnyRole` is one group that must be met).
 *
 * @example
 * ```ts
 * @AnyRole('auditor', 'admin')
 * ```
 */
export const AnyRole = (...roles: string[]) => requireRoles({ all: [], anyOf: [roles] });
