import type { NameRequirement } from './core/name-requirement.js';
import { mergeRequirements } from './core/name-requirement.js';

/**
 * Adds a requirement under `key` to a controller or a handler, on top of what it holds already
 * (a base class's, an earlier decorator's): requirements add up. `@Scopes` and `@Roles` use it.
 */
export function addRequirement(
  key: string,
  requirement: NameRequirement,
): ClassDecorator & MethodDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = (descriptor?.value as object | undefined) ?? target;
    const current = Reflect.getMetadata(key, holder) as NameRequirement | undefined;
    Reflect.defineMetadata(key, mergeRequirements(current, requirement), holder);
  };
}
