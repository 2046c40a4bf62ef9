import { POLICIES_KEY } from './auth.constants.js';

/**
 * Requires the named policy, registered in `AuthModule.forRoot({ policies })`. On a controller, a
 * handler, or both; several `@Policy`s add up (each must be met): they are checked after
 * `@Scopes` and `@Roles`, the controller's first, in the order written. A name that is not registered stops the app at start, naming the route.
 * A failed policy is a plain 403 naming it. See docs/authorization.md.
 *
 * @example
 * ```ts
 * @Policy('reports.export')
 * @Get('export') export() {}
 * ```
 */
export function Policy(name: string): ClassDecorator & MethodDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = (descriptor?.value as object | undefined) ?? target;
    const current = (Reflect.getMetadata(POLICIES_KEY, holder) as string[] | undefined) ?? [];
    // Decorators apply bottom-up: prepending keeps the order they are written in.
    Reflect.defineMetadata(POLICIES_KEY, [...new Set([name, ...current])], holder);
  };
}
